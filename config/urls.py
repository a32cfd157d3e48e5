from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from catalogue.feeds import ChangesFeed, CollectionFeed, ProgrammeFeed

admin.site.site_header = "Evidence Guidebook: analysts"
admin.site.site_title = "Evidence Guidebook admin"
admin.site.index_title = "Catalogue and reviews"

# The site's 500 page, drawn without the request or the database (config/errors.py). The 404 page is
# Django's default handler rendering templates/404.html.
handler500 = "config.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's): no 404 in their console.
    # Lazy: the hashed static name is known only once the app serves (collectstatic's manifest).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("img/favicon.svg"), permanent=True)),
    path("feeds/changes/", ChangesFeed(), name="changes-feed"),
    # Before the catalogue's routes; a programme's or collection's own feed sits under its page's address.
    path("programmes/<slug:slug>/feed/", ProgrammeFeed(), name="programme-feed"),
    path("collections/<slug:slug>/feed/", CollectionFeed(), name="collection-feed"),
    path("reviews/", include("reviews.urls")),
    path("", include("catalogue.urls")),
    # Guidance and service pages (about, accessibility, guidance).
    path("", include("config.pages_urls")),
    # The read-only JSON API, version 1 (published records only); the unversioned addresses redirect there.
    path("api/v1/", include("config.api_urls")),
    re_path(
        r"^api/(?!v1/)(?P<rest>.*)$", RedirectView.as_view(url="/api/v1/%(rest)s", permanent=True, query_string=True)
    ),
]

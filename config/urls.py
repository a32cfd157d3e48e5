from django.contrib import admin
from django.urls import include, path

from catalogue.feeds import ChangesFeed

admin.site.site_header = "Evidence Guidebook: analysts"
admin.site.site_title = "Evidence Guidebook admin"
admin.site.index_title = "Catalogue and reviews"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("feeds/changes/", ChangesFeed(), name="changes-feed"),
    path("reviews/", include("reviews.urls")),
    path("", include("catalogue.urls")),
    # Guidance and service pages (about, accessibility, guidance).
    path("", include("config.pages_urls")),
    # The read-only JSON API (published programmes only).
    path("api/", include("catalogue.api")),
]

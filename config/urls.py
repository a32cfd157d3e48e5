from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Evidence Guidebook: analysts"
admin.site.site_title = "Evidence Guidebook admin"
admin.site.index_title = "Catalogue and reviews"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("reviews/", include("reviews.urls")),  # reviews (issue 5)
    path("", include("catalogue.urls")),
]

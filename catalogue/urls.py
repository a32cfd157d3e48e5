from django.urls import path

from . import shortlist_views, views
from .opendata import views as data_views

app_name = "catalogue"

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/", views.programme_list, name="programme-list"),
    path("programmes/export.csv", views.programme_export, name="programme-export"),
    # Before the slug route, so "compare" is never read as a programme's slug.
    path("programmes/compare/", views.programme_compare, name="programme-compare"),
    path("programmes/compare/export.csv", views.programme_compare_export, name="programme-compare-export"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("programmes/<slug:slug>/updates/", views.programme_updates, name="programme-updates"),
    path("evidence-gaps/", views.evidence_gaps, name="evidence-gaps"),
    path("evidence-gaps/export.csv", views.evidence_gaps_export, name="evidence-gaps-export"),
    path("collections/", views.collection_list, name="collection-list"),
    path("collections/<slug:slug>/", views.collection_detail, name="collection-detail"),
    path("collections/<slug:slug>/export.csv", views.collection_export, name="collection-export"),
    path("shortlist/", shortlist_views.shortlist_page, name="shortlist"),
    path("shortlist/add/", shortlist_views.shortlist_add, name="shortlist-add"),
    path("shortlist/remove/", shortlist_views.shortlist_remove, name="shortlist-remove"),
    path("shortlist/export.csv", shortlist_views.shortlist_export, name="shortlist-export"),
    path("shortlist/pack/", shortlist_views.shortlist_pack, name="shortlist-pack"),
    path("data/", data_views.data_page, name="data"),
    path("data/evidence-guidebook-open-data.zip", data_views.data_download, name="data-download"),
    path("data/evidence-guidebook-open-data.sha256", data_views.data_checksum, name="data-checksum"),
]

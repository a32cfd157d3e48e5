from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/", views.programme_list, name="programme-list"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("collections/<slug:slug>/", views.collection_detail, name="collection-detail"),
]

from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="review-list"),
    path("export.csv", views.review_export, name="review-export"),
    path("<slug:slug>/", views.review_detail, name="review-detail"),
]

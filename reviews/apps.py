from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self):
        # Tells catalogue.permissions which public review pages show which rows.
        from . import permissions  # noqa: F401

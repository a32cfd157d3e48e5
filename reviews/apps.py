from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self):
        # Registers Review with the editorial workflow, and tells catalogue.permissions which public
        # review pages show which rows, and adds the reviews' tables to the bulk download, once the
        # models are loaded.
        from . import opendata, permissions, workflow  # noqa: F401

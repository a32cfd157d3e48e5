from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self):
        # Registers Review with the editorial workflow, and tells catalogue.permissions which public
        # review pages show which rows, once the models are loaded.
        from . import permissions, workflow  # noqa: F401

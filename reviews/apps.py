from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self):
        # Registers Review with the editorial workflow once the models are loaded.
        from . import workflow  # noqa: F401

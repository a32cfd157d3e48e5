"""Guidance and service pages: static text, so a TemplateView each.

The accessibility statement reads a setting (the team's contact address), at request time so a
deployment can set CONTACT_EMAIL without a code change; the cost ratings page prints the bands
from catalogue.choices, where the constraint and every label read them too.
"""

from django.conf import settings
from django.urls import path
from django.views.generic import TemplateView

from catalogue.choices import COST_BANDS

app_name = "pages"


class AccessibilityView(TemplateView):
    template_name = "pages/accessibility.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(contact_email=settings.CONTACT_EMAIL, **kwargs)


urlpatterns = [
    path("guidance/", TemplateView.as_view(template_name="pages/guidance_index.html"), name="guidance"),
    path("guidance/how-to-read/", TemplateView.as_view(template_name="pages/how_to_read.html"), name="how-to-read"),
    path(
        "guidance/evidence-ratings/",
        TemplateView.as_view(template_name="pages/evidence_ratings.html"),
        name="evidence-ratings",
    ),
    path(
        "guidance/cost-ratings/",
        TemplateView.as_view(template_name="pages/cost_ratings.html", extra_context={"cost_bands": COST_BANDS}),
        name="cost-ratings",
    ),
    path(
        "guidance/improvement-index/",
        TemplateView.as_view(template_name="pages/improvement_index.html"),
        name="improvement-index",
    ),
    path("guidance/glossary/", TemplateView.as_view(template_name="pages/glossary.html"), name="glossary"),
    path("about/", TemplateView.as_view(template_name="pages/about.html"), name="about"),
    path("accessibility/", AccessibilityView.as_view(), name="accessibility"),
]

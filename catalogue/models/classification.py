"""What a source says about a programme's evidence, recorded as the source's judgement, not ours.

A rating we publish (Programme.evidence_level) must be reproduced by evidence.assess() from the
studies we record. When a source only files a programme under a heading ("Established evidence",
"No effect") or prints a rating without the studies behind it, that is recorded here, with the
source and its date, and shown as the source's words beside a note that we have not rated it.
"""

import simple_history
from django.db import models
from django.db.models import Q

from ..choices import ClassificationKind
from .base import NOTE_LENGTH, BoundedTextField, Recorded, is_web_url, web_url_validator


class SourceClassification(Recorded):
    """One source's classification of a programme's evidence, e.g. the EIF workshop's "Established evidence".

    Not our rating: it is shown as "<source>: <classification>", with a note that we have not rated the
    programme ourselves, until the studies behind it are recorded and assess() reproduces a rating.
    """

    programme = models.ForeignKey(
        "catalogue.Programme", on_delete=models.CASCADE, related_name="source_classifications"
    )
    source = models.CharField(
        max_length=400,
        help_text="The source by its own title, e.g. \"EIF workshop A, 'What does the evidence tell us? "
        "Parent-child interactions and the Healthy Child Programme'\". Never a file name.",
    )
    source_label = models.CharField(
        "short name of the source",
        max_length=120,
        help_text='How cards and tables name it, e.g. "EIF workshop on parent-child interactions".',
    )
    source_date = models.DateField(
        null=True,
        blank=True,
        help_text="When the source was published; the first of the month if only the month is known. Leave empty "
        "when the source gives no date.",
    )
    source_url = models.URLField("link to the source", max_length=500, blank=True, validators=[web_url_validator])
    kind = models.CharField(max_length=20, choices=ClassificationKind, default=ClassificationKind.CATEGORY)
    classification = models.CharField(
        max_length=100,
        help_text='Exactly as the source prints it, e.g. "Established evidence", "No effect" or "3+".',
    )
    statement = BoundedTextField(
        max_length=NOTE_LENGTH,
        blank=True,
        help_text="What the source says about the evidence behind its classification, in our own words.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position on the page; lower first.")

    class Meta:
        ordering = ["programme", "order", "id"]
        verbose_name = "source classification"
        constraints = [
            models.CheckConstraint(
                condition=~Q(classification=""),
                name="%(app_label)s_%(class)s_classification_not_empty",
                violation_error_message="Type the classification as the source prints it.",
            ),
            models.CheckConstraint(
                condition=~Q(source=""),
                name="%(app_label)s_%(class)s_source_not_empty",
                violation_error_message="Name the source by its own title.",
            ),
            models.CheckConstraint(
                condition=is_web_url("source_url"),
                name="%(app_label)s_%(class)s_source_url_is_web",
                violation_error_message="The link must be an http:// or https:// address.",
            ),
            models.UniqueConstraint(
                fields=["programme", "source", "classification"],
                name="%(app_label)s_%(class)s_unique_per_source",
                violation_error_message="This source's classification of this programme is already recorded.",
            ),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return f"{self.programme.get_absolute_url()}#evidence-rating"

    @property
    def label(self) -> str:
        """As cards and tables show it: "EIF workshop on parent-child interactions: established evidence"."""
        classification = self.classification if self.kind == ClassificationKind.RATING else self.classification.lower()
        return f"{self.source_label}: {classification}"


simple_history.register(SourceClassification, history_change_reason_field=models.TextField(null=True))

"""The trials a review includes (each a catalogue Study) and the review's risk-of-bias judgements of them."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from catalogue.models import NOTE_LENGTH, BoundedTextField, Recorded, Study

from ..choices import BIAS_SYMBOLS, BiasDomain, BiasJudgement
from .review import Review


class IncludedStudy(Recorded):
    """One trial a review included, linked to the catalogue's row for that trial."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="included_studies")
    study = models.ForeignKey(
        Study,
        on_delete=models.PROTECT,
        related_name="review_inclusions",
        help_text="The catalogue's row for this trial. Start typing the first author; add the study in the "
        "catalogue first if it is missing (a trial only reviews cite has no programme).",
    )
    label = models.CharField(
        "study ID in the review",
        max_length=200,
        blank=True,
        help_text='The review\'s own name for the study, e.g. "Cicchetti 1999". Leave empty to use the '
        "catalogue citation.",
    )
    comparison = models.CharField(
        max_length=300,
        blank=True,
        help_text='What the intervention was compared with in this trial, e.g. "PIP vs no treatment".',
    )
    participants = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Participants randomised, as the review reports them (1 or more).",
    )
    notes = BoundedTextField(
        max_length=NOTE_LENGTH, blank=True, help_text="Anything the reader needs, e.g. arms combined by the review."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the review's list; lower first.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "order", "label", "id"]
        verbose_name = "included study"
        verbose_name_plural = "included studies"
        constraints = [
            models.UniqueConstraint(
                fields=["review", "study"],
                name="%(app_label)s_%(class)s_unique_study_per_review",
                violation_error_message="This review already includes that study.",
            ),
            models.CheckConstraint(
                condition=Q(participants__isnull=True) | Q(participants__gte=1),
                name="%(app_label)s_%(class)s_participants_positive",
                violation_error_message="A study has at least one participant.",
            ),
        ]

    def __str__(self):
        return f"{self.review.short_citation}: {self.display_label}"

    def get_absolute_url(self):
        return f"{self.review.get_absolute_url()}#included-{self.pk}"

    @property
    def display_label(self) -> str:
        return self.label or self.study.citation_label


class RiskOfBias(models.Model):
    """A review's risk-of-bias judgement of one included study in one Cochrane domain."""

    included_study = models.ForeignKey(IncludedStudy, on_delete=models.CASCADE, related_name="risk_of_bias")
    domain = models.CharField(max_length=20, choices=BiasDomain)
    judgement = models.CharField(max_length=10, choices=BiasJudgement, help_text="As in the review's summary figure.")
    note = BoundedTextField(
        "support for judgement",
        max_length=NOTE_LENGTH,
        blank=True,
        help_text="Why, in a sentence: the review's reason, in our own words.",
    )

    class Meta:
        ordering = ["included_study", "domain"]
        verbose_name = "risk-of-bias judgement"
        constraints = [
            models.UniqueConstraint(
                fields=["included_study", "domain"],
                name="%(app_label)s_%(class)s_unique_domain_per_study",
                violation_error_message="This study already has a judgement in that domain.",
            ),
        ]

    def __str__(self):
        return f"{self.included_study.display_label}: {self.get_domain_display()} – {self.get_judgement_display()}"

    @property
    def symbol(self) -> str:
        return BIAS_SYMBOLS[self.judgement]

    @property
    def short_label(self) -> str:
        """ "Low", "Unclear" or "High": the grid's visible word; " risk" follows for screen readers."""
        return self.get_judgement_display().removesuffix(" risk")

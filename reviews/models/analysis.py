"""A review's pooled analyses: the result as reported, and the per-study rows we recompute it from."""

from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from catalogue.models import NOTE_LENGTH, BoundedTextField, Recorded, Study

from ..choices import BINARY_MEASURES, RATIO_MEASURES, EffectMeasure, FavourableDirection, PoolingMethod, PoolingModel
from ..recompute import recompute_analysis
from .review import Review


class Analysis(Recorded):
    """One pooled result a review reports: an outcome, a comparison and a time point.

    The `reported_*` fields hold what the review printed. Per-study rows, where entered, let us
    recompute the pooled result; `recomputation` compares the two to the printed precision.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="analyses")
    number = models.CharField(
        max_length=20, blank=True, help_text='The review\'s analysis number, e.g. "1.1". Used to order analyses.'
    )
    outcome = models.CharField(max_length=300, help_text='What was measured, e.g. "Infant secure attachment".')
    comparison = models.CharField(
        max_length=200, help_text='Intervention versus what, e.g. "PIP vs control". Put the intervention first.'
    )
    time_point = models.CharField(
        max_length=100, blank=True, help_text='When it was measured, e.g. "Post-intervention", "1 to 5 year follow-up".'
    )
    effect_measure = models.CharField(max_length=5, choices=EffectMeasure)
    model = models.CharField(max_length=10, choices=PoolingModel, default=PoolingModel.RANDOM)
    method = models.CharField(
        max_length=5,
        choices=PoolingMethod,
        default=PoolingMethod.IV,
        help_text="Mantel–Haenszel applies to RR, OR and RD only.",
    )
    favourable = models.CharField(
        "which direction is good",
        max_length=10,
        choices=FavourableDirection,
        default=FavourableDirection.HIGHER,
        help_text="For ratios: is an effect above 1 good news? For differences: is a positive difference good news?",
    )
    studies_count = models.PositiveSmallIntegerField(
        "number of studies",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Studies pooled, as the review reports (1 or more).",
    )
    participants = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Participants pooled, as the review reports (1 or more).",
    )

    # As reported
    reported_estimate = models.DecimalField(
        "estimate", max_digits=10, decimal_places=4, null=True, blank=True, help_text="The pooled effect as printed."
    )
    reported_ci_low = models.DecimalField("95% CI lower", max_digits=10, decimal_places=4, null=True, blank=True)
    reported_ci_high = models.DecimalField("95% CI upper", max_digits=10, decimal_places=4, null=True, blank=True)
    reported_decimals = models.PositiveSmallIntegerField(
        "decimal places printed",
        default=2,
        validators=[MaxValueValidator(4)],
        help_text="How many decimals the review prints the estimate and interval with (RevMan: 2). The "
        "recomputed result is flagged when it differs by more than half a unit in that place.",
    )
    reported_p = models.CharField(
        "p-value",
        max_length=20,
        blank=True,
        help_text='As printed, e.g. "0.03" or "0.0002"; for "less than 0.001" type the less-than sign, then 0.001.',
    )
    reported_i2 = models.DecimalField(
        "I² (%)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Heterogeneity in percent, 0 to 100.",
    )
    reported_tau2 = models.DecimalField(
        "τ²", max_digits=10, decimal_places=4, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    reported_chi2 = models.DecimalField(
        "Chi²", max_digits=10, decimal_places=4, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    reported_df = models.PositiveSmallIntegerField("df", null=True, blank=True)
    reported_heterogeneity_p = models.CharField("heterogeneity p-value", max_length=20, blank=True)
    source_location = models.CharField(
        "where in the review",
        max_length=200,
        blank=True,
        help_text='Where the numbers are printed, e.g. "Results, PIP versus control; Figure 3".',
    )
    notes = BoundedTextField(
        max_length=NOTE_LENGTH, blank=True, help_text="Anything a reader should know about these numbers."
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "order", "number", "id"]
        verbose_name_plural = "analyses"
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_ci_low__isnull=True)
                | Q(reported_ci_high__isnull=True)
                | Q(reported_ci_low__lte=F("reported_ci_high")),
                name="%(app_label)s_%(class)s_ci_order",
                violation_error_message="The lower confidence limit must not exceed the upper one.",
            ),
            models.CheckConstraint(
                condition=Q(reported_estimate__isnull=True)
                | Q(reported_ci_low__isnull=True)
                | Q(reported_ci_high__isnull=True)
                | Q(reported_ci_low__lte=F("reported_estimate"), reported_ci_high__gte=F("reported_estimate")),
                name="%(app_label)s_%(class)s_ci_contains_estimate",
                violation_error_message="The estimate must lie inside its confidence interval.",
            ),
            models.CheckConstraint(
                condition=~Q(effect_measure__in=RATIO_MEASURES)
                | (
                    (Q(reported_estimate__isnull=True) | Q(reported_estimate__gt=0))
                    & (Q(reported_ci_low__isnull=True) | Q(reported_ci_low__gt=0))
                ),
                name="%(app_label)s_%(class)s_ratio_positive",
                violation_error_message="A risk or odds ratio and its interval are above 0.",
            ),
            models.CheckConstraint(
                condition=Q(method=PoolingMethod.IV) | Q(effect_measure__in=BINARY_MEASURES),
                name="%(app_label)s_%(class)s_mh_needs_binary",
                violation_error_message="Mantel–Haenszel pooling applies to RR, OR and RD only; use inverse "
                "variance for MD and SMD.",
            ),
            models.CheckConstraint(
                condition=Q(reported_i2__isnull=True) | Q(reported_i2__gte=0, reported_i2__lte=100),
                name="%(app_label)s_%(class)s_i2_range",
                violation_error_message="I² is a percentage between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(reported_tau2__isnull=True) | Q(reported_tau2__gte=0),
                name="%(app_label)s_%(class)s_tau2_not_negative",
                violation_error_message="τ² cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(reported_chi2__isnull=True) | Q(reported_chi2__gte=0),
                name="%(app_label)s_%(class)s_chi2_not_negative",
                violation_error_message="Chi² cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(participants__isnull=True) | Q(participants__gte=1),
                name="%(app_label)s_%(class)s_participants_positive",
                violation_error_message="An analysis pools at least one participant.",
            ),
            models.CheckConstraint(
                condition=Q(studies_count__isnull=True) | Q(studies_count__gte=1),
                name="%(app_label)s_%(class)s_studies_count_positive",
                violation_error_message="An analysis pools at least one study.",
            ),
            models.CheckConstraint(
                condition=Q(reported_decimals__lte=4),
                name="%(app_label)s_%(class)s_decimals_range",
                violation_error_message="Reported numbers are stored to at most 4 decimal places.",
            ),
        ]

    def __str__(self):
        when = f", {self.time_point}" if self.time_point else ""
        return f"{self.outcome} ({self.comparison}{when})"

    def get_absolute_url(self):
        return f"{self.review.get_absolute_url()}#analysis-{self.pk}"

    @property
    def is_binary(self) -> bool:
        return self.effect_measure in BINARY_MEASURES

    @property
    def is_ratio(self) -> bool:
        return self.effect_measure in RATIO_MEASURES

    @property
    def intervention_label(self) -> str:
        """The intervention side of "X vs Y", for axis labels and plain-words statements."""
        return self.comparison.split(" vs ")[0].strip() or "intervention"

    @property
    def control_label(self) -> str:
        parts = self.comparison.split(" vs ", 1)
        return parts[1].strip() if len(parts) == 2 and parts[1].strip() else "control"

    @cached_property
    def recomputation(self):
        """The pooled result recomputed from the (prefetched) per-study rows, compared with the reported one."""
        return recompute_analysis(self)

    @property
    def higher_is_better(self) -> bool | None:
        """True, False, or None when the review does not say which direction is good news."""
        if self.favourable == FavourableDirection.UNSTATED:
            return None
        return self.favourable == FavourableDirection.HIGHER


class AnalysisRow(models.Model):
    """One study's data in an analysis: events and group sizes, or means, SDs and group sizes.

    `t` is the intervention group and `c` the comparison group, as in the review's forest plot.
    """

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="rows")
    label = models.CharField(max_length=200, help_text='As in the forest plot, e.g. "Cicchetti 1999".')
    study = models.ForeignKey(
        Study,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="analysis_rows",
        help_text="The catalogue's row for this trial, if it has one. Leave empty for a worked example.",
    )
    events_t = models.PositiveIntegerField("intervention events", null=True, blank=True)
    mean_t = models.FloatField("intervention mean", null=True, blank=True)
    sd_t = models.FloatField("intervention SD", null=True, blank=True, validators=[MinValueValidator(0)])
    n_t = models.PositiveIntegerField(
        "intervention total",
        validators=[MinValueValidator(2)],
        help_text="Participants analysed in the group (2 or more).",
    )
    events_c = models.PositiveIntegerField("control events", null=True, blank=True)
    mean_c = models.FloatField("control mean", null=True, blank=True)
    sd_c = models.FloatField("control SD", null=True, blank=True, validators=[MinValueValidator(0)])
    n_c = models.PositiveIntegerField(
        "control total", validators=[MinValueValidator(2)], help_text="Participants analysed in the group (2 or more)."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["analysis", "order", "id"]
        verbose_name = "study row"
        constraints = [
            models.CheckConstraint(
                condition=Q(n_t__gte=2, n_c__gte=2),
                name="%(app_label)s_%(class)s_groups_of_two",
                violation_error_message="Each group needs at least 2 participants.",
            ),
            models.CheckConstraint(
                condition=Q(events_t__isnull=True) | Q(events_t__lte=F("n_t")),
                name="%(app_label)s_%(class)s_events_t_within_group",
                violation_error_message="Intervention events cannot exceed the group total.",
            ),
            models.CheckConstraint(
                condition=Q(events_c__isnull=True) | Q(events_c__lte=F("n_c")),
                name="%(app_label)s_%(class)s_events_c_within_group",
                violation_error_message="Control events cannot exceed the group total.",
            ),
            models.CheckConstraint(
                condition=(Q(sd_t__isnull=True) | Q(sd_t__gte=0)) & (Q(sd_c__isnull=True) | Q(sd_c__gte=0)),
                name="%(app_label)s_%(class)s_sd_not_negative",
                violation_error_message="A standard deviation cannot be negative.",
            ),
            models.CheckConstraint(
                condition=~Q(label=""),
                name="%(app_label)s_%(class)s_label_not_empty",
                violation_error_message="Each study row needs a label.",
            ),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        """The row must carry the numbers its analysis's effect measure needs, and no others."""
        super().clean()
        try:
            analysis = self.analysis
        except Analysis.DoesNotExist:
            return
        binary = ("events_t", "events_c")
        continuous = ("mean_t", "sd_t", "mean_c", "sd_c")
        needed, unwanted = (binary, continuous) if analysis.is_binary else (continuous, binary)
        errors = {}
        for name in needed:
            if getattr(self, name) is None:
                errors[name] = f"Needed for {analysis.get_effect_measure_display()}."
        for name in unwanted:
            if getattr(self, name) is not None:
                errors[name] = f"Not used for {analysis.get_effect_measure_display()}; leave empty."
        if errors:
            raise ValidationError(errors)

    def as_table(self) -> tuple:
        """(events_t, n_t, events_c, n_c) for pooling binary outcomes."""
        return (self.events_t, self.n_t, self.events_c, self.n_c)

    def as_groups(self) -> tuple:
        """(mean_t, sd_t, n_t, mean_c, sd_c, n_c) for pooling continuous outcomes."""
        return (self.mean_t, self.sd_t, self.n_t, self.mean_c, self.sd_c, self.n_c)

"""The evidence behind a programme: its studies, the publications reporting them, and their findings.

A Study is one evaluation; it may be reported in several Publications and has one Finding per
outcome and time point. Effect sizes and improvement indices are computed on save from the raw
group data (`catalogue.effects.compute_finding_effect`), never typed twice.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

from ..choices import (
    COMPUTED_EFFECT_SOURCES,
    RIGOROUS_DESIGNS,
    DesignType,
    Direction,
    EffectSizeType,
    EffectSource,
    FindingTiming,
    Reporter,
    StudyRating,
)
from ..effects import compute_finding_effect
from .base import (
    NARRATIVE_LENGTH,
    SHORT_NOTE_LENGTH,
    BoundedTextField,
    Country,
    Outcome,
    Recorded,
    is_web_url,
    web_url_validator,
)
from .programme import Programme


class Study(Recorded):
    """One evaluation of a programme; it may be reported in several publications.

    A study that only a review cites has no programme. Its rating is judged on design,
    sample, measurement and analysis, independently of the programme's rating.
    """

    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="studies",
        help_text="The programme evaluated. Leave empty for a trial that only a review cites.",
    )
    number = models.PositiveSmallIntegerField(
        "study number",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text='Its number on the programme page ("Study 1"). Unique within a programme.',
    )
    citation_label = models.CharField(
        max_length=300,
        help_text='Short citation as on the page, e.g. "Cicchetti et al (2006)". '
        "List follow-up papers too, separated by semicolons.",
    )
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text="Year of the main publication.",
    )
    design = models.CharField(max_length=20, choices=DesignType, help_text="From the paper's methods section.")
    countries = models.ManyToManyField(Country, blank=True, related_name="studies", help_text="Where it was conducted.")
    sample_size = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Participants randomised or assigned (families or children), at baseline (1 or more).",
    )
    sample_description = models.CharField(
        max_length=400,
        blank=True,
        help_text='A short description, e.g. "100 Spanish-speaking mothers with 12-month infants".',
    )
    timing = models.CharField(
        max_length=200, blank=True, help_text='Measurement points, e.g. "Post-test; one-year follow-up".'
    )
    longest_follow_up_months = models.PositiveSmallIntegerField(
        "longest follow-up (months)",
        null=True,
        blank=True,
        help_text="Months from the end of the intervention to the last measurement; 0 for post-test only.",
    )
    rating = models.PositiveSmallIntegerField(
        "study rating",
        choices=StudyRating,
        null=True,
        blank=True,
        help_text="This study's own rating. Leave empty for a study the catalogue has not rated.",
    )
    rigorously_conducted = models.BooleanField(
        "counted as rigorously conducted",
        null=True,
        blank=True,
        help_text="Leave unknown unless the assessment says. Yes when it calls the study rigorously conducted; No "
        "when it does not count it so although it is rated 3 (EIF's IPP page: Study 1 is 'an RCT', only Study 2 "
        "'a rigorously conducted RCT', and the results are not yet replicated in another rigorously conducted "
        "study). Level 3 and level 4 leave out studies marked No.",
    )
    measures_independent = models.BooleanField(
        "uses measures independent of participants",
        null=True,
        blank=True,
        help_text="At least one outcome measured by someone other than the participants "
        "(observation, assessment, administrative data).",
    )
    independent_of_developer = models.BooleanField(
        "conducted independently of the developer",
        null=True,
        blank=True,
        help_text="Was the evaluation run by a team independent of the programme's developer?",
    )
    design_narrative = BoundedTextField(
        "study design", max_length=NARRATIVE_LENGTH, blank=True, help_text="How participants were assigned and to what."
    )
    sample_narrative = BoundedTextField(
        "sample", max_length=NARRATIVE_LENGTH, blank=True, help_text="Who took part, where, and how many."
    )
    measures_text = BoundedTextField(
        "measures",
        max_length=NARRATIVE_LENGTH,
        blank=True,
        help_text="What was measured, with which instrument, reported by whom.",
    )
    findings_text = BoundedTextField(
        "findings", max_length=NARRATIVE_LENGTH, blank=True, help_text="A summary of what the study found."
    )

    class Meta:
        ordering = ["programme", "number", "year", "citation_label"]
        verbose_name_plural = "studies"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"],
                condition=Q(programme__isnull=False, number__isnull=False),
                name="%(app_label)s_%(class)s_unique_number_per_programme",
                violation_error_message="This programme already has a study with that number.",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=4),
                name="%(app_label)s_%(class)s_rating_range",
                violation_error_message="A study rating is NL2, 2, 3 or 4.",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1),
                name="%(app_label)s_%(class)s_number_positive",
                violation_error_message="Study numbers start at 1.",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100),
                name="%(app_label)s_%(class)s_year_range",
                violation_error_message="The year must be between 1900 and 2100.",
            ),
            models.CheckConstraint(
                condition=Q(sample_size__isnull=True) | Q(sample_size__gte=1),
                name="%(app_label)s_%(class)s_sample_size_positive",
                violation_error_message="A study has at least one participant.",
            ),
            models.CheckConstraint(
                condition=~Q(citation_label=""),
                name="%(app_label)s_%(class)s_citation_label_not_empty",
                violation_error_message="The study needs a citation label.",
            ),
        ]

    def __str__(self):
        if self.programme_id and self.number:
            return f"Study {self.number}: {self.citation_label}"
        return self.citation_label

    def get_absolute_url(self):
        """The study's section on its programme page; a review-only study has no page of its own."""
        if self.programme_id is None:
            return ""
        return f"{self.programme.get_absolute_url()}#study-{self.number or self.pk}"

    @property
    def is_rigorous_design(self) -> bool:
        return self.design in RIGOROUS_DESIGNS


doi_validator = RegexValidator(
    r"^10\.\d{4,9}/\S+$",
    'Enter the DOI alone, starting "10.", e.g. 10.1017/S0954579406060329 (not the https://doi.org/ link).',
)


class Publication(models.Model):
    """A paper, report or chapter that reports a study. One study may have several."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="publications")
    authors = models.CharField(
        max_length=500, help_text='As in the reference list, e.g. "Lieberman, A.F., Weston, D.R., & Pawl, J.H.".'
    )
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1900), MaxValueValidator(2100)])
    title = models.CharField(max_length=500)
    journal = models.CharField(max_length=300, blank=True, help_text="Journal, or publisher for a book or report.")
    volume = models.CharField(max_length=30, blank=True)
    issue = models.CharField(max_length=30, blank=True)
    pages = models.CharField(max_length=30, blank=True, help_text='e.g. "199-209".')
    doi = models.CharField("DOI", max_length=200, blank=True, validators=[doi_validator])
    url = models.URLField(
        "link",
        max_length=500,
        blank=True,
        validators=[web_url_validator],
        help_text="Where the paper can be read, if not by DOI: an http:// or https:// address.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Order in the study's reference list.")
    note = BoundedTextField(
        max_length=SHORT_NOTE_LENGTH,
        blank=True,
        help_text="Shown under the reference on the programme page. Use it when sources cite this paper "
        "differently (e.g. two journal names or years: record both and say which one the reference above "
        "follows), or when identifying the paper was our assumption. A sentence or two; leave empty otherwise.",
    )

    class Meta:
        ordering = ["study", "order", "year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1900, year__lte=2100),
                name="%(app_label)s_%(class)s_year_range",
                violation_error_message="The year must be between 1900 and 2100.",
            ),
            models.CheckConstraint(
                condition=Q(doi="") | Q(doi__startswith="10."),
                name="%(app_label)s_%(class)s_doi_format",
                violation_error_message='A DOI starts with "10.".',
            ),
            models.CheckConstraint(
                condition=is_web_url("url"),
                name="%(app_label)s_%(class)s_url_is_web",
                violation_error_message="The link must be an http:// or https:// address.",
            ),
        ]

    def __str__(self):
        return f"{self.authors} ({self.year}). {self.title}"

    def get_absolute_url(self):
        return self.link

    @property
    def link(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else self.url


class Finding(Recorded):
    """One result of one study on one outcome at one time point.

    The effect size can come from the paper, or be computed from the raw group data
    (means, SDs and sizes; or events and sizes). Positive effects always favour the
    programme: `lower_is_better` records when the raw scale runs the other way.
    """

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="findings")
    outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, related_name="findings", help_text="Start typing to search outcomes."
    )
    outcome_label = models.CharField(
        max_length=300,
        blank=True,
        help_text="The outcome as worded on the page when it is more specific, "
        'e.g. "Improved attachment security (% secure)".',
    )
    measure = models.CharField(
        max_length=300, blank=True, help_text='The instrument, e.g. "Ainsworth\'s Strange Situation".'
    )
    reporter = models.CharField(
        "reported by", max_length=30, choices=Reporter, blank=True, help_text="Who produced the measurement."
    )
    timing = models.CharField(max_length=20, choices=FindingTiming, default=FindingTiming.POST_TEST)
    months_after_end = models.PositiveSmallIntegerField(
        "months after the intervention ended",
        null=True,
        blank=True,
        help_text="For a follow-up: months from the end of the intervention (a year later = 12). "
        "12 or more counts as long term.",
    )
    statement = BoundedTextField(
        max_length=SHORT_NOTE_LENGTH,
        blank=True,
        help_text="The result in plain words, "
        'e.g. "40.9-percentage-point increase in the proportion securely attached".',
    )
    significant = models.BooleanField(
        "statistically significant", null=True, blank=True, help_text="Significant at the 5% level, as reported."
    )
    direction = models.CharField(max_length=20, choices=Direction, default=Direction.FAVOURABLE)
    is_headline = models.BooleanField(
        "show as a headline outcome",
        default=True,
        help_text="Show in the programme page's outcomes section (the best available evidence).",
    )
    order = models.PositiveSmallIntegerField(default=0)

    # The effect size: published, or computed from the raw data below.
    effect_size_type = models.CharField(max_length=20, choices=EffectSizeType, blank=True)
    effect_size = models.DecimalField(
        max_digits=7, decimal_places=4, null=True, blank=True, help_text="Positive favours the programme."
    )
    ci_low = models.DecimalField("95% CI lower", max_digits=7, decimal_places=4, null=True, blank=True)
    ci_high = models.DecimalField("95% CI upper", max_digits=7, decimal_places=4, null=True, blank=True)
    improvement_index = models.SmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-50), MaxValueValidator(50)],
        help_text="Percentile points from -50 to +50. Computed from the effect size when there is one.",
    )
    effect_source = models.CharField(
        "effect size source", max_length=20, choices=EffectSource, blank=True, editable=False
    )
    effect_formula = models.TextField("how it was computed", blank=True, editable=False)
    reported_effect_size = models.DecimalField(
        "effect size as the paper reports it",
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="The effect size printed in the paper, kept beside the one computed from the raw group data "
        "so the two can be compared: the admin warns when they differ by more than rounding. Filled in for you "
        "when you type an effect size and raw data together.",
    )

    # Raw group data (t = programme group, c = comparison group).
    lower_is_better = models.BooleanField(
        default=False, help_text="Tick when lower scores are better (e.g. behaviour problems, maltreatment reports)."
    )
    mean_t = models.FloatField("programme group mean", null=True, blank=True)
    sd_t = models.FloatField("programme group SD", null=True, blank=True, validators=[MinValueValidator(0)])
    n_t = models.PositiveIntegerField(
        "programme group size", null=True, blank=True, validators=[MinValueValidator(1)], help_text="1 or more."
    )
    mean_c = models.FloatField("comparison group mean", null=True, blank=True)
    sd_c = models.FloatField("comparison group SD", null=True, blank=True, validators=[MinValueValidator(0)])
    n_c = models.PositiveIntegerField(
        "comparison group size", null=True, blank=True, validators=[MinValueValidator(1)], help_text="1 or more."
    )
    events_t = models.PositiveIntegerField(
        "programme group events",
        null=True,
        blank=True,
        help_text="Participants with the outcome, for a yes/no outcome.",
    )
    events_c = models.PositiveIntegerField("comparison group events", null=True, blank=True)

    class Meta:
        ordering = ["study", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(improvement_index__isnull=True) | Q(improvement_index__gte=-50, improvement_index__lte=50),
                name="%(app_label)s_%(class)s_improvement_index_range",
                violation_error_message="The improvement index runs from -50 to +50.",
            ),
            models.CheckConstraint(
                condition=Q(ci_low__isnull=True) | Q(ci_high__isnull=True) | Q(ci_low__lte=F("ci_high")),
                name="%(app_label)s_%(class)s_ci_order",
                violation_error_message="The lower confidence limit must not exceed the upper one.",
            ),
            models.CheckConstraint(
                condition=Q(effect_size__isnull=True)
                | Q(ci_low__isnull=True)
                | Q(ci_high__isnull=True)
                | Q(ci_low__lte=F("effect_size"), ci_high__gte=F("effect_size")),
                name="%(app_label)s_%(class)s_ci_contains_estimate",
                violation_error_message="The effect size must lie inside its confidence interval.",
            ),
            models.CheckConstraint(
                condition=Q(sd_t__isnull=True) | Q(sd_t__gte=0),
                name="%(app_label)s_%(class)s_sd_t_not_negative",
                violation_error_message="A standard deviation cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(sd_c__isnull=True) | Q(sd_c__gte=0),
                name="%(app_label)s_%(class)s_sd_c_not_negative",
                violation_error_message="A standard deviation cannot be negative.",
            ),
            models.CheckConstraint(
                condition=(Q(n_t__isnull=True) | Q(n_t__gte=1)) & (Q(n_c__isnull=True) | Q(n_c__gte=1)),
                name="%(app_label)s_%(class)s_group_sizes_positive",
                violation_error_message="A group has at least one participant.",
            ),
            models.CheckConstraint(
                condition=Q(events_t__isnull=True) | Q(n_t__isnull=False, events_t__lte=F("n_t")),
                name="%(app_label)s_%(class)s_events_t_within_group",
                violation_error_message="Programme group events need the group size and cannot exceed it.",
            ),
            models.CheckConstraint(
                condition=Q(events_c__isnull=True) | Q(n_c__isnull=False, events_c__lte=F("n_c")),
                name="%(app_label)s_%(class)s_events_c_within_group",
                violation_error_message="Comparison group events need the group size and cannot exceed it.",
            ),
            models.CheckConstraint(
                condition=~Q(timing=FindingTiming.POST_TEST) | Q(months_after_end__isnull=True) | Q(months_after_end=0),
                name="%(app_label)s_%(class)s_post_test_has_no_delay",
                violation_error_message="A post-test finding is measured at the end (0 months); use follow-up "
                "otherwise.",
            ),
            models.CheckConstraint(
                condition=~Q(timing=FindingTiming.FOLLOW_UP)
                | Q(months_after_end__isnull=False, months_after_end__gte=1),
                name="%(app_label)s_%(class)s_follow_up_has_delay",
                violation_error_message="A follow-up finding needs the months after the intervention ended (1 "
                "or more).",
            ),
        ]

    def __str__(self):
        return f"{self.study.citation_label}: {self.outcome_label or self.outcome.name} ({self.timing_label})"

    def save(self, *args, **kwargs):
        self.apply_computed_effect()  # effect sizes are computed on save, whatever the write path
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.study.get_absolute_url()

    def clean(self):
        """Raw group data that cannot give an effect size is a form error, never a server error."""
        super().clean()
        try:
            compute_finding_effect(self.effect_inputs())
        except ValueError as error:
            raise ValidationError(f"Raw group data: {error}") from None

    def effect_inputs(self) -> dict:
        names = ["lower_is_better", "effect_size", "effect_size_type", "ci_low", "ci_high"]
        names += ["mean_t", "sd_t", "n_t", "mean_c", "sd_c", "n_c", "events_t", "events_c"]
        return {name: getattr(self, name) for name in names}

    def apply_computed_effect(self):
        """Fill in the effect size, CI and improvement index from the raw data or published effect.

        Computed values win over typed ones. Values computed earlier from raw data that has
        since been cleared are cleared too, so they are never mistaken for published ones.
        """
        typed = None if self.effect_is_computed else self.effect_size
        if self.effect_is_computed:
            # Recomputed below from the raw data, or dropped if it has gone: never kept as if published.
            self.effect_size_type, self.effect_size, self.ci_low, self.ci_high = "", None, None, None
            self.improvement_index = None
        inputs = self.effect_inputs()
        try:
            computed = compute_finding_effect(inputs)
        except ValueError:
            # clean() shows forms what is wrong with the raw data; any other write keeps what was
            # published and leaves the database constraints to judge the rest.
            raw = ["mean_t", "sd_t", "n_t", "mean_c", "sd_c", "n_c", "events_t", "events_c"]
            computed = compute_finding_effect({**inputs, **dict.fromkeys(raw)})
        if computed is None:
            typed_index = self.improvement_index is not None
            self.effect_source = EffectSource.PUBLISHED if typed_index else ""
            self.effect_formula = "Improvement index as published; no effect size entered." if typed_index else ""
            return
        if computed.source in COMPUTED_EFFECT_SOURCES and typed is not None and self.reported_effect_size is None:
            # An effect size typed with raw data is what the paper printed: keep it to compare.
            self.reported_effect_size = typed
        self.effect_source = computed.source
        self.effect_size_type = computed.effect_size_type
        self.effect_size, self.ci_low, self.ci_high = computed.effect_size, computed.ci_low, computed.ci_high
        self.improvement_index = computed.improvement_index
        self.effect_formula = computed.formula

    @property
    def effect_is_computed(self) -> bool:
        """The effect size and CI were computed from raw group data, so are not typed."""
        return self.effect_source in COMPUTED_EFFECT_SOURCES

    @property
    def is_long_term(self) -> bool:
        """Measured 12 months or more after the intervention ended."""
        return (self.months_after_end or 0) >= 12

    @property
    def timing_label(self) -> str:
        if self.timing == FindingTiming.POST_TEST:
            return "Immediately after the intervention"
        months = self.months_after_end or 0
        if months % 12 == 0:
            years = months // 12
            when = "A year later" if years == 1 else f"{years} years later"
        else:
            when = f"{months} months later"
        return f"Long term: {when.lower()}" if self.is_long_term else when

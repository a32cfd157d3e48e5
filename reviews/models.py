"""Systematic reviews and meta-analyses, the trials they include, and what they pooled.

A Review includes catalogue Studies (one trial is one Study row, whether a programme page or a
review cites it), judges each for risk of bias by Cochrane domain, and reports Analyses: pooled
results as the review printed them and, where an analyst has entered per-study data, as we
recompute them. This app builds on `catalogue`; the catalogue never imports it and reaches
reviews through the reverse relations named here (`study.review_inclusions`, `programme.reviews`).
"""

from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from catalogue.models import (
    Collection,
    Programme,
    PublicationEventKind,
    PublicationStatus,
    Recorded,
    Study,
    doi_validator,
)

from .forest import forest_geometry
from .recompute import describe_reported, plain_words, recompute_analysis


# --------------------------------------------------------------------------- choices
class ReviewKind(models.TextChoices):
    COCHRANE = "cochrane", "Cochrane review"
    SYSTEMATIC = "systematic", "Systematic review"
    META_ANALYSIS = "meta_analysis", "Meta-analysis"
    RAPID = "rapid", "Rapid review"
    REVIEW_OF_REVIEWS = "review_of_reviews", "Review of reviews"
    NARRATIVE = "narrative", "Narrative review"
    ASSESSMENT = "assessment", "Assessment report"


class BiasDomain(models.TextChoices):
    """The seven domains of the Cochrane risk-of-bias tool (Higgins et al. 2011), in its order."""

    SEQUENCE = "sequence", "Random sequence generation (selection bias)"
    CONCEALMENT = "concealment", "Allocation concealment (selection bias)"
    ATTRITION = "attrition", "Incomplete outcome data (attrition bias)"
    REPORTING = "reporting", "Selective reporting (reporting bias)"
    PERFORMANCE = "performance", "Blinding of participants and personnel (performance bias)"
    DETECTION = "detection", "Blinding of outcome assessment (detection bias)"
    OTHER = "other", "Other bias"


BIAS_DOMAIN_ORDER = list(BiasDomain.values)
BIAS_DOMAIN_SHORT = {
    BiasDomain.SEQUENCE: "Sequence generation",
    BiasDomain.CONCEALMENT: "Allocation concealment",
    BiasDomain.ATTRITION: "Incomplete outcome data",
    BiasDomain.REPORTING: "Selective reporting",
    BiasDomain.PERFORMANCE: "Blinding of participants and personnel",
    BiasDomain.DETECTION: "Blinding of outcome assessment",
    BiasDomain.OTHER: "Other bias",
}


class BiasJudgement(models.TextChoices):
    LOW = "low", "Low risk"
    UNCLEAR = "unclear", "Unclear risk"
    HIGH = "high", "High risk"


# The symbol printed with each judgement, so the grid never relies on colour alone (RevMan's +, ?, -).
BIAS_SYMBOLS = {BiasJudgement.LOW: "+", BiasJudgement.UNCLEAR: "?", BiasJudgement.HIGH: "−"}


class EffectMeasure(models.TextChoices):
    RR = "RR", "Risk ratio (RR)"
    OR = "OR", "Odds ratio (OR)"
    RD = "RD", "Risk difference (RD)"
    MD = "MD", "Mean difference (MD)"
    SMD = "SMD", "Standardised mean difference (SMD)"


BINARY_MEASURES = (EffectMeasure.RR, EffectMeasure.OR, EffectMeasure.RD)
RATIO_MEASURES = (EffectMeasure.RR, EffectMeasure.OR)


class PoolingModel(models.TextChoices):
    FIXED = "fixed", "Fixed effect"
    RANDOM = "random", "Random effects"


class PoolingMethod(models.TextChoices):
    IV = "IV", "Inverse variance"
    MH = "MH", "Mantel–Haenszel"


class FavourableDirection(models.TextChoices):
    """Which side of "no effect" is good news for the intervention group."""

    HIGHER = "higher", "Higher favours the intervention (e.g. secure attachment, sensitivity)"
    LOWER = "lower", "Lower favours the intervention (e.g. disorganised attachment, depression)"
    UNSTATED = "unstated", "Not stated by the review"


# --------------------------------------------------------------------------- review
class ReviewQuerySet(models.QuerySet):
    def published(self):
        """Reviews the public may see. Drafts, those in review and archived ones never are."""
        return self.filter(status=PublicationStatus.PUBLISHED)

    def for_listing(self):
        """What the review list shows: the programmes each review covers (directly or through its
        included studies) and its collections."""
        # Only what linked_programmes reads: full study and programme rows carry long text columns.
        included = IncludedStudy.objects.select_related("study__programme").only(
            "review", "study__programme__name", "study__programme__slug", "study__programme__status"
        )
        return self.prefetch_related(
            Prefetch("programmes", queryset=Programme.objects.published().only("name", "slug")),
            Prefetch("included_studies", queryset=included),
            "collections",
        ).order_by(F("year").desc(nulls_last=True), "short_citation")

    def for_detail(self):
        """Everything the review page shows, in a fixed number of queries whatever the review's size:
        included studies with their catalogue study, programme and risk-of-bias judgements; analyses
        with their per-study rows; programmes, collections, and the reviews it summarises."""
        return self.prefetch_related(
            Prefetch(
                "included_studies",
                queryset=IncludedStudy.objects.select_related("study__programme").prefetch_related("risk_of_bias"),
            ),
            Prefetch("analyses", queryset=Analysis.objects.prefetch_related("rows")),
            Prefetch("programmes", queryset=Programme.objects.published().only("name", "slug")),
            "collections",
            Prefetch("reviews_summarised", queryset=Review.objects.order_by("year", "short_citation")),
            Prefetch("summarised_in", queryset=Review.objects.published()),
        )

    def search(self, text):
        """Reviews whose title, citation, question, summary or key messages mention the words in `text`."""
        query = Q()
        for word in text.split():
            query &= (
                Q(title__icontains=word)
                | Q(short_citation__icontains=word)
                | Q(authors__icontains=word)
                | Q(question__icontains=word)
                | Q(summary__icontains=word)
                | Q(key_messages__icontains=word)
            )
        return self.filter(query)


class Review(Recorded):
    """A systematic review, meta-analysis or other evidence review, and what it concludes.

    Its included studies are catalogue Studies; its analyses are the pooled results it reports.
    """

    title = models.CharField(max_length=400, help_text="The review's full title, as published.")
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The page address, e.g. /reviews/barlow-2015-parent-infant-psychotherapy/. "
        "Change with care, links use it.",
    )
    short_citation = models.CharField(max_length=200, help_text='How we cite it in lists, e.g. "Barlow et al. (2015)".')
    authors = models.CharField(max_length=600, help_text='As in the reference, e.g. "Barlow, J., Bennett, C., ...".')
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text="Year of publication. Leave empty only if the source does not give it.",
    )
    kind = models.CharField(max_length=30, choices=ReviewKind, help_text="What sort of review it is.")
    source = models.CharField(
        "source or journal",
        max_length=300,
        blank=True,
        help_text='Journal, database or publisher, e.g. "Cochrane Database of Systematic Reviews, Issue 1".',
    )
    doi = models.CharField("DOI", max_length=200, blank=True, validators=[doi_validator])
    url = models.URLField("link", max_length=500, blank=True, help_text="Where to read it, if it has no DOI.")
    question = models.TextField(blank=True, help_text="The review question in our own words.")
    search_date = models.DateField(
        "searched up to", null=True, blank=True, help_text="The date of the last search, from the methods section."
    )
    records_screened = models.PositiveIntegerField(
        "records screened",
        null=True,
        blank=True,
        help_text="Records identified by the searches (and other sources), from the PRISMA flow diagram.",
    )
    studies_included = models.PositiveIntegerField(
        "studies included", null=True, blank=True, help_text="Studies (not reports) the review included."
    )
    participants = models.PositiveIntegerField(
        null=True, blank=True, help_text="Participants across the included studies, where the review gives it."
    )
    search_note = models.TextField(
        "what was searched and found",
        blank=True,
        help_text="Databases searched and what happened to the records, in a sentence or two.",
    )
    summary = models.TextField(blank=True, help_text="What the review did and found, in our own words.")
    key_messages = models.TextField(blank=True, help_text="Key messages for commissioners, one per line.")
    conclusions = models.TextField(blank=True, help_text="The authors' conclusions, in our own words.")
    is_demonstration = models.BooleanField(
        "demonstration only",
        default=False,
        help_text="Tick for a published worked example loaded to show how pooling works. Its page says plainly "
        "that it is not evidence about any programme.",
    )
    programmes = models.ManyToManyField(
        Programme,
        blank=True,
        related_name="reviews",
        help_text="Programmes the review speaks to directly. Programmes whose studies it includes are linked "
        "through the included studies.",
    )
    collections = models.ManyToManyField(Collection, blank=True, related_name="reviews")
    reviews_summarised = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="summarised_in",
        verbose_name="reviews it summarises",
        help_text="For a review of reviews or an assessment report: the reviews it draws on.",
    )
    status = models.CharField(
        max_length=20,
        choices=PublicationStatus,
        default=PublicationStatus.DRAFT,
        help_text="Only published reviews appear on the public site.",
    )
    published_on = models.DateField("first published", null=True, blank=True)

    objects = ReviewQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        permissions = [("publish_review", "Can publish, unpublish and archive reviews")]
        ordering = [F("year").desc(nulls_last=True), "short_citation"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100),
                name="%(app_label)s_%(class)s_year_range",
                violation_error_message="The year must be between 1900 and 2100.",
            ),
            models.CheckConstraint(
                condition=~Q(status=PublicationStatus.PUBLISHED) | Q(published_on__isnull=False),
                name="%(app_label)s_%(class)s_published_has_date",
                violation_error_message="A published review needs its first-published date.",
            ),
            models.CheckConstraint(
                condition=~Q(slug=""),
                name="%(app_label)s_%(class)s_slug_not_empty",
                violation_error_message="The review needs a slug.",
            ),
            models.CheckConstraint(
                condition=Q(doi="") | Q(doi__startswith="10."),
                name="%(app_label)s_%(class)s_doi_format",
                violation_error_message='A DOI starts with "10.".',
            ),
            models.CheckConstraint(
                condition=Q(studies_included__isnull=True)
                | Q(records_screened__isnull=True)
                | Q(studies_included__lte=F("records_screened")),
                name="%(app_label)s_%(class)s_included_within_screened",
                violation_error_message="A review cannot include more studies than the records it screened.",
            ),
        ]

    def __str__(self):
        return f"{self.short_citation}: {self.title}"

    def get_absolute_url(self):
        return reverse("reviews:review-detail", kwargs={"slug": self.slug})

    @property
    def link(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else self.url

    @property
    def key_message_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.key_messages.splitlines() if line.strip(" -•\t")]

    @property
    def is_public(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED

    @cached_property
    def bias_domains(self) -> list[tuple[str, str]]:
        """The Cochrane domains judged for at least one included study, in the tool's order."""
        judged = {j.domain for inclusion in self.included_studies.all() for j in inclusion.risk_of_bias.all()}
        return [(domain, BIAS_DOMAIN_SHORT[domain]) for domain in BIAS_DOMAIN_ORDER if domain in judged]

    @cached_property
    def linked_programmes(self) -> list[Programme]:
        """Published programmes the review reaches: directly, or through the studies it includes."""
        found = {p.pk: p for p in self.programmes.all()}
        for inclusion in self.included_studies.all():
            programme = inclusion.study.programme
            if programme is not None and programme.is_public:
                found.setdefault(programme.pk, programme)
        return sorted(found.values(), key=lambda p: p.name)


class ReviewPublicationEvent(models.Model):
    """One publisher decision about a review: published, unpublished or archived; who made it, when and why.

    The review's counterpart of catalogue's PublicationEvent, without its ratings (a review has none);
    written only by reviews/publishing.py.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="publication_events")
    kind = models.CharField(max_length=20, choices=PublicationEventKind, default=PublicationEventKind.PUBLISHED)
    published_at = models.DateTimeField("when", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="by", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    change_note = models.TextField(
        help_text='Why, in a sentence, e.g. "Updated to the 2023 version of the review, which adds four trials".'
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "review publication event"
        constraints = [
            models.CheckConstraint(
                condition=~Q(change_note=""),
                name="%(app_label)s_%(class)s_change_note_not_empty",
                violation_error_message="Say why: every publisher decision needs a change note.",
            ),
        ]

    def __str__(self):
        return f"{self.review.short_citation}: {self.get_kind_display().lower()} {self.published_at:%d %B %Y}"

    def get_absolute_url(self):
        return self.review.get_absolute_url()


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
        null=True, blank=True, help_text="Participants randomised, as the review reports them."
    )
    notes = models.TextField(blank=True, help_text="Anything the reader needs, e.g. arms combined by the review.")
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

    @cached_property
    def judgements_by_domain(self) -> dict:
        return {j.domain: j for j in self.risk_of_bias.all()}

    def judgement_cells(self, domains) -> list:
        """One cell per domain of `domains`, None where the review gave no judgement."""
        by_domain = self.judgements_by_domain
        return [by_domain.get(domain) for domain, _ in domains]


class RiskOfBias(models.Model):
    """A review's risk-of-bias judgement of one included study in one Cochrane domain."""

    included_study = models.ForeignKey(IncludedStudy, on_delete=models.CASCADE, related_name="risk_of_bias")
    domain = models.CharField(max_length=20, choices=BiasDomain)
    judgement = models.CharField(max_length=10, choices=BiasJudgement, help_text="As in the review's summary figure.")
    note = models.TextField(
        "support for judgement", blank=True, help_text="Why, in a sentence: the review's reason, in our own words."
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


# --------------------------------------------------------------------------- analyses
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
        "number of studies", null=True, blank=True, help_text="Studies pooled, as the review reports."
    )
    participants = models.PositiveIntegerField(
        null=True, blank=True, help_text="Participants pooled, as the review reports."
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
    notes = models.TextField(blank=True, help_text="Anything a reader should know about these numbers.")
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

    @cached_property
    def reported_statement(self) -> str:
        """The reported result in plain words."""
        return describe_reported(self)

    @cached_property
    def recomputed_statement(self) -> str:
        """The recomputed result in plain words, or "" when there is nothing to recompute."""
        pooled = self.recomputation.pooled
        if pooled is None:
            return ""
        return plain_words(
            measure=self.effect_measure,
            estimate=pooled.estimate,
            ci_low=pooled.ci_low,
            ci_high=pooled.ci_high,
            decimals=self.reported_decimals,
            intervention=self.intervention_label,
            control=self.control_label,
            higher_is_better=self.higher_is_better,
            outcome=self.outcome,
        )

    @property
    def higher_is_better(self) -> bool | None:
        """True, False, or None when the review does not say which direction is good news."""
        if self.favourable == FavourableDirection.UNSTATED:
            return None
        return self.favourable == FavourableDirection.HIGHER

    @cached_property
    def forest_plot(self):
        """Forest plot geometry from the per-study rows, or None when there are none (or they cannot be pooled)."""
        result = self.recomputation
        if not result.available:
            return None
        return forest_geometry(
            result.studies,
            result.pooled,
            measure=self.effect_measure,
            model=self.model,
            intervention=self.intervention_label,
            control=self.control_label,
            higher_is_better=self.higher_is_better,
        )

    @property
    def forest_table(self) -> list:
        """(study row, forest plot row) pairs, for the table of numbers under the plot."""
        plot = self.forest_plot
        return list(zip(self.rows.all(), plot.rows, strict=True)) if plot else []

    @property
    def forest_id(self) -> str:
        return f"forest-{self.pk}"


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
    n_t = models.PositiveIntegerField("intervention total", help_text="Participants analysed in the group.")
    events_c = models.PositiveIntegerField("control events", null=True, blank=True)
    mean_c = models.FloatField("control mean", null=True, blank=True)
    sd_c = models.FloatField("control SD", null=True, blank=True, validators=[MinValueValidator(0)])
    n_c = models.PositiveIntegerField("control total")
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

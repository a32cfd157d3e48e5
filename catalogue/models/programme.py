"""A programme: what it is, who it serves, how it is delivered and how strong its evidence is.

The shape follows a published programme page: ratings and characteristics here, the studies
behind the rating in `catalogue.models.studies`.
"""

from decimal import Decimal
from functools import cached_property

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from ..choices import (
    COST_BANDS,
    EVIDENCE_LEVEL_CODES,
    CostRating,
    EvidenceLevel,
    PractitionerLevel,
    PublicationStatus,
)
from ..costs import cost_band
from ..evidence import assess
from .base import (
    NARRATIVE_LENGTH,
    NOTE_LENGTH,
    AgeGroup,
    BoundedTextField,
    Country,
    DeliveryModel,
    LevelOfNeed,
    Recorded,
    Setting,
    is_web_url,
    null_or_at_least,
    web_url_validator,
)
from .programme_queryset import ProgrammeQuerySet


def cost_rating_matches_unit_cost() -> Q:
    """No unit cost, or a cost rating that is the unit cost's band in `COST_BANDS`."""
    in_a_band = Q()
    previous = None  # the band below: its upper limit becomes this band's lower one
    for band in COST_BANDS:
        condition = Q(cost_rating=band.rating)
        if previous is not None:
            lower = "gt" if previous.includes_upper else "gte"
            condition &= Q(**{f"estimated_unit_cost__{lower}": previous.upper})
        if band.upper is not None:
            upper = "lte" if band.includes_upper else "lt"
            condition &= Q(**{f"estimated_unit_cost__{upper}": band.upper})
        in_a_band |= condition
        previous = band
    # SQL treats NULL = 2 as unknown, which a CHECK lets through: say isnull=False.
    return Q(estimated_unit_cost__isnull=True) | Q(cost_rating__isnull=False) & in_a_band


class Programme(Recorded):
    """An early-intervention programme: what it is, who it serves, and how strong its evidence is.

    The evidence and cost ratings are the published judgements; the studies below are the
    evidence they rest on.
    """

    # Identity and summary
    name = models.CharField(max_length=200, unique=True, help_text='Full name, e.g. "Infant-Parent Psychotherapy".')
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The page address, e.g. /programmes/infant-parent-psychotherapy/. "
        "Made from the name; change with care, links use it.",
    )
    acronym = models.CharField(max_length=30, blank=True, help_text='Short name if the programme has one, e.g. "IPP".')
    summary = models.CharField(
        max_length=300,
        help_text="One sentence for lists and search results: what it is and who it is for.",
    )
    description = BoundedTextField(
        max_length=NARRATIVE_LENGTH,
        blank=True,
        help_text="A few paragraphs in our own words: aims, who takes part, how long it lasts.",
    )
    scope_note = BoundedTextField(
        max_length=NOTE_LENGTH,
        blank=True,
        help_text="Optional caveat about what this page covers, e.g. that it is one specific psychotherapy "
        "programme, not psychotherapy in general.",
    )
    provider_involvement = BoundedTextField(
        "note on provider involvement",
        max_length=NOTE_LENGTH,
        blank=True,
        help_text="Whether the provider agreed to the terms of reference and cooperated with the assessment.",
    )

    # Ratings
    evidence_level = models.PositiveSmallIntegerField(
        choices=EvidenceLevel,
        null=True,
        blank=True,
        help_text="The published evidence rating. Leave empty while the assessment is in progress.",
    )
    evidence_plus = models.BooleanField(
        '"+" rating',
        default=False,
        help_text="Tick for 2+, 3+ or 4+: the programme exceeds the basic threshold of its level.",
    )
    evidence_overview = BoundedTextField(
        "about the evidence",
        max_length=NARRATIVE_LENGTH,
        blank=True,
        help_text="A short overview of the evidence as a whole: how many studies, which designs, where.",
    )
    rating_difference_note = BoundedTextField(
        "why the published rating differs from the studies",
        max_length=NOTE_LENGTH,
        blank=True,
        help_text="Only when the published evidence rating is not the one the recorded studies support (shown "
        "beside it as “rating the studies support”): say why, for commissioners, e.g. which assessment "
        "the rating comes from and which of its studies are not yet recorded. Shown on the public page beside "
        "the rating. A publisher cannot publish a differing rating without it; leave it empty when they agree.",
    )
    cost_rating = models.PositiveSmallIntegerField(
        choices=CostRating,
        null=True,
        blank=True,
        help_text="Leave empty for NA (information not available). Must match the estimated unit cost when "
        "one is entered.",
    )
    estimated_unit_cost = models.DecimalField(
        "estimated unit cost (£)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Estimated cost of delivery per child or family, in pounds, from provider information.",
    )

    computed_evidence_rating = models.CharField(
        "computed evidence rating",
        max_length=3,
        blank=True,
        editable=False,
        help_text="The rating the study records support, recomputed whenever a programme, study or finding is "
        "saved in the admin. Empty until first computed.",
    )

    # Assessment
    assessed_in = models.CharField(
        "review assessed in",
        max_length=200,
        blank=True,
        help_text='The evidence review in which the programme was assessed, e.g. "Foundations for Life".',
    )
    assessed_on = models.DateField(
        "assessment date",
        null=True,
        blank=True,
        help_text="When that review was published. Use the first of the month if only the month is known.",
    )

    # Who it is for and how it is delivered
    age_groups = models.ManyToManyField(AgeGroup, blank=True, related_name="programmes")
    levels_of_need = models.ManyToManyField(
        LevelOfNeed, blank=True, related_name="programmes", verbose_name="levels of need"
    )
    delivery_models = models.ManyToManyField(DeliveryModel, blank=True, related_name="programmes")
    settings = models.ManyToManyField(
        Setting,
        blank=True,
        related_name="programmes",
        help_text="Settings the best available evidence relates to.",
    )
    other_settings = models.ManyToManyField(
        Setting,
        blank=True,
        related_name="programmes_also_delivered",
        verbose_name="may also be delivered in",
        help_text="Further settings the provider says the programme can be delivered in.",
    )
    countries = models.ManyToManyField(
        Country,
        blank=True,
        related_name="programmes",
        verbose_name="countries where implemented",
    )
    uk_provision = models.BooleanField(
        "implemented in the UK",
        null=True,
        blank=True,
        help_text="Has the programme been delivered in the UK? Leave unknown if the provider has not said.",
    )
    uk_evaluation = models.BooleanField(
        "evaluated in the UK",
        null=True,
        blank=True,
        help_text="Does the programme's best evidence include an evaluation conducted in the UK?",
    )

    # About the programme: delivery
    delivery_summary = BoundedTextField(
        "how it is delivered",
        max_length=NOTE_LENGTH,
        blank=True,
        help_text="In a sentence: sessions, length and who delivers, "
        'e.g. "32 sessions of 1 to 1.5 hours by one clinical practitioner".',
    )
    what_happens = BoundedTextField(
        "what happens during the intervention",
        max_length=NARRATIVE_LENGTH,
        blank=True,
        help_text="One point per line: what practitioners and families do.",
    )
    sessions = models.PositiveSmallIntegerField(
        "number of sessions",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Sessions each family receives (1 or more).",
    )
    session_hours_min = models.DecimalField(
        "session length from (hours)",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Shortest typical session in hours (1.5 for 90 minutes).",
    )
    session_hours_max = models.DecimalField(
        "session length to (hours)",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Longest typical session in hours; same as 'from' when sessions have a fixed length.",
    )
    duration = models.CharField(
        max_length=200, blank=True, help_text='How long the programme lasts, e.g. "Weekly for 12 months or longer".'
    )
    duration_weeks = models.PositiveSmallIntegerField(
        "duration (weeks)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Minimum length in weeks, where known (12 months = 52; 1 or more).",
    )
    practitioners_per_session = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="How many practitioners attend each session (1 or more).",
    )
    practitioner_level = models.PositiveSmallIntegerField(
        "practitioner qualification level",
        choices=PractitionerLevel,
        null=True,
        blank=True,
        help_text="Used to price practitioner time in a cost estimate.",
    )

    # Implementation requirements
    who_can_deliver = BoundedTextField(
        max_length=NOTE_LENGTH, blank=True, help_text="The practitioner's role and qualifications."
    )
    training_requirements = BoundedTextField(
        max_length=NOTE_LENGTH, blank=True, help_text="Programme training and any booster training."
    )
    training_hours = models.DecimalField(
        "training hours per practitioner",
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    supervision = BoundedTextField(
        max_length=NOTE_LENGTH, blank=True, help_text="How practitioners are supervised, and by whom."
    )
    supervisor_level = models.PositiveSmallIntegerField(
        "supervisor qualification level", choices=PractitionerLevel, null=True, blank=True
    )
    supervisor_training_hours = models.DecimalField(
        "training hours per supervisor",
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    supervision_hours_per_family = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Supervisor hours per family over the whole programme, where the provider gives it.",
    )
    fidelity = BoundedTextField("systems for maintaining fidelity", max_length=NOTE_LENGTH, blank=True)
    licence_required = models.BooleanField(
        "licence required",
        null=True,
        blank=True,
        help_text="Is a licence needed to run the programme? Leave unknown if not stated.",
    )
    licensing = BoundedTextField("licensing details", max_length=NOTE_LENGTH, blank=True)
    licence_fee = models.DecimalField(
        "licence fee (£)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Licence cost per site per year, where known.",
    )

    # Theory and outcomes
    intended_outcomes = BoundedTextField(
        max_length=NOTE_LENGTH, blank=True, help_text="What the programme aims to change, one per line."
    )

    # Contact
    contact_name = models.CharField(max_length=200, blank=True)
    contact_organisation = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_url = models.URLField("contact website", blank=True, validators=[web_url_validator])

    # Publication
    status = models.CharField(
        max_length=20,
        choices=PublicationStatus,
        default=PublicationStatus.DRAFT,
        help_text="Only published programmes appear on the public site.",
    )
    published_on = models.DateField(
        "first published", null=True, blank=True, help_text="When the page was first published."
    )
    last_reviewed_on = models.DateField(
        "last reviewed", null=True, blank=True, help_text="When the evidence on this page was last checked."
    )

    # Marks rows made by `manage.py generate_synthetic` for scale tests, so `--delete` removes only them.
    is_synthetic = models.BooleanField(
        "synthetic test data",
        default=False,
        editable=False,
        help_text="Made by the synthetic data generator for load testing; never real evidence.",
    )

    # Search text, recomputed by catalogue.services.refresh_search_documents.
    search_document = models.TextField(
        editable=False,
        blank=True,
        default="",
        help_text="Name, acronym, summary, description and outcome names, kept current when the programme "
        "or its studies are saved in the admin.",
    )
    # Filled on PostgreSQL only (weighted tsvector); stays empty on SQLite. GIN-indexed by migration 0003.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # Only the publisher role holds this; see catalogue/roles.py.
        permissions = [("publish_programme", "Can publish, unpublish and archive programmes")]
        constraints = [
            models.CheckConstraint(
                condition=Q(evidence_level__isnull=True) | Q(evidence_level__gte=0, evidence_level__lte=4),
                name="%(app_label)s_%(class)s_evidence_level_range",
                violation_error_message="The evidence rating must be NE, NL2, 2, 3 or 4.",
            ),
            models.CheckConstraint(
                condition=Q(evidence_plus=False) | Q(evidence_level__isnull=False, evidence_level__gte=2),
                name="%(app_label)s_%(class)s_plus_needs_level",
                violation_error_message='Only levels 2, 3 and 4 can carry a "+".',
            ),
            models.CheckConstraint(
                condition=Q(cost_rating__isnull=True) | Q(cost_rating__gte=1, cost_rating__lte=5),
                name="%(app_label)s_%(class)s_cost_rating_range",
                violation_error_message="The cost rating must be 1 to 5, or empty for NA.",
            ),
            # A cost rating is a band of the unit cost, so when the cost is known the band is fixed.
            models.CheckConstraint(
                condition=cost_rating_matches_unit_cost(),
                name="%(app_label)s_%(class)s_cost_rating_matches_unit_cost",
                violation_error_message="The cost rating does not match the estimated unit cost ("
                + ", ".join(f"{band.rating} {band.words}" for band in COST_BANDS)
                + ").",
            ),
            models.CheckConstraint(
                condition=Q(estimated_unit_cost__isnull=True) | Q(estimated_unit_cost__gte=0),
                name="%(app_label)s_%(class)s_unit_cost_not_negative",
                violation_error_message="The estimated unit cost cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(session_hours_min__isnull=True)
                | Q(session_hours_max__isnull=True)
                | Q(session_hours_min__lte=F("session_hours_max")),
                name="%(app_label)s_%(class)s_session_hours_order",
                violation_error_message="The shortest session cannot be longer than the longest.",
            ),
            models.CheckConstraint(
                condition=Q(session_hours_min__isnull=True) | Q(session_hours_min__gt=0),
                name="%(app_label)s_%(class)s_session_hours_positive",
                violation_error_message="Session length must be more than zero hours.",
            ),
            *null_or_at_least(
                0, "session_hours_max", strict=True, message="Session length must be more than zero hours."
            ),
            *null_or_at_least(1, "duration_weeks", message="A programme lasts at least one week."),
            *null_or_at_least(
                0,
                "training_hours",
                "supervisor_training_hours",
                "supervision_hours_per_family",
                "licence_fee",
                message="Training and supervision hours and the licence fee cannot be negative.",
            ),
            models.CheckConstraint(
                condition=is_web_url("contact_url"),
                name="%(app_label)s_%(class)s_contact_url_is_web",
                violation_error_message="The contact website must be an http:// or https:// address.",
            ),
            models.CheckConstraint(
                condition=Q(sessions__isnull=True) | Q(sessions__gte=1),
                name="%(app_label)s_%(class)s_sessions_positive",
                violation_error_message="A programme has at least one session.",
            ),
            models.CheckConstraint(
                condition=Q(practitioners_per_session__isnull=True) | Q(practitioners_per_session__gte=1),
                name="%(app_label)s_%(class)s_practitioners_positive",
                violation_error_message="At least one practitioner delivers each session.",
            ),
            models.CheckConstraint(
                condition=~Q(status=PublicationStatus.PUBLISHED) | Q(published_on__isnull=False),
                name="%(app_label)s_%(class)s_published_has_date",
                violation_error_message="A published programme needs its first-published date.",
            ),
            models.CheckConstraint(
                condition=~Q(slug=""),
                name="%(app_label)s_%(class)s_slug_not_empty",
                violation_error_message="The programme needs a slug.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalogue:programme-detail", kwargs={"slug": self.slug})

    def clean(self):
        # Forms (the admin, imports) set the band; other writes still meet the database constraint.
        super().clean()
        self.set_cost_rating_from_unit_cost()

    def set_cost_rating_from_unit_cost(self):
        """The cost rating is the band of the unit cost whenever there is one: never typed twice."""
        if self.estimated_unit_cost is not None and self.estimated_unit_cost >= 0:
            self.cost_rating = cost_band(self.estimated_unit_cost)

    @cached_property
    def assessment(self):
        """The evidence rating the study records support, with reasons (evidence.assess).

        Reads ``studies``, their ``findings`` and each finding's ``outcome``: a page showing it
        should get the programme from a queryset that prefetches ``studies__findings__outcome``.
        """
        return assess(self)

    @property
    def rating_disagrees(self) -> bool:
        """The published rating is set and differs from the one the study records support."""
        return bool(self.evidence_rating) and self.evidence_rating != self.assessment.rating

    @property
    def rating_difference_explained(self) -> str:
        """The publisher's note on why the published rating differs from the one the study records support,
        or "" when there is no rating or no note, or they agree. Compares with the stored
        ``computed_evidence_rating``, so lists need no studies (the programme page uses the live assessment)."""
        if not self.evidence_rating or self.evidence_rating == self.computed_evidence_rating:
            return ""
        return self.rating_difference_note.strip()

    @property
    def evidence_rating(self) -> str:
        """The rating as printed: "3+", "4", "NL2", "NE", or "" while unassessed."""
        if self.evidence_level is None:
            return ""
        code = EVIDENCE_LEVEL_CODES[self.evidence_level]
        return f"{code}+" if self.evidence_plus else code

    @property
    def cost_rating_code(self) -> str:
        return "NA" if self.cost_rating is None else str(self.cost_rating)

    @property
    def is_public(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED

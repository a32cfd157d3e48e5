"""The catalogue: programmes, the studies that evaluated them, and what those studies found.

The shape follows a published programme page (seed 002): a Programme has ratings and
characteristics; its Studies each carry a rating and one or more Publications; each Study
has Findings, one per outcome and time point. Lookups (age group, level of need, delivery
model, setting, country) are rows, not choices, so analysts can add to them.
"""

from functools import cached_property

import simple_history
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone


# --------------------------------------------------------------------------- choices
class EvidenceLevel(models.IntegerChoices):
    """Programme-level strength of evidence. Ordinal, so "level 3 or above" is `__gte=3`.

    NE and NL2 sit below level 2: neither is evidence that the programme works.
    """

    NOT_EFFECTIVE = 0, "NE – found not to be effective"
    NOT_LEVEL_2 = 1, "NL2 – not level 2"
    LEVEL_2 = 2, "Level 2 – preliminary evidence"
    LEVEL_3 = 3, "Level 3 – evidence of efficacy"
    LEVEL_4 = 4, "Level 4 – evidence of effectiveness"


EVIDENCE_LEVEL_CODES = {0: "NE", 1: "NL2", 2: "2", 3: "3", 4: "4"}


class StudyRating(models.IntegerChoices):
    """The rating of one study, judged on its design, sample, measurement and analysis."""

    NOT_LEVEL_2 = 1, "NL2"
    LEVEL_2 = 2, "2"
    LEVEL_3 = 3, "3"
    LEVEL_4 = 4, "4"


class CostRating(models.IntegerChoices):
    """Relative delivery cost per child or family. NA (not available) is stored as empty."""

    __empty__ = "NA – information not available"
    LESS_THAN_100 = 1, "1 – under £100"
    FROM_100 = 2, "2 – £100 to £499"
    FROM_500 = 3, "3 – £500 to £999"
    FROM_1000 = 4, "4 – £1,000 to £2,000"
    OVER_2000 = 5, "5 – over £2,000"


class PractitionerLevel(models.IntegerChoices):
    """Qualification level of a practitioner, used to price their time in a cost estimate."""

    LOW = 1, "Low – no degree (NFQ levels 1–6)"
    MEDIUM = 2, "Medium – degree (NFQ levels 7–8)"
    HIGH = 3, "High – postgraduate (NFQ levels 9–10)"


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class DesignType(models.TextChoices):
    RCT = "rct", "Randomised controlled trial (RCT)"
    CLUSTER_RCT = "cluster_rct", "Cluster RCT"
    QED = "qed", "Quasi-experimental design (QED)"
    PRE_POST = "pre_post", "Pre-post (no comparison group)"
    OTHER = "other", "Other"


RIGOROUS_DESIGNS = (DesignType.RCT, DesignType.CLUSTER_RCT, DesignType.QED)


class OutcomeDomain(models.TextChoices):
    """The seven child outcome domains, and one bucket for parent, couple and family outcomes."""

    MENTAL_HEALTH = "mental_health", "Supporting children's mental health and wellbeing"
    MALTREATMENT = "maltreatment", "Preventing child maltreatment"
    SCHOOL = "school", "Enhancing school achievement and employment"
    CRIME = "crime", "Preventing crime, violence and antisocial behaviour"
    SUBSTANCE = "substance", "Preventing substance abuse"
    RISKY_SEX = "risky_sex", "Preventing risky sexual behaviour and teen pregnancy"
    OBESITY = "obesity", "Preventing obesity and promoting healthy physical development"
    FAMILY = "family", "Parent, couple and family outcomes"


class Reporter(models.TextChoices):
    """Who or what produced the measurement: it matters for "independent of participants"."""

    EXPERT_OBSERVATION = "expert_observation", "Expert observation of behaviour"
    DIRECT_ASSESSMENT = "direct_assessment", "Direct assessment"
    PARENT_REPORT = "parent_report", "Parent report"
    CHILD_REPORT = "child_report", "Child self-report"
    TEACHER_REPORT = "teacher_report", "Teacher report"
    PRACTITIONER_REPORT = "practitioner_report", "Practitioner report"
    ADMINISTRATIVE = "administrative", "Administrative data"
    BIOLOGICAL = "biological", "Biological measure"
    OTHER = "other", "Other"


class FindingTiming(models.TextChoices):
    POST_TEST = "post_test", "Immediately after the intervention"
    FOLLOW_UP = "follow_up", "Follow-up"


class Direction(models.TextChoices):
    FAVOURABLE = "favourable", "Favourable"
    NO_EFFECT = "no_effect", "No effect"
    UNFAVOURABLE = "unfavourable", "Unfavourable"


class EffectSizeType(models.TextChoices):
    HEDGES_G = "hedges_g", "Hedges' g"
    COHENS_D = "cohens_d", "Cohen's d"
    COX_INDEX = "cox_index", "Cox index"
    OTHER_SMD = "other_smd", "Other standardised mean difference"


# evidence (issue 4) ------------------------------------------------------------------------
class EffectSource(models.TextChoices):
    """Where a finding's effect size and improvement index came from (set on save, never typed)."""

    MEANS = "means", "Computed from group means"
    EVENTS = "events", "Computed from events"
    PUBLISHED = "published", "As published"


COMPUTED_EFFECT_SOURCES = (EffectSource.MEANS, EffectSource.EVENTS)
# end evidence ------------------------------------------------------------------------------


# --------------------------------------------------------------------------- bases
class Recorded(models.Model):
    """Who created and last changed a record, and when: the admin's read-only "Record" group."""

    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last updated", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="created by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="last updated by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True


class LookupManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Lookup(models.Model):
    """A short list analysts can extend (age groups, settings...). Fixtures refer to rows by slug."""

    name = models.CharField(max_length=100, unique=True, help_text="As shown to the public.")
    slug = models.SlugField(max_length=100, unique=True, help_text="Used in filter URLs; lower case, hyphens only.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in lists and filters; lower comes first.")

    objects = LookupManager()

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class AgeGroup(Lookup):
    """An age band a programme serves, e.g. "Infants (under 1)"."""

    class Meta(Lookup.Meta):
        verbose_name = "age group"


class LevelOfNeed(Lookup):
    """How a programme is targeted: universal, targeted selective or targeted indicated."""

    class Meta(Lookup.Meta):
        verbose_name = "level of need"
        verbose_name_plural = "levels of need"


class DeliveryModel(Lookup):
    """How a programme reaches families: individual, group, home visiting..."""

    class Meta(Lookup.Meta):
        verbose_name = "delivery model"


class Setting(Lookup):
    """Where a programme is delivered: home, school, children's centre..."""

    class Meta(Lookup.Meta):
        verbose_name = "setting"


class Country(Lookup):
    """A country where a programme has been implemented or a study conducted."""

    class Meta(Lookup.Meta):
        verbose_name = "country"
        verbose_name_plural = "countries"


# --------------------------------------------------------------------------- outcomes
class Outcome(models.Model):
    """A named outcome in a domain, e.g. "Improved attachment security" (children's mental health).

    Findings point at an Outcome, so a commissioner can filter programmes by it.
    """

    name = models.CharField(
        max_length=200,
        help_text='The outcome as a commissioner would search for it, e.g. "Improved attachment security".',
    )
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in filter URLs.")
    domain = models.CharField(
        max_length=20,
        choices=OutcomeDomain,
        help_text="The child outcome domain, or parent, couple and family outcomes.",
    )
    description = models.TextField(blank=True, help_text="Optional: what counts as this outcome.")

    class Meta:
        ordering = ["domain", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain", "name"],
                name="%(app_label)s_%(class)s_unique_name_in_domain",
                violation_error_message="This domain already has an outcome with that name.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalogue:programme-list") + f"?outcome={self.slug}"

    @property
    def is_child_outcome(self) -> bool:
        return self.domain != OutcomeDomain.FAMILY


# --------------------------------------------------------------------------- programme
class ProgrammeQuerySet(models.QuerySet):
    # evidence (issue 4) --------------------------------------------------------------------
    def rating_disagrees(self):
        """Programmes whose published rating differs from the one their study records support.

        Compares with the stored ``computed_evidence_rating`` (kept current by
        ``services.recompute_programme_rating``); programmes not yet rated are left out.
        """
        agreeing = Q()
        for level, code in EVIDENCE_LEVEL_CODES.items():
            agreeing |= Q(evidence_level=level, evidence_plus=False, computed_evidence_rating=code)
            agreeing |= Q(evidence_level=level, evidence_plus=True, computed_evidence_rating=f"{code}+")
        return self.filter(evidence_level__isnull=False).exclude(agreeing)

    # end evidence --------------------------------------------------------------------------

    # --- workflow (issue 6): staff draft preview -------------------------------------------
    def visible_to(self, user):
        """Programmes `user` may open at their public address: published ones for everyone, and
        every programme (drafts, in review, archived) for staff who may view programmes in the
        admin, so they can preview a draft. Views that use it pass `is_preview=True` to the
        template when the programme shown is not published (see templates/_includes/draft_banner.html).
        """
        if user.is_authenticated and user.is_staff and user.has_perm("catalogue.view_programme"):
            return self.all()
        return self.published()

    # --- end workflow ------------------------------------------------------------------------

    def published(self):
        """Programmes the public may see. Drafts, those in review and archived ones never are."""
        return self.filter(status=PublicationStatus.PUBLISHED)

    # ----- public catalogue (issue 3): reads for the list, the programme page, compare and CSV.
    def search(self, text):
        """Programmes matching free text, best first in a `search_rank` annotation.

        Full-text with a trigram fallback on PostgreSQL, word-by-word matching on SQLite:
        catalogue/search.py picks the implementation from the database vendor.
        """
        from .search import search_programmes

        return search_programmes(self, text)

    def for_listing(self):
        """What a summary card on the programme list needs: the ages and levels of need it shows."""
        return self.prefetch_related("age_groups", "levels_of_need")

    def for_export(self):
        """What a CSV row and a comparison column need: every characteristic and the outcome domains."""
        return self.for_listing().prefetch_related(
            "delivery_models",
            "settings",
            "countries",
            models.Prefetch("studies", queryset=Study.objects.order_by("number", "pk")),
            models.Prefetch("studies__findings", queryset=Finding.objects.select_related("outcome")),
        )

    def for_csv(self):
        """What a CSV row needs, lean enough to export the whole catalogue: the programme's own short
        columns, every characteristic, and a `has_<domain>_outcome` flag per outcome domain (true when
        a headline finding falls in it; read by `outcome_domain_labels_from_flags`).

        Not for_export(): building every Study and Finding (long narrative and formula columns) only to
        name the domains took most of the export's time. Compare still uses for_export().
        """
        # One uncorrelated "programme in (...)" set per domain: SQLite evaluates each once, where a
        # correlated EXISTS per programme and domain cost more than the prefetches it replaced.
        headline_findings = Finding.objects.filter(is_headline=True, study__programme__isnull=False)
        domain_flags = {
            f"has_{domain}_outcome": models.ExpressionWrapper(
                Q(pk__in=headline_findings.filter(outcome__domain=domain).values("study__programme")),
                output_field=models.BooleanField(),
            )
            for domain in OutcomeDomain.values
        }
        return (
            self.only(
                "name",
                "slug",
                "acronym",
                "summary",
                "evidence_level",
                "evidence_plus",
                "cost_rating",
                "uk_provision",
                "uk_evaluation",
                "last_reviewed_on",
            )
            .annotate(**domain_flags)
            .prefetch_related("age_groups", "levels_of_need", "delivery_models", "settings", "countries")
        )

    def for_detail(self):
        """Everything the programme page shows, in a fixed number of queries however many studies.

        Feature partials that need more add their prefetch here, one clearly commented line each.
        """
        return self.for_export().prefetch_related(
            "other_settings",
            "collections",
            "theory_of_change",
            "studies__countries",
            "studies__publications",
            "publication_events",  # workflow (issue 6): the rating history
            "studies__review_inclusions__review",  # reviews (issue 5): reviews citing each study
            "reviews",  # reviews (issue 5): reviews that speak to the programme directly
        )

    # ----- end public catalogue


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
    description = models.TextField(
        blank=True, help_text="A few paragraphs in our own words: aims, who takes part, how long it lasts."
    )
    scope_note = models.TextField(
        blank=True,
        help_text="Optional caveat about what this page covers, e.g. that it is one specific psychotherapy "
        "programme, not psychotherapy in general.",
    )
    provider_involvement = models.TextField(
        "note on provider involvement",
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
    evidence_overview = models.TextField(
        "about the evidence",
        blank=True,
        help_text="A short overview of the evidence as a whole: how many studies, which designs, where.",
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

    # evidence (issue 4): stored because the admin filters on it; see services.recompute_programme_rating.
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
    delivery_summary = models.TextField(
        "how it is delivered",
        blank=True,
        help_text="In a sentence: sessions, length and who delivers, "
        'e.g. "32 sessions of 1 to 1.5 hours by one clinical practitioner".',
    )
    what_happens = models.TextField(
        "what happens during the intervention",
        blank=True,
        help_text="One point per line: what practitioners and families do.",
    )
    sessions = models.PositiveSmallIntegerField(
        "number of sessions", null=True, blank=True, help_text="Sessions each family receives."
    )
    session_hours_min = models.DecimalField(
        "session length from (hours)",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Shortest typical session in hours (1.5 for 90 minutes).",
    )
    session_hours_max = models.DecimalField(
        "session length to (hours)",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Longest typical session in hours; same as 'from' when sessions have a fixed length.",
    )
    duration = models.CharField(
        max_length=200, blank=True, help_text='How long the programme lasts, e.g. "Weekly for 12 months or longer".'
    )
    duration_weeks = models.PositiveSmallIntegerField(
        "duration (weeks)", null=True, blank=True, help_text="Minimum length in weeks, where known (12 months = 52)."
    )
    practitioners_per_session = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How many practitioners attend each session."
    )
    practitioner_level = models.PositiveSmallIntegerField(
        "practitioner qualification level",
        choices=PractitionerLevel,
        null=True,
        blank=True,
        help_text="Used to price practitioner time in a cost estimate.",
    )

    # Implementation requirements
    who_can_deliver = models.TextField(blank=True, help_text="The practitioner's role and qualifications.")
    training_requirements = models.TextField(blank=True, help_text="Programme training and any booster training.")
    training_hours = models.DecimalField(
        "training hours per practitioner",
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    supervision = models.TextField(blank=True, help_text="How practitioners are supervised, and by whom.")
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
    fidelity = models.TextField("systems for maintaining fidelity", blank=True)
    licence_required = models.BooleanField(
        "licence required",
        null=True,
        blank=True,
        help_text="Is a licence needed to run the programme? Leave unknown if not stated.",
    )
    licensing = models.TextField("licensing details", blank=True)
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
    intended_outcomes = models.TextField(blank=True, help_text="What the programme aims to change, one per line.")

    # Contact
    contact_name = models.CharField(max_length=200, blank=True)
    contact_organisation = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_url = models.URLField("contact website", blank=True)

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

    # ----- public catalogue (issue 3): search text, recomputed by catalogue.search.refresh_search_documents.
    search_document = models.TextField(
        editable=False,
        blank=True,
        default="",
        help_text="Name, acronym, summary, description and outcome names, kept current when the programme "
        "or its studies are saved in the admin.",
    )
    # Filled on PostgreSQL only (weighted tsvector); stays empty on SQLite. GIN-indexed by migration 0003.
    search_vector = SearchVectorField(null=True, editable=False)
    # ----- end public catalogue

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # workflow (issue 6): only the publisher role holds this; see catalogue/roles.py.
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
                # SQL treats NULL = 2 as unknown, which a CHECK lets through: say isnull=False.
                condition=Q(estimated_unit_cost__isnull=True)
                | Q(cost_rating__isnull=False)
                & (
                    Q(estimated_unit_cost__lt=100, cost_rating=1)
                    | Q(estimated_unit_cost__gte=100, estimated_unit_cost__lt=500, cost_rating=2)
                    | Q(estimated_unit_cost__gte=500, estimated_unit_cost__lt=1000, cost_rating=3)
                    | Q(estimated_unit_cost__gte=1000, estimated_unit_cost__lte=2000, cost_rating=4)
                    | Q(estimated_unit_cost__gt=2000, cost_rating=5)
                ),
                name="%(app_label)s_%(class)s_cost_rating_matches_unit_cost",
                violation_error_message="The cost rating does not match the estimated unit cost "
                "(1 under £100, 2 £100–£499, 3 £500–£999, 4 £1,000–£2,000, 5 over £2,000).",
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

    # evidence (issue 4) --------------------------------------------------------------------
    def clean(self):
        # Forms (the admin, imports) set the band; other writes still meet the database constraint.
        super().clean()
        self.set_cost_rating_from_unit_cost()

    def set_cost_rating_from_unit_cost(self):
        """The cost rating is the band of the unit cost whenever there is one: never typed twice."""
        from .costs import cost_band

        if self.estimated_unit_cost is not None and self.estimated_unit_cost >= 0:
            self.cost_rating = cost_band(self.estimated_unit_cost)

    @cached_property
    def assessment(self):
        """The evidence rating the study records support, with reasons (evidence.assess).

        Reads ``studies``, their ``findings`` and each finding's ``outcome``: a page showing it
        should get the programme from a queryset that prefetches ``studies__findings__outcome``.
        """
        from .evidence import assess

        return assess(self)

    @property
    def rating_disagrees(self) -> bool:
        """The published rating is set and differs from the one the study records support."""
        return bool(self.evidence_rating) and self.evidence_rating != self.assessment.rating

    # end evidence --------------------------------------------------------------------------

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


class TheoryOfChangeStep(models.Model):
    """One step in a programme's theory of change: why doing X should lead to better outcome Y."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="theory_of_change")
    order = models.PositiveSmallIntegerField(default=0, help_text="Steps are shown in this order.")
    text = models.TextField(help_text="One causal step, in a sentence or two.")

    class Meta:
        ordering = ["programme", "order", "id"]
        verbose_name = "theory of change step"

    def __str__(self):
        return f"{self.programme}: step {self.order}"


class Collection(Recorded):
    """A curated set of programmes around one theme, e.g. "Supporting the attachment relationship"."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The page address after /collections/, made from the name."
    )
    summary = models.TextField(help_text="What the collection is about and why these programmes belong together.")
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the grouping comes from, e.g. an evidence summary or workshop."
    )
    programmes = models.ManyToManyField(Programme, blank=True, related_name="collections")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalogue:collection-detail", kwargs={"slug": self.slug})


# --------------------------------------------------------------------------- evidence
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
        null=True, blank=True, help_text="Participants randomised or assigned (families or children), at baseline."
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
    design_narrative = models.TextField(
        "study design", blank=True, help_text="How participants were assigned and to what."
    )
    sample_narrative = models.TextField("sample", blank=True, help_text="Who took part, where, and how many.")
    measures_text = models.TextField(
        "measures", blank=True, help_text="What was measured, with which instrument, reported by whom."
    )
    findings_text = models.TextField("findings", blank=True, help_text="A summary of what the study found.")

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
    url = models.URLField("link", max_length=500, blank=True, help_text="Where the paper can be read, if not by DOI.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Order in the study's reference list.")

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
    statement = models.TextField(
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
    # evidence (issue 4): how the numbers above were obtained, set on save.
    effect_source = models.CharField(
        "effect size source", max_length=20, choices=EffectSource, blank=True, editable=False
    )
    effect_formula = models.TextField("how it was computed", blank=True, editable=False)

    # Raw group data (t = programme group, c = comparison group).
    lower_is_better = models.BooleanField(
        default=False, help_text="Tick when lower scores are better (e.g. behaviour problems, maltreatment reports)."
    )
    mean_t = models.FloatField("programme group mean", null=True, blank=True)
    sd_t = models.FloatField("programme group SD", null=True, blank=True, validators=[MinValueValidator(0)])
    n_t = models.PositiveIntegerField("programme group size", null=True, blank=True)
    mean_c = models.FloatField("comparison group mean", null=True, blank=True)
    sd_c = models.FloatField("comparison group SD", null=True, blank=True, validators=[MinValueValidator(0)])
    n_c = models.PositiveIntegerField("comparison group size", null=True, blank=True)
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
        self.apply_computed_effect()  # evidence (issue 4): effect sizes are computed on save
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.study.get_absolute_url()

    # evidence (issue 4) --------------------------------------------------------------------
    def clean(self):
        """Raw group data that cannot give an effect size is a form error, never a server error."""
        from .evidence import compute_finding_effect

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
        from .evidence import compute_finding_effect

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
        self.effect_source = computed.source
        self.effect_size_type = computed.effect_size_type
        self.effect_size, self.ci_low, self.ci_high = computed.effect_size, computed.ci_low, computed.ci_high
        self.improvement_index = computed.improvement_index
        self.effect_formula = computed.formula

    @property
    def effect_is_computed(self) -> bool:
        """The effect size and CI were computed from raw group data, so are not typed."""
        return self.effect_source in COMPUTED_EFFECT_SOURCES

    # end evidence --------------------------------------------------------------------------

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


# --------------------------------------------------------------------------- workflow (issue 6)
# Audit history, pending revisions of published programmes, and the publication log.
# Design: docs/adr/0001-publishing.md. Writes go through catalogue/publishing.py.

# A change note can be a sentence or two, longer than simple-history's default 100 characters.
# Derived columns (search text, the supported rating) are left out: history records what people changed.
_NOT_AUDITED = {Programme: ["search_document", "search_vector", "computed_evidence_rating"]}
for _audited in (Programme, TheoryOfChangeStep, Collection, Study, Publication, Finding):
    simple_history.register(
        _audited,
        history_change_reason_field=models.TextField(null=True),
        excluded_fields=_NOT_AUDITED.get(_audited, []),
    )


class PendingRevision(Recorded):
    """Unpublished edits to a published programme: its working copy.

    While a programme is published, saving its admin form stores the new values here instead
    of on the programme, so the public page keeps showing what a publisher approved. Publishing
    applies the revision to the programme; discarding deletes it. One per programme.
    """

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="pending_revision")
    data = models.JSONField(
        encoder=DjangoJSONEncoder,
        help_text='{"fields": {name: value}, "m2m": {name: [ids]}}: the edited values of the programme form.',
    )

    class Meta:
        verbose_name = "pending revision"

    def __str__(self):
        return f"Pending changes to {self.programme}"

    def get_absolute_url(self):
        return self.programme.get_absolute_url()

    def field_values(self) -> dict:
        """The revision's plain field values, converted back to Python (Decimal, date...)."""
        fields = self.data.get("fields", {})
        return {name: Programme._meta.get_field(name).to_python(value) for name, value in fields.items()}

    def m2m_ids(self) -> dict[str, list[int]]:
        return {name: sorted(ids) for name, ids in self.data.get("m2m", {}).items()}


class PublicationEventKind(models.TextChoices):
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"
    ARCHIVED = "archived", "Archived"


class PublicationEventQuerySet(models.QuerySet):
    def public(self):
        """Publications of programmes that are public now: what the changes feed lists."""
        return self.filter(kind=PublicationEventKind.PUBLISHED, programme__status=PublicationStatus.PUBLISHED)


class PublicationEvent(models.Model):
    """One publisher decision about a programme: published (first time or a revision), unpublished or
    archived; who made it, when, why, and the ratings before and after. The programme page's rating
    history and the changes feed are built from these rows."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="publication_events")
    kind = models.CharField(max_length=20, choices=PublicationEventKind, default=PublicationEventKind.PUBLISHED)
    published_at = models.DateTimeField("when", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="by", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    change_note = models.TextField(
        help_text='Why, in a sentence for commissioners, e.g. "Rating raised from 3 to 3+ after the Stronach '
        '(2013) follow-up study".'
    )
    # Stored as printed ("3+", "NL2", "NA"), so the history reads the same after the scales change.
    evidence_rating_before = models.CharField(max_length=5, blank=True)
    evidence_rating_after = models.CharField(max_length=5, blank=True)
    cost_rating_before = models.CharField(max_length=5, blank=True)
    cost_rating_after = models.CharField(max_length=5, blank=True)

    objects = PublicationEventQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "publication event"
        constraints = [
            models.CheckConstraint(
                condition=~Q(change_note=""),
                name="%(app_label)s_%(class)s_change_note_not_empty",
                violation_error_message="Say why: the change note is shown to commissioners.",
            ),
        ]

    def __str__(self):
        return f"{self.programme}: {self.get_kind_display().lower()} {self.published_at:%d %B %Y}"

    def get_absolute_url(self):
        return f"{self.programme.get_absolute_url()}#rating-history"

    @property
    def evidence_rating_changed(self) -> bool:
        return self.evidence_rating_before != self.evidence_rating_after

    @property
    def cost_rating_changed(self) -> bool:
        return self.cost_rating_before != self.cost_rating_after

    @property
    def changes_a_rating(self) -> bool:
        return self.kind == PublicationEventKind.PUBLISHED and (
            self.evidence_rating_changed or self.cost_rating_changed
        )


# --------------------------------------------------------------------------- end workflow

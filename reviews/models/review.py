"""A systematic review or meta-analysis, and its publication log."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from catalogue.models import (
    NARRATIVE_LENGTH,
    NOTE_LENGTH,
    SHORT_NOTE_LENGTH,
    BoundedTextField,
    Collection,
    Programme,
    PublicationEventKind,
    PublicationStatus,
    Recorded,
    doi_validator,
    is_web_url,
    web_url_validator,
)
from catalogue.search import query_words

from ..choices import ReviewKind


class ReviewQuerySet(models.QuerySet):
    def _related(self, name):
        """The model behind a reverse relation: included studies and analyses build on Review, so their
        modules import this one, not the other way round."""
        return self.model._meta.get_field(name).related_model

    def published(self):
        """Reviews the public may see. Drafts, those in review and archived ones never are."""
        return self.filter(status=PublicationStatus.PUBLISHED)

    def for_listing(self):
        """What the review list shows: the programmes each review covers (directly or through its
        included studies) and its collections."""
        # Only what linked_programmes reads: full study and programme rows carry long text columns.
        included = (
            self._related("included_studies")
            .objects.select_related("study__programme")
            .only("review", "study__programme__name", "study__programme__slug", "study__programme__status")
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
                queryset=self._related("included_studies")
                .objects.select_related("study__programme")
                .prefetch_related("risk_of_bias"),
            ),
            Prefetch("analyses", queryset=self._related("analyses").objects.prefetch_related("rows")),
            Prefetch("programmes", queryset=Programme.objects.published().only("name", "slug")),
            "collections",
            Prefetch("reviews_summarised", queryset=self.model.objects.published().order_by("year", "short_citation")),
            Prefetch("summarised_in", queryset=self.model.objects.published()),
        )

    def search(self, text):
        """Reviews whose title, citation, authors, question, summary or key messages mention every word in `text`.

        The words are those the programme search would use (catalogue.search.query_words): control
        characters dropped, punctuation ignored, at most MAX_WORDS, so a query of a thousand words
        costs twelve conditions, not a statement the database refuses.
        """
        query = Q()
        for word in query_words(text):
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
    url = models.URLField(
        "link",
        max_length=500,
        blank=True,
        validators=[web_url_validator],
        help_text="Where to read it, if it has no DOI: an http:// or https:// address.",
    )
    question = BoundedTextField(max_length=NOTE_LENGTH, blank=True, help_text="The review question in our own words.")
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
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Participants across the included studies, where the review gives it (1 or more).",
    )
    search_note = BoundedTextField(
        "what was searched and found",
        max_length=NOTE_LENGTH,
        blank=True,
        help_text="Databases searched and what happened to the records, in a sentence or two.",
    )
    summary = BoundedTextField(
        max_length=NARRATIVE_LENGTH, blank=True, help_text="What the review did and found, in our own words."
    )
    key_messages = BoundedTextField(
        max_length=NARRATIVE_LENGTH, blank=True, help_text="Key messages for commissioners, one per line."
    )
    conclusions = BoundedTextField(
        max_length=NARRATIVE_LENGTH, blank=True, help_text="The authors' conclusions, in our own words."
    )
    is_demonstration = models.BooleanField(
        "demonstration only",
        default=False,
        help_text="Tick for a published worked example loaded to show how pooling works. Its page says plainly "
        "that it is not evidence about any programme.",
    )
    # Marks rows made by `manage.py generate_synthetic` for scale tests, so `--delete` removes only them.
    is_synthetic = models.BooleanField(
        "synthetic test data",
        default=False,
        editable=False,
        help_text="Made by the synthetic data generator for load testing; never a real review.",
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
            models.CheckConstraint(
                condition=Q(participants__isnull=True) | Q(participants__gte=1),
                name="%(app_label)s_%(class)s_participants_positive",
                violation_error_message="A review's studies have at least one participant.",
            ),
            models.CheckConstraint(
                condition=is_web_url("url"),
                name="%(app_label)s_%(class)s_url_is_web",
                violation_error_message="The link must be an http:// or https:// address.",
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
    def is_public(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED


class ReviewPublicationEvent(models.Model):
    """One publisher decision about a review: published, unpublished or archived; who made it, when and why.

    The review's counterpart of catalogue's PublicationEvent, without its ratings (a review has none);
    written only by the workflow services (catalogue/workflow.py).
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="publication_events")
    kind = models.CharField(max_length=20, choices=PublicationEventKind, default=PublicationEventKind.PUBLISHED)
    published_at = models.DateTimeField("when", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="by", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    change_note = BoundedTextField(
        max_length=SHORT_NOTE_LENGTH,
        help_text='Why, in a sentence, e.g. "Updated to the 2023 version of the review, which adds four trials".',
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

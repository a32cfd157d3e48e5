"""What other clearinghouses say about a programme, each in its own words on its own scale.

Clearinghouses (the Title IV-E Prevention Services Clearinghouse, Blueprints, the CEBC, HomVEE…)
rate programmes against their own criteria, for their own purposes, often for one outcome or one
population. Their grades are recorded here as they print them, with where and when we read them,
and are never converted into our evidence levels or into each other's scales.

A rating points at one grade of one clearinghouse's scale, and the clearinghouse is that grade's:
a rating whose grade belongs to another clearinghouse's scale cannot be stored. Like the rest of a
programme's evidence, ratings are public when their programme is published, and only a publisher
may change them then (catalogue.permissions).
"""

import simple_history
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from ..choices import PublicationStatus
from .base import SHORT_NOTE_LENGTH, BoundedTextField, Recorded, is_web_url, web_url_validator


class Clearinghouse(Recorded):
    """Another organisation that rates the evidence for programmes, e.g. the Title IV-E Prevention Services
    Clearinghouse. Its scale is its grades (ClearinghouseGrade), in its order and its words."""

    name = models.CharField(
        max_length=200, unique=True, help_text='Its full name, e.g. "Title IV-E Prevention Services Clearinghouse".'
    )
    short_name = models.CharField(
        max_length=60, help_text='How pages name it in a sentence, e.g. "Title IV-E Clearinghouse" or "CEBC".'
    )
    slug = models.SlugField(
        max_length=60, unique=True, help_text='Used in the "rated by" filter and imports; lower case, hyphens only.'
    )
    website = models.URLField(
        max_length=500, validators=[web_url_validator], help_text="Its home page, as a full https:// address."
    )
    scale_note = BoundedTextField(
        "about its scale",
        max_length=SHORT_NOTE_LENGTH,
        help_text="In our own words, one or two sentences: what it rates (which programmes, outcomes and "
        "purpose) and how its scale runs, e.g. whether it rates each outcome separately.",
    )
    scale_source_url = models.URLField(
        "where its scale is defined",
        max_length=500,
        blank=True,
        validators=[web_url_validator],
        help_text="The public page that defines its grades, if there is one.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in lists; lower first.")

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=is_web_url("website") & ~Q(website=""),
                name="%(app_label)s_%(class)s_website_is_web",
                violation_error_message="Give its website as an http:// or https:// address.",
            ),
            models.CheckConstraint(
                condition=is_web_url("scale_source_url"),
                name="%(app_label)s_%(class)s_scale_source_url_is_web",
                violation_error_message="The link must be an http:// or https:// address.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('catalogue:programme-list')}?rated_by={self.slug}"


class ClearinghouseGrade(models.Model):
    """One grade on a clearinghouse's scale, e.g. the Title IV-E Clearinghouse's "Well-supported"."""

    clearinghouse = models.ForeignKey(Clearinghouse, on_delete=models.CASCADE, related_name="grades")
    label = models.CharField(
        max_length=120, help_text='Exactly as the clearinghouse prints it, e.g. "Well-supported" or "Model Plus".'
    )
    meaning = BoundedTextField(
        max_length=SHORT_NOTE_LENGTH,
        blank=True,
        help_text="What the clearinghouse says the grade means, in our own words, from its published definition. "
        "Leave empty rather than guess.",
    )
    rank = models.PositiveSmallIntegerField(
        help_text="Its place on the clearinghouse's own scale: 1 for its strongest grade, 2 for the next… "
        "Only for ordering grades of the same clearinghouse; never compared across clearinghouses."
    )

    class Meta:
        ordering = ["clearinghouse", "rank"]
        verbose_name = "clearinghouse grade"
        constraints = [
            models.UniqueConstraint(
                fields=["clearinghouse", "label"],
                name="%(app_label)s_%(class)s_unique_label",
                violation_error_message="This clearinghouse's scale already has a grade with that name.",
            ),
            models.UniqueConstraint(
                fields=["clearinghouse", "rank"],
                name="%(app_label)s_%(class)s_unique_rank",
                violation_error_message="Another grade of this clearinghouse already has that place on its scale.",
            ),
            models.CheckConstraint(
                condition=~Q(label=""),
                name="%(app_label)s_%(class)s_label_not_empty",
                violation_error_message="Type the grade as the clearinghouse prints it.",
            ),
        ]

    def __str__(self):
        return f"{self.clearinghouse.short_name}: {self.label}"


class ClearinghouseRatingQuerySet(models.QuerySet):
    def public(self):
        """Ratings of published programmes: what pages, compare, the API and open data may show."""
        return self.filter(programme__status=PublicationStatus.PUBLISHED)

    def for_display(self):
        """With the grade and clearinghouse a page prints, in the clearinghouses' order."""
        return self.select_related("grade__clearinghouse").order_by(
            "grade__clearinghouse__order", "grade__clearinghouse__name", "order", "applies_to", "pk"
        )


class ClearinghouseRating(Recorded):
    """One clearinghouse's grade for a programme (for one outcome or population when it rates that way),
    read from a public page we can cite: never converted into our evidence levels."""

    programme = models.ForeignKey("catalogue.Programme", on_delete=models.CASCADE, related_name="clearinghouse_ratings")
    grade = models.ForeignKey(
        ClearinghouseGrade,
        on_delete=models.PROTECT,
        related_name="ratings",
        help_text="The clearinghouse and its grade, exactly as its page prints it. Add the clearinghouse and its "
        "scale first (Clearinghouses) if it is not listed.",
    )
    applies_to = models.CharField(
        "outcome, population or version rated",
        max_length=200,
        blank=True,
        help_text="When the clearinghouse rates by outcome, population or version, which one, in its words, e.g. "
        '"ABC – Infant (caregivers of infants aged 6 to 24 months)". Empty when it rates the programme as a whole.',
    )
    rated_on = models.DateField(
        "date of the rating",
        null=True,
        blank=True,
        help_text='When the clearinghouse last reviewed or rated it ("Date last reviewed"); the first of the month '
        "if it gives only the month. Empty when its page gives no date.",
    )
    source_title = models.CharField(
        "source page title", max_length=400, help_text="The title of the public page the grade was read from."
    )
    source_url = models.URLField(
        "source page address", max_length=500, validators=[web_url_validator], help_text="Its full address."
    )
    source_read_on = models.DateField("date read", help_text="When the page was read.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Position among this clearinghouse's ratings.")

    objects = ClearinghouseRatingQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "order", "pk"]
        verbose_name = "clearinghouse rating"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "grade", "applies_to"],
                name="%(app_label)s_%(class)s_unique_per_grade",
                violation_error_message="This grade is already recorded for this programme and outcome or population.",
            ),
            models.CheckConstraint(
                condition=~Q(source_title=""),
                name="%(app_label)s_%(class)s_source_title_not_empty",
                violation_error_message="Give the title of the page the grade was read from.",
            ),
            models.CheckConstraint(
                condition=is_web_url("source_url") & ~Q(source_url=""),
                name="%(app_label)s_%(class)s_source_url_is_web",
                violation_error_message="Give the page's address as an http:// or https:// address.",
            ),
            models.CheckConstraint(
                condition=Q(rated_on__isnull=True) | Q(rated_on__lte=F("source_read_on")),
                name="%(app_label)s_%(class)s_rated_before_read",
                violation_error_message="The rating cannot be dated after the day its page was read.",
            ),
        ]

    def __str__(self):
        suffix = f" ({self.applies_to})" if self.applies_to else ""
        return f"{self.programme}: {self.grade}{suffix}"

    def get_absolute_url(self):
        return f"{self.programme.get_absolute_url()}#other-clearinghouses"

    @property
    def clearinghouse(self) -> Clearinghouse:
        return self.grade.clearinghouse


_reason = {"history_change_reason_field": models.TextField(null=True)}
simple_history.register(Clearinghouse, **_reason)
simple_history.register(ClearinghouseGrade, **_reason)
simple_history.register(ClearinghouseRating, **_reason)

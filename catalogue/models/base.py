"""The bases every catalogue record builds on, and the short lists analysts extend.

`Recorded` stamps who created and last changed a row. Lookups (age group, level of need,
delivery model, setting, country) are rows, not choices, so analysts can add to them; fixtures
refer to them by slug. An Outcome is a named result in one of the outcome domains.
"""

from functools import cached_property

from django.conf import settings
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from ..choices import OutcomeDomain, PublicationStatus

# Longest text an analyst may type, by kind of field: a narrative (a programme's description, a study's
# design) runs to a few pages, a note to a paragraph or two, a short note to a sentence or two. The
# longest narrative in the seed documents is about 2,300 characters.
NARRATIVE_LENGTH = 20_000
NOTE_LENGTH = 5_000
SHORT_NOTE_LENGTH = 2_000


class BoundedTextField(models.TextField):
    """A TextField whose max_length every write path enforces, not only the admin's textarea.

    Django passes a TextField's max_length to the form only; here full_clean() checks it too, so
    imports (catalogue/resources.py, `import_rows`) and any other validated write refuse a 10 MB
    narrative with "Ensure this value has at most … characters", naming the field.
    """

    @cached_property
    def validators(self):
        validators = super().validators
        if self.max_length is not None:
            validators = [*validators, MaxLengthValidator(self.max_length)]
        return validators


# Links shown on public pages: only web addresses, never javascript:, data: or ftp: ones.
web_url_validator = URLValidator(schemes=["http", "https"])


def is_web_url(field_name: str) -> Q:
    """The database's side of web_url_validator: empty, or an http(s) address (writes that skip
    full_clean, such as loaddata, meet it too)."""
    return (
        Q(**{field_name: ""})
        | Q(**{f"{field_name}__istartswith": "http://"})
        | Q(**{f"{field_name}__istartswith": "https://"})
    )


def null_or_at_least(minimum, *fields, message, strict=False) -> list[models.CheckConstraint]:
    """One constraint per nullable number field: empty, or at least `minimum` (more than it, if strict).

    Each field also carries the matching MinValueValidator, so a form shows the error on the field;
    the constraint holds for every other write.
    """
    lookup = "gt" if strict else "gte"
    rule = "positive" if strict or minimum else "not_negative"
    return [
        models.CheckConstraint(
            condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__{lookup}": minimum}),
            name=f"%(app_label)s_%(class)s_{field}_{rule}",
            violation_error_message=message,
        )
        for field in fields
    ]


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


class OutcomeQuerySet(models.QuerySet):
    def public(self):
        """Outcomes the public may see: those a published programme reports, and those no programme
        reports yet (vocabulary). An outcome only unpublished programmes report would announce a draft."""
        # Finding is reached through the relation: its module builds on this one.
        findings = self.model._meta.get_field("findings").related_model.objects.filter(study__programme__isnull=False)
        published = findings.filter(study__programme__status=PublicationStatus.PUBLISHED)
        unpublished = findings.exclude(study__programme__status=PublicationStatus.PUBLISHED)
        return self.exclude(Q(pk__in=unpublished.values("outcome")) & ~Q(pk__in=published.values("outcome")))


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
    description = BoundedTextField(
        max_length=NOTE_LENGTH, blank=True, help_text="Optional: what counts as this outcome."
    )

    objects = OutcomeQuerySet.as_manager()

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

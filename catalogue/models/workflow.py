"""What the editorial workflow records: audit history, pending revisions and the publication log.

Design: docs/adr/0001-publishing.md. The writes that change these go through the workflow services.
"""

import simple_history
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..choices import PublicationEventKind, PublicationStatus
from .base import SHORT_NOTE_LENGTH, BoundedTextField, Recorded
from .collection import Collection
from .programme import Programme
from .studies import Finding, Publication, Study
from .theory import TheoryOfChangeStep

# Audit history, pending revisions of published programmes, and the publication log.
# Design: docs/adr/0001-publishing.md and 0002-workflow.md. Writes go through catalogue/workflow.py.

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
        help_text='{"fields": {name: value}, "m2m": {name: [slugs]}}: the edited values of the programme form. '
        "Lookups are stored by slug, so a revision survives a move to another database.",
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

    @staticmethod
    def m2m_keys(m2m: dict) -> dict[str, list[str]]:
        """What `data["m2m"]` stores for the chosen lookups: their slugs (natural keys), not their ids,
        which differ after export_catalogue / import_catalogue into another database."""
        return {name: sorted(obj.slug for obj in objs) for name, objs in m2m.items()}

    def m2m_ids(self) -> dict[str, list[int]]:
        """The chosen lookups' ids in this database. Revisions saved before slugs were stored hold ids."""
        ids = {}
        for name, keys in self.data.get("m2m", {}).items():
            related = Programme._meta.get_field(name).related_model
            slugs = [key for key in keys if isinstance(key, str)]
            found = list(related.objects.filter(slug__in=slugs).values_list("pk", flat=True))
            ids[name] = sorted(found + [key for key in keys if isinstance(key, int)])
        return ids


class PublicationEventQuerySet(models.QuerySet):
    def public(self):
        """Publications of programmes that are public now: what the changes feed lists."""
        return self.filter(kind=PublicationEventKind.PUBLISHED, programme__status=PublicationStatus.PUBLISHED)

    def public_history(self):
        """Every publisher decision about programmes that are public now: publications, rating changes, and
        withdrawals since undone. What a programme's or a collection's own feed lists; a programme that is
        not public has no feed, so nothing about a draft or an archived page is listed."""
        return self.filter(programme__status=PublicationStatus.PUBLISHED)


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
    change_note = BoundedTextField(
        max_length=SHORT_NOTE_LENGTH,
        help_text='Why, in a sentence for commissioners, e.g. "Rating raised from 3 to 3+ after the Stronach '
        '(2013) follow-up study".',
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

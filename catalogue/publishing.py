"""The editorial workflow: draft → in review → published → archived, and pending revisions.

Analysts submit programmes for review and edit published ones through a pending revision;
only publishers (`catalogue.publish_programme`) publish, unpublish and archive. Every
publisher decision writes a PublicationEvent with the ratings before and after. The design
and its limits are in docs/adr/0001-publishing.md.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import PendingRevision, Programme, PublicationEvent, PublicationEventKind, PublicationStatus
from .services import refresh_search_documents

PUBLISH_PERMISSION = "catalogue.publish_programme"

# Programme fields a revision never carries: the workflow owns them, or nobody edits them.
NOT_REVISED = {"id", "status", "published_on", "created_at", "updated_at", "created_by", "updated_by"}


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def _require_publisher(user):
    if not can_publish(user):
        raise PermissionDenied("Only a publisher can publish, unpublish or archive a programme.")


def _require_editor(user):
    if not user.has_perm("catalogue.change_programme"):
        raise PermissionDenied("You do not have permission to change programmes.")


def save_step(obj, user, reason):
    """Save a workflow step on a Recorded, history-tracked object (a programme or a review): who and why."""
    obj.updated_by = user
    obj._history_user = user
    obj._change_reason = reason
    obj.save()


def require_change_note(change_note) -> str:
    """The stripped change note; ValidationError when there is none."""
    change_note = (change_note or "").strip()
    if not change_note:
        raise ValidationError("Write a change note: it tells commissioners what changed and why.")
    return change_note


def revision_data(*, programme: Programme, m2m: dict) -> dict:
    """The JSON a PendingRevision stores: `programme`'s unsaved field values and the chosen M2M ids."""
    fields = {
        field.name: _one_newline(field.value_from_object(programme))
        for field in Programme._meta.concrete_fields
        if field.editable and field.name not in NOT_REVISED
    }
    return {"fields": fields, "m2m": PendingRevision.m2m_keys(m2m)}


@transaction.atomic
def save_revision(*, programme: Programme, m2m: dict, user) -> PendingRevision:
    """Store the edited (unsaved) `programme` and its chosen M2M rows as its pending revision.

    The programme row itself is not written, so its public page is unchanged until a publisher
    publishes the revision. A second save replaces the first: there is one working copy.
    """
    _require_editor(user)
    if programme.status != PublicationStatus.PUBLISHED:
        raise ValidationError("Only a published programme has pending revisions; edit a draft directly.")
    revision, created = PendingRevision.objects.get_or_create(
        programme_id=programme.pk,
        defaults={"data": revision_data(programme=programme, m2m=m2m), "created_by": user, "updated_by": user},
    )
    if not created:
        revision.data = revision_data(programme=programme, m2m=m2m)
        revision.updated_by = user
        revision.save()
    return revision


def apply_revision(programme: Programme, revision: PendingRevision):
    """Copy a revision's values onto `programme` in memory (no save); returns the M2M ids to set.

    A text that differs only in its line endings is left as it is, so publishing does not rewrite it.
    """
    for name, value in revision.field_values().items():
        attname = Programme._meta.get_field(name).attname
        if _one_newline(value) != _one_newline(getattr(programme, attname)):
            setattr(programme, attname, _one_newline(value))
    return revision.m2m_ids()


def revision_changes(revision: PendingRevision) -> list[tuple[str, str, str]]:
    """What a revision would change, for the publisher: (field label, live value, pending value)."""
    live = Programme.objects.get(pk=revision.programme_id)
    pending = Programme.objects.get(pk=revision.programme_id)
    pending_m2m = apply_revision(pending, revision)
    changes = []
    for name in revision.data.get("fields", {}):
        field = Programme._meta.get_field(name)
        before, after = field.value_from_object(live), field.value_from_object(pending)
        if _one_newline(before) != _one_newline(after):
            display = f"get_{name}_display"
            if field.choices:
                before, after = getattr(live, display)(), getattr(pending, display)()
            changes.append((str(field.verbose_name), _text(before), _text(after)))
    for name, ids in pending_m2m.items():
        related = getattr(live, name)
        current = sorted(related.values_list("pk", flat=True))
        if current != ids:
            model = related.model
            names = dict(model.objects.filter(pk__in=[*current, *ids]).values_list("pk", "name"))
            changes.append(
                (
                    str(Programme._meta.get_field(name).verbose_name),
                    ", ".join(names[pk] for pk in current) or "–",
                    ", ".join(names[pk] for pk in ids) or "–",
                )
            )
    return changes


def _one_newline(value):
    """Text with "\n" line endings: browsers post "\r\n", so an untouched textarea would look edited."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _text(value) -> str:
    if value is None or value == "":
        return "–"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return str(value)


def _event(*, programme, kind, user, change_note, before):
    return PublicationEvent.objects.create(
        programme=programme,
        kind=kind,
        published_by=user,
        change_note=change_note,
        evidence_rating_before=before[0],
        evidence_rating_after=programme.evidence_rating,
        cost_rating_before=before[1],
        cost_rating_after=programme.cost_rating_code,
    )


def _public_ratings(programme: Programme) -> tuple[str, str]:
    """The ratings the public last saw: the live row if published, else the last publication's."""
    if programme.status == PublicationStatus.PUBLISHED:
        return programme.evidence_rating, programme.cost_rating_code
    last = programme.publication_events.filter(kind=PublicationEventKind.PUBLISHED).first()
    return (last.evidence_rating_after, last.cost_rating_after) if last else ("", "")


def require_page_content(programme: Programme) -> None:
    """ValidationError unless `programme` has a summary and a description or an evidence overview.

    A published page needs more than a name. An evidence rating is not required: programmes
    still being assessed are published unrated (NA) on purpose.
    """
    missing = []
    if not (programme.summary or "").strip():
        missing.append("a summary")
    if not (programme.description or "").strip() and not (programme.evidence_overview or "").strip():
        missing.append("a description or an overview of the evidence (“about the evidence”)")
    if missing:
        raise ValidationError(
            f"{programme} cannot be published yet: its page needs {' and '.join(missing)}. "
            "Add them in the programme form, then publish."
        )


@transaction.atomic
def publish(*, programme: Programme, user, change_note: str) -> PublicationEvent:
    """Publish `programme` (a draft, one in review, an archived one, or a published one's pending
    revision), recording who, when, why, and the ratings before and after.

    Raises PermissionDenied unless `user` is a publisher, and ValidationError without a change
    note, when the page would have no summary and neither a description nor an evidence overview
    (require_page_content), or when the result breaks a programme rule (nothing is written then).
    """
    _require_publisher(user)
    change_note = require_change_note(change_note)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    before = _public_ratings(programme)
    revision = PendingRevision.objects.filter(programme=programme).first()
    m2m = apply_revision(programme, revision) if revision else {}
    if programme.status == PublicationStatus.PUBLISHED and revision is None:
        raise ValidationError(f"{programme} is already published and has no pending changes.")
    require_page_content(programme)  # checked on what will be public: a revision's text if there is one
    programme.status = PublicationStatus.PUBLISHED
    programme.published_on = programme.published_on or timezone.localdate()
    # The database rules (constraints, unique name and slug) as the admin states them. Field-level
    # validation already ran in the admin form that saved the draft or the revision.
    programme.validate_constraints()
    programme.validate_unique()
    save_step(programme, user, change_note)
    for name, ids in m2m.items():
        getattr(programme, name).set(ids)
    if revision:
        revision.delete()
    # The public search must find what is now public: a revision's new summary, say.
    refresh_search_documents([programme.pk])
    return _event(
        programme=programme, kind=PublicationEventKind.PUBLISHED, user=user, change_note=change_note, before=before
    )


@transaction.atomic
def unpublish(*, programme: Programme, user, change_note: str) -> PublicationEvent:
    """Take a published programme off the public site, back to draft. Its pending revision stays."""
    _require_publisher(user)
    if programme.status != PublicationStatus.PUBLISHED:
        raise ValidationError(f"{programme} is not published.")
    before = _public_ratings(programme)
    programme.status = PublicationStatus.DRAFT
    save_step(programme, user, change_note or "Unpublished")
    return _event(
        programme=programme,
        kind=PublicationEventKind.UNPUBLISHED,
        user=user,
        change_note=change_note or "Unpublished.",
        before=before,
    )


@transaction.atomic
def archive(*, programme: Programme, user, change_note: str) -> PublicationEvent:
    """Archive a programme: off the public site for good, but kept with its history (never deleted)."""
    _require_publisher(user)
    if programme.status == PublicationStatus.ARCHIVED:
        raise ValidationError(f"{programme} is already archived.")
    before = _public_ratings(programme)
    programme.status = PublicationStatus.ARCHIVED
    PendingRevision.objects.filter(programme=programme).delete()
    save_step(programme, user, change_note or "Archived")
    return _event(
        programme=programme,
        kind=PublicationEventKind.ARCHIVED,
        user=user,
        change_note=change_note or "Archived.",
        before=before,
    )


@transaction.atomic
def submit_for_review(*, programme: Programme, user):
    """An analyst marks a draft ready for a publisher to check."""
    _require_editor(user)
    if programme.status != PublicationStatus.DRAFT:
        status = programme.get_status_display().lower()
        raise ValidationError(f"Only a draft can be submitted for review; {programme} is {status}.")
    programme.status = PublicationStatus.IN_REVIEW
    save_step(programme, user, "Submitted for review")


@transaction.atomic
def return_to_draft(*, programme: Programme, user):
    """Send a programme in review back to its analyst (e.g. a publisher asks for changes)."""
    _require_editor(user)
    if programme.status != PublicationStatus.IN_REVIEW:
        raise ValidationError(f"{programme} is not in review.")
    programme.status = PublicationStatus.DRAFT
    save_step(programme, user, "Returned to draft")


@transaction.atomic
def discard_revision(*, programme: Programme, user):
    """Throw away a published programme's pending changes; the public page is untouched."""
    _require_editor(user)
    PendingRevision.objects.filter(programme=programme).delete()

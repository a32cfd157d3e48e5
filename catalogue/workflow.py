"""The editorial workflow for every publishable model: draft → in review → published → archived.

- TRANSITIONS is the one table of steps: for each, the statuses it starts from, the status it
  ends in, who may take it (an editor, or a publisher) and whether it needs a change note. The
  services below enforce it, and the admin (catalogue/admin/workflow.py) renders its buttons and
  changelist actions from it.
- A model takes part by registering a Publishable: programmes at the end of this module,
  reviews in reviews/workflow.py. Its permissions follow Django's names: an editor holds
  `<app>.change_<model>`, a publisher `<app>.publish_<model>`.
- A programme has the one extra: while it is published, its admin form saves a pending
  revision (catalogue/revisions.py), and publishing a published programme publishes that.

Lock order: every service locks the publishable row first (`select_for_update`), then its
pending revision, always in that order, and checks the status on the locked row. So two
publishers pressing Publish and Archive at the same moment queue on the row instead of
deadlocking, and the second one gets a ValidationError saying what changed. Writes go through
`save(update_fields=...)` on the locked row, never the caller's copy over the whole row.
Design: docs/adr/0002-workflow.md.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format

from .cache import catalogue_changed
from .models import PendingRevision, Programme, PublicationEvent, PublicationEventKind, PublicationStatus
from .revisions import apply_revision, revision_data
from .services import refresh_search_documents, supported_rating


class Role(Enum):
    EDITOR = "editor"  # `<app>.change_<model>`: analysts and publishers
    PUBLISHER = "publisher"  # `<app>.publish_<model>`: publishers only


ALL_STATUSES = frozenset(PublicationStatus)


@dataclass(frozen=True)
class Transition:
    """One step of the workflow, as the services enforce it and the admin offers it."""

    action: str  # the admin's URL slug
    label: str  # the button
    past: str  # "published": for messages
    service: str  # the function of this module that takes the step
    sources: frozenset  # statuses it starts from
    target: str | None  # the status it ends in; None leaves the status as it is
    role: Role
    change_note: bool  # a note is required, and recorded as a publication event
    event: str | None = None  # the PublicationEventKind recorded
    reason: str = ""  # the history's change reason when no note is asked for
    # Statuses it also starts from when the record has a pending revision (programmes only).
    revision_sources: frozenset = field(default=frozenset())

    def allowed_from(self, status, *, has_revision=False) -> bool:
        return status in self.sources or (has_revision and status in self.revision_sources)


TRANSITIONS = {
    transition.action: transition
    for transition in [
        Transition(
            action="submit",
            past="submitted for review",
            label="Submit for review",
            service="submit_for_review",
            sources=frozenset({PublicationStatus.DRAFT}),
            target=PublicationStatus.IN_REVIEW,
            role=Role.EDITOR,
            change_note=False,
            reason="Submitted for review",
        ),
        Transition(
            action="return-to-draft",
            past="returned to draft",
            label="Return to draft",
            service="return_to_draft",
            sources=frozenset({PublicationStatus.IN_REVIEW}),
            target=PublicationStatus.DRAFT,
            role=Role.EDITOR,
            change_note=False,
            reason="Returned to draft",
        ),
        Transition(
            action="publish",
            past="published",
            label="Publish",
            service="publish",
            sources=frozenset({PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, PublicationStatus.ARCHIVED}),
            # Publishing a published programme publishes its pending revision.
            revision_sources=frozenset({PublicationStatus.PUBLISHED}),
            target=PublicationStatus.PUBLISHED,
            role=Role.PUBLISHER,
            change_note=True,
            event=PublicationEventKind.PUBLISHED,
        ),
        Transition(
            action="unpublish",
            past="unpublished",
            label="Unpublish",
            service="unpublish",
            sources=frozenset({PublicationStatus.PUBLISHED}),
            target=PublicationStatus.DRAFT,
            role=Role.PUBLISHER,
            change_note=True,
            event=PublicationEventKind.UNPUBLISHED,
        ),
        Transition(
            action="archive",
            past="archived",
            label="Archive",
            service="archive",
            sources=frozenset({PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, PublicationStatus.PUBLISHED}),
            target=PublicationStatus.ARCHIVED,
            role=Role.PUBLISHER,
            change_note=True,
            event=PublicationEventKind.ARCHIVED,
        ),
        Transition(
            action="discard",
            past="discarded",
            label="Discard pending changes",
            service="discard_revision",
            sources=frozenset(),
            revision_sources=ALL_STATUSES,
            target=None,
            role=Role.EDITOR,
            change_note=False,
        ),
    ]
}


def _nothing(*args):
    return None


@dataclass(frozen=True)
class Publishable:
    """How one model takes part in the workflow.

    The model has `status`, `published_on` and the Recorded fields, and a simple-history
    history. `event_model` is its publication log: a ForeignKey named after the model, and
    `kind`, `published_by`, `change_note`.
    """

    model: type[models.Model]
    event_model: type[models.Model]
    # Read on the locked row before a step: what the public saw (programmes: the ratings).
    public_state: Callable = _nothing
    # The publication event's extra fields, from the row after the step and `public_state`.
    event_fields: Callable = lambda row, before: {}
    # Raises ValidationError when the row, as it would be published, is not fit for the public.
    check_publishable: Callable = _nothing
    # Called with the row once it is published (programmes refresh their search text).
    after_publish: Callable = _nothing
    # PendingRevision-like model with a OneToOneField named after the model, or None.
    revision_model: type[models.Model] | None = None
    # `public_state` before the record was ever public (programmes: no ratings), for a first publication.
    never_public_state: object = None

    @property
    def name(self) -> str:
        return self.model._meta.model_name

    def permission(self, role: Role) -> str:
        action = "publish" if role is Role.PUBLISHER else "change"
        return f"{self.model._meta.app_label}.{action}_{self.name}"


_REGISTRY: dict[type[models.Model], Publishable] = {}


def register(publishable: Publishable) -> None:
    _REGISTRY[publishable.model] = publishable


def publishable(model) -> Publishable:
    """The registration of `model` (a class or an instance)."""
    model = model if isinstance(model, type) else type(model)
    try:
        return _REGISTRY[model._meta.concrete_model]
    except KeyError:
        raise TypeError(f"{model.__name__} is not registered with the editorial workflow.") from None


# --------------------------------------------------------------------------- who may
def may(user, transition: Transition, model) -> bool:
    """Whether `user`'s role allows `transition` on `model` (the status is checked by the service)."""
    return user.has_perm(publishable(model).permission(transition.role))


def can_publish(user, model) -> bool:
    return user.has_perm(publishable(model).permission(Role.PUBLISHER))


def _require(user, role: Role, spec: Publishable) -> None:
    if user.has_perm(spec.permission(role)):
        return
    plural = spec.model._meta.verbose_name_plural
    if role is Role.PUBLISHER:
        raise PermissionDenied(f"Only a publisher can publish, unpublish or archive {plural}.")
    raise PermissionDenied(f"You do not have permission to change {plural}.")


def require_change_note(change_note) -> str:
    """The stripped change note; ValidationError when there is none."""
    change_note = (change_note or "").strip()
    if not change_note:
        raise ValidationError("Write a change note: it tells commissioners what changed and why.")
    return change_note


# --------------------------------------------------------------------------- locking
def _lock(obj, spec: Publishable):
    """Lock the publishable row, then its pending revision: the one lock order (see the module docstring)."""
    row = spec.model._base_manager.select_for_update(of=("self",)).get(pk=obj.pk)
    revision = None
    if spec.revision_model is not None:
        revision = spec.revision_model.objects.select_for_update().filter(**{spec.name: row}).first()
    return row, revision


def changed_by_line(row) -> str:
    """ "by NAME at TIME", from a Recorded row's last change."""
    who = row.updated_by or "someone"
    when = date_format(timezone.localtime(row.updated_at), "j F Y, H:i:s")
    return f"by {who} at {when}"


def _require_unchanged(obj, row) -> None:
    """Refuse when the row's status moved since the caller read `obj`: the step was chosen for that status."""
    if obj.status != row.status:
        raise ValidationError(
            f"“{row}” was changed {changed_by_line(row)} since you opened it: it is now "
            f"{row.get_status_display().lower()}. Nothing was done; reload the page to see it as it is now."
        )


def _refusal(transition: Transition, row, spec: Publishable, has_revision: bool) -> ValidationError:
    status = row.get_status_display().lower()
    if transition.action == "submit":
        return ValidationError(f"Only a draft can be submitted for review; {row} is {status}.")
    if transition.action == "discard":
        return ValidationError(f"{row} has no pending changes to discard.")
    if spec.revision_model is not None and row.status in transition.revision_sources and not has_revision:
        return ValidationError(f"{row} is already {status} and has no pending changes: it cannot be {transition.past}.")
    return ValidationError(f"{row} is {status}: it cannot be {transition.past}.")


def _save(row, user, reason, fields) -> None:
    """Save the locked row's workflow fields only, recording who and why in its history."""
    row.updated_by = user
    row._history_user = user
    row._change_reason = reason
    row.save(update_fields=[*fields, "updated_by", "updated_at"])


def _refresh_caller(obj, row) -> None:
    """Give the caller's object the row's new values, so it can take the next step."""
    for model_field in row._meta.concrete_fields:
        setattr(obj, model_field.attname, getattr(row, model_field.attname))
    obj._state.fields_cache.clear()
    getattr(obj, "_prefetched_objects_cache", {}).clear()


# --------------------------------------------------------------------------- the steps
def _take(action: str, *, obj, user, change_note: str = ""):
    """Take one step of TRANSITIONS on `obj`: check who, lock, check the status, write, record."""
    transition = TRANSITIONS[action]
    spec = publishable(obj)
    _require(user, transition.role, spec)
    note = require_change_note(change_note) if transition.change_note else transition.reason
    row, revision = _lock(obj, spec)
    _require_unchanged(obj, row)
    if not transition.allowed_from(row.status, has_revision=revision is not None):
        raise _refusal(transition, row, spec, revision is not None)

    if transition.target is None:  # discard: the row itself is untouched
        revision.delete()
        return None
    before = spec.public_state(row)
    fields, m2m = ["status"], {}
    row.status = transition.target
    if transition.target == PublicationStatus.PUBLISHED:
        if revision is not None:
            revised, m2m = apply_revision(row, revision)
            fields += revised
        spec.check_publishable(row)  # on what will be public: a revision's text if there is one
        if row.published_on is None:
            row.published_on = timezone.localdate()
            fields.append("published_on")
        # The database rules (constraints, unique name and slug) as the admin states them.
        # Field-level validation already ran in the admin form that saved the draft or revision.
        row.validate_constraints()
        row.validate_unique()
    _save(row, user, note, fields)
    catalogue_changed()  # every status change may add a page to, or take one off, the public site
    for name, ids in m2m.items():
        getattr(row, name).set(ids)
    if revision is not None and transition.action in {"publish", "archive"}:
        revision.delete()  # published, or gone with the archived record; unpublishing keeps it
    if transition.target == PublicationStatus.PUBLISHED:
        spec.after_publish(row)
    _refresh_caller(obj, row)
    if transition.event is None:
        return None
    return spec.event_model.objects.create(
        **{spec.name: row},
        kind=transition.event,
        published_by=user,
        change_note=note,
        **spec.event_fields(row, before),
    )


@transaction.atomic
def publish(*, obj, user, change_note: str):
    """Publish `obj` (a draft, one in review, an archived one, or a published programme's pending
    revision), recording who, when and why in its publication log; returns the event.

    Raises PermissionDenied unless `user` is a publisher, and ValidationError without a change
    note, when its status changed since the caller read it, when the page is not fit to publish
    (programmes: check_programme_publishable: page content, and a rating the studies reproduce or a
    note saying why not), or when the result breaks a model rule (nothing is
    written then). The first publication sets `published_on`.
    """
    return _take("publish", obj=obj, user=user, change_note=change_note)


@transaction.atomic
def unpublish(*, obj, user, change_note: str):
    """Take a published record off the public site, back to draft; a programme's pending revision stays."""
    return _take("unpublish", obj=obj, user=user, change_note=change_note)


@transaction.atomic
def archive(*, obj, user, change_note: str):
    """Archive a record: off the public site for good, kept with its history (never deleted).

    A programme's pending revision is deleted with it (after the programme row is locked).
    """
    return _take("archive", obj=obj, user=user, change_note=change_note)


@transaction.atomic
def submit_for_review(*, obj, user) -> None:
    """An editor marks a draft ready for a publisher to check."""
    _take("submit", obj=obj, user=user)


@transaction.atomic
def return_to_draft(*, obj, user) -> None:
    """Send a record in review back to its editor (e.g. a publisher asks for changes)."""
    _take("return-to-draft", obj=obj, user=user)


@transaction.atomic
def discard_revision(*, obj, user) -> None:
    """Throw away a programme's pending changes; the public page is untouched."""
    _take("discard", obj=obj, user=user)


@transaction.atomic
def save_revision(*, obj, m2m: dict, user):
    """Store the edited (unsaved) programme `obj` and its chosen M2M rows as its pending revision.

    The programme row itself is not written, so its public page is unchanged until a publisher
    publishes the revision. A second save replaces the first: there is one working copy.
    """
    spec = publishable(obj)
    _require(user, Role.EDITOR, spec)
    if spec.revision_model is None:
        raise TypeError(f"{spec.model.__name__} has no pending revisions.")
    row, revision = _lock(obj, spec)
    _require_unchanged(obj, row)
    if row.status != PublicationStatus.PUBLISHED:
        raise ValidationError("Only a published programme has pending revisions; edit a draft directly.")
    data = revision_data(programme=obj, m2m=m2m)
    if revision is None:
        return spec.revision_model.objects.create(**{spec.name: row}, data=data, created_by=user, updated_by=user)
    revision.data, revision.updated_by = data, user
    revision.save(update_fields=["data", "updated_by", "updated_at"])
    return revision


FIRST_PUBLICATION_NOTE = "First published in the Evidence Guidebook."


@transaction.atomic
def record_first_publications() -> int:
    """Record a first publication for each published record, of every registered model, that has none:
    dated the record's `published_on` (the start of that day), by nobody, with the ratings it has now
    (nothing was public before). Returns how many were recorded.

    For records that arrive already published (`load_real_data` loads the real data's pages with their
    publication dates), so the changes feeds and rating histories start from their real publication.
    Records with a publication event are left alone, so running it again records nothing.
    """
    recorded = 0
    for spec in _REGISTRY.values():
        events = spec.event_model.objects.filter(**{spec.name: OuterRef("pk")}, kind=PublicationEventKind.PUBLISHED)
        unrecorded = spec.model._base_manager.filter(status=PublicationStatus.PUBLISHED).exclude(Exists(events))
        created = spec.event_model.objects.bulk_create(
            spec.event_model(
                **{spec.name: row},
                kind=PublicationEventKind.PUBLISHED,
                published_at=timezone.make_aware(datetime.datetime.combine(row.published_on, datetime.time.min)),
                published_by=None,
                change_note=FIRST_PUBLICATION_NOTE,
                **spec.event_fields(row, spec.never_public_state),
            )
            for row in unrecorded.order_by("pk")
        )
        recorded += len(created)
    if recorded:
        catalogue_changed()  # the feeds and rating histories gained entries
    return recorded


# --------------------------------------------------------------------------- programmes
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


def require_reproduced_rating(programme: Programme) -> None:
    """ValidationError when `programme`'s evidence rating is not the one `evidence.assess()` computes
    from its recorded studies and no publisher has written why (`rating_difference_note`).

    A rating we publish is reproduced from recorded studies, or it is not published as ours
    (docs/adr/0004-ratings-and-source-classifications.md). An unrated programme passes: publishing it unrated
    is honest. The note is shown on the public page beside the rating.
    """
    rating = programme.evidence_rating
    if not rating or programme.rating_difference_note.strip():
        return
    supported = supported_rating(programme=programme)
    if supported == rating:
        return
    note_label = Programme._meta.get_field("rating_difference_note").verbose_name
    raise ValidationError(
        f"{programme} cannot be published with the evidence rating {rating}: its recorded studies support "
        f"{supported}. We publish a rating as ours only when the recorded studies reproduce it. Correct the "
        "rating, or add the missing studies and findings; or, if the rating rightly differs, write why in "
        f"“{note_label.capitalize()}” (under “Evidence and cost ratings”): it is shown on the public page "
        "beside the rating."
    )


def check_programme_publishable(programme: Programme) -> None:
    """A programme is fit to publish when its page has content and its rating is reproduced or explained."""
    require_page_content(programme)
    require_reproduced_rating(programme)


def _public_ratings(programme: Programme) -> tuple[str, str]:
    """The ratings the public last saw: the live row if published, else the last publication's."""
    if programme.status == PublicationStatus.PUBLISHED:
        return programme.evidence_rating, programme.cost_rating_code
    last = programme.publication_events.filter(kind=PublicationEventKind.PUBLISHED).first()
    return (last.evidence_rating_after, last.cost_rating_after) if last else ("", "")


def _rating_change(programme: Programme, before: tuple[str, str]) -> dict:
    return {
        "evidence_rating_before": before[0],
        "evidence_rating_after": programme.evidence_rating,
        "cost_rating_before": before[1],
        "cost_rating_after": programme.cost_rating_code,
    }


register(
    Publishable(
        model=Programme,
        event_model=PublicationEvent,
        public_state=_public_ratings,
        event_fields=_rating_change,
        check_publishable=check_programme_publishable,
        # The public search must find what is now public: a revision's new summary, say.
        after_publish=lambda programme: refresh_search_documents([programme.pk]),
        revision_model=PendingRevision,
        never_public_state=("", ""),
    )
)

"""What the public sees changes only through a publisher: which public record a row appears on.

Every row an analyst can open in the admin either stands on its own or is shown on a public page:
a published programme shows its studies, publications, findings, theory of change and other
clearinghouses' ratings; a clearinghouse and its grades, a collection, a lookup (age group,
setting, country…) or an outcome is shown by the published programmes that use it; a published
review shows its analyses, rows, included studies and risk-of-bias judgements (registered by
`reviews.permissions`, since the catalogue never imports reviews). `public_record(obj)` names that
page's record, and only a user who may publish that record may change or delete the row. The
admin reads these three functions and nothing else.
"""

from collections.abc import Callable

from django.db.models import Model, Q

from .models import (
    AgeGroup,
    Clearinghouse,
    ClearinghouseGrade,
    ClearinghouseRating,
    Collection,
    Country,
    DeliveryModel,
    Finding,
    LevelOfNeed,
    Outcome,
    Programme,
    Publication,
    Setting,
    SourceClassification,
    Study,
    TheoryOfChangeStep,
)

PUBLISHER_ONLY_EVIDENCE = (
    "Only a publisher can change the evidence on a published programme's page. To propose new "
    "evidence, enter the study with no programme, add its publications and findings, and ask a "
    "publisher to attach it."
)

Owner = Callable[[Model], Model | None]
_OWNERS: dict[type[Model], list[Owner]] = {}


def shown_by(*models: type[Model]):
    """Register a function that returns the public record showing a row of these models, or None."""

    def register(owner: Owner) -> Owner:
        for model in models:
            _OWNERS.setdefault(model, []).append(owner)
        return owner

    return register


def public_record(obj) -> Model | None:
    """The published record whose public page shows `obj` (possibly `obj` itself), or None."""
    if obj is None:
        return None
    for owner in _OWNERS.get(type(obj), []):
        record = owner(obj)
        if record is not None:
            return record
    return None


def publish_permission(record: Model) -> str:
    """The permission that publishes `record`: catalogue.publish_programme, reviews.publish_review."""
    return f"{record._meta.app_label}.publish_{record._meta.model_name}"


def may_change(user, *objs) -> bool:
    """Whether `user` may change or delete these rows (or, for an unsaved or edited row, write it
    where it now points): yes unless one is shown on a public page whose publish permission the
    user lacks. No user is an operator's script: allowed."""
    if user is None:
        return True
    records = [public_record(obj) for obj in objs]
    return all(record is None or user.has_perm(publish_permission(record)) for record in records)


def refusal(obj) -> str:
    """Why an analyst may not change or delete `obj`, in a sentence for the admin."""
    record = public_record(obj)
    if record is None:
        return ""
    if record is obj:
        return f"“{obj}” is published: only a publisher can change or delete it."
    return f"“{obj}” is shown on the public page of “{record}”: only a publisher can change or delete it."


@shown_by(Programme)
def _programme(programme: Programme | None):
    return programme if programme is not None and programme.is_public else None


@shown_by(Study)
def _study(study: Study | None):
    return _programme(study.programme) if study is not None else None


@shown_by(Publication, Finding)
def _evidence_row(row):
    return _study(row.study) if row.study_id else None


@shown_by(TheoryOfChangeStep, SourceClassification, ClearinghouseRating)
def _programme_row(row):
    return _programme(row.programme)


@shown_by(Clearinghouse, ClearinghouseGrade)
def _clearinghouse(row):
    """A clearinghouse, or a grade of its scale, is shown by the published programmes it rates."""
    if row.pk is None:
        return None
    scope = {"grade__clearinghouse": row} if isinstance(row, Clearinghouse) else {"grade": row}
    first = ClearinghouseRating.objects.public().filter(**scope).select_related("programme").order_by("programme__name")
    first = first.first()
    return first.programme if first else None


@shown_by(Collection)
def _collection(collection: Collection):
    if collection.pk is None:
        return None
    return collection.programmes.published().order_by("name").first()


@shown_by(AgeGroup, LevelOfNeed, DeliveryModel, Setting, Country)
def _lookup(lookup):
    if lookup.pk is None:
        return None
    # Every programme field, and a study's countries, that can point at this lookup.
    uses = Q()
    for field in Programme._meta.many_to_many:
        if field.related_model is type(lookup):
            uses |= Q(**{field.name: lookup})
    if isinstance(lookup, Country):
        uses |= Q(studies__countries=lookup)
    return Programme.objects.published().filter(uses).order_by("name").first()


@shown_by(Outcome)
def _outcome(outcome: Outcome):
    if outcome.pk is None:
        return None
    return Programme.objects.published().filter(studies__findings__outcome=outcome).order_by("name").first()

"""Reading a bulk download back into an empty database: the proof that the files hold the whole public
catalogue (tests/catalogue/test_opendata.py reloads them and compares every row and value).

Each table registers how its rows are recreated (`@loader`); reviews registers its own. Records are
matched by their stable identifiers: slugs, and a study by its programme's slug and number.
"""

import json
from collections.abc import Callable

from django.db import transaction

from ..models import (
    Clearinghouse,
    ClearinghouseGrade,
    ClearinghouseRating,
    Collection,
    Finding,
    Outcome,
    Programme,
    Publication,
    PublicationStatus,
    Study,
    TheoryOfChangeStep,
)
from ..services import refresh_derived_data
from .tables import LOOKUP_MODELS, PROGRAMME_LISTS, TABLES, tables


def loader(name: str) -> Callable:
    """Registers `function(rows, context)` as the way table `name`'s rows are recreated."""

    def register(function):
        TABLES[name].load = function
        return function

    return register


def plain_fields(model, row) -> dict:
    """The row's columns that are the model's own (non-relation) fields, converted to Python values."""
    values = {}
    for name, value in row.items():
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: S112 - a column the model does not have is a reference, handled by the loader
            continue
        if field.concrete and not field.is_relation:
            values[name] = field.to_python(value) if value is not None else None
    return values


def study_by_key(key: str | None):
    if not key:
        return None
    slug, _, number = key.rpartition("/")
    return Study.objects.get(programme__slug=slug, number=int(number))


@transaction.atomic
def load_document(document: dict | str) -> None:
    """Recreate every table of a bulk JSON document (`evidence-guidebook.json`) in an empty catalogue."""
    if isinstance(document, str):
        document = json.loads(document)
    context: dict = {}
    for table in tables():
        if table.load is None:
            raise ValueError(f"No loader is registered for the {table.name} table.")
        table.load(document["tables"].get(table.name, []), context)
    refresh_derived_data(programme_ids=Programme.objects.values_list("pk", flat=True))


@loader("lookups")
def _lookups(rows, context):
    for row in rows:
        LOOKUP_MODELS[row["kind"]].objects.update_or_create(
            slug=row["slug"], defaults={"name": row["name"], "order": row["order"]}
        )


@loader("outcomes")
def _outcomes(rows, context):
    for row in rows:
        Outcome.objects.create(**plain_fields(Outcome, row))


@loader("programmes")
def _programmes(rows, context):
    for row in rows:
        programme = Programme.objects.create(status=PublicationStatus.PUBLISHED, **plain_fields(Programme, row))
        for name in PROGRAMME_LISTS:
            related = getattr(programme, name)
            related.set(related.model.objects.filter(slug__in=row[name]))


@loader("theory_of_change")
def _theory_of_change(rows, context):
    for row in rows:
        programme = Programme.objects.get(slug=row["programme"])
        TheoryOfChangeStep.objects.create(programme=programme, **plain_fields(TheoryOfChangeStep, row))


@loader("studies")
def _studies(rows, context):
    for row in rows:
        study = Study.objects.create(programme=Programme.objects.get(slug=row["programme"]), **plain_fields(Study, row))
        study.countries.set(study.countries.model.objects.filter(slug__in=row["countries"]))


@loader("publications")
def _publications(rows, context):
    for row in rows:
        study = Study.objects.get(programme__slug=row["programme"], number=row["study_number"])
        Publication.objects.create(study=study, **plain_fields(Publication, row))


@loader("findings")
def _findings(rows, context):
    for row in rows:
        study = Study.objects.get(programme__slug=row["programme"], number=row["study_number"])
        outcome = Outcome.objects.get(slug=row["outcome"]) if row["outcome"] else None
        Finding.objects.create(study=study, outcome=outcome, **plain_fields(Finding, row))


@loader("collections")
def _collections(rows, context):
    for row in rows:
        collection = Collection.objects.create(**plain_fields(Collection, row))
        collection.programmes.set(Programme.objects.filter(slug__in=row["programmes"]))


@loader("clearinghouse_ratings")
def _clearinghouse_ratings(rows, context):
    for row in rows:
        clearinghouse, _ = Clearinghouse.objects.update_or_create(
            slug=row["clearinghouse"],
            defaults={
                "name": row["clearinghouse_name"],
                "short_name": row["clearinghouse_short_name"],
                "website": row["clearinghouse_website"],
                "scale_note": row["clearinghouse_scale_note"],
                "scale_source_url": row["clearinghouse_scale_source_url"],
            },
        )
        grade, _ = ClearinghouseGrade.objects.update_or_create(
            clearinghouse=clearinghouse,
            label=row["grade"],
            defaults={"meaning": row["grade_meaning"], "rank": row["grade_rank"]},
        )
        programme = Programme.objects.get(slug=row["programme"])
        ClearinghouseRating.objects.create(programme=programme, grade=grade, **plain_fields(ClearinghouseRating, row))

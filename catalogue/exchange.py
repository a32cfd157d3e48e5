"""Moving the whole catalogue between databases (SQLite and PostgreSQL) through one JSON file.

The file holds every row of the catalogue and reviews apps, including the audit history,
pending revisions and publication events. Users are referred to by username; the file lists
those usernames (never passwords or permissions) and an import creates any that are missing
as inactive accounts with no password. Lookups are matched by slug, every other row keeps
its primary key, so links between rows survive. Timestamps keep their microseconds.
"""

import datetime
import json

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from catalogue.models import Lookup, Outcome, Programme, Study
from catalogue.services import refresh_search_documents

FORMAT = "evidence-guidebook-catalogue"
VERSION = 1
APPS = ("catalogue", "reviews")


class ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but datetimes keep their microseconds (it rounds them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


# Derived tables the import rebuilds (refresh_search_documents) rather than copies.
DERIVED = {"catalogue.searchword", "catalogue.programmeoutcome"}


def catalogue_models():
    """Every model of the catalogue and reviews apps but the derived ones, in an order that loads (lookups first)."""
    configs = [(apps.get_app_config(label), None) for label in APPS if apps.is_installed(label)]
    models = serializers.sort_dependencies(configs, allow_cycles=True)
    return [model for model in models if model._meta.label_lower not in DERIVED]


def export_catalogue() -> dict:
    """The whole catalogue as a JSON-ready dict."""
    objects = []
    for model in catalogue_models():
        queryset = model._base_manager.order_by(model._meta.pk.name)
        objects += serializers.serialize(
            "python", queryset, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
    users = list(get_user_model().objects.order_by("username").values("username", "email", "first_name", "last_name"))
    return {"format": FORMAT, "version": VERSION, "users": users, "objects": objects}


def dumps(data: dict) -> str:
    return json.dumps(data, cls=ExactEncoder, indent=1, sort_keys=True)


class ImportRefused(Exception):
    pass


def check_field_values(obj) -> None:
    """The model's field rules for one deserialised row: web-only links, text lengths, number ranges.

    Deserialising skips full_clean(), so a hand-edited file could carry a javascript: link that a
    page would then render; the database constraints catch most, this names the row and field.
    Relations and uniqueness are left to the database: checking them here would query per row.
    """
    instance = obj.object
    for field in instance._meta.concrete_fields:
        if field.is_relation:
            continue
        value = getattr(instance, field.attname)
        if value in field.empty_values:
            continue
        try:
            field.run_validators(value)
        except ValidationError as error:
            label = instance._meta.label
            raise ImportRefused(f"{label} {instance.pk}, field “{field.name}”: {' '.join(error.messages)}") from None


@transaction.atomic
def import_catalogue(*, data: dict) -> int:
    """Load an export into a database whose catalogue is empty; returns the number of rows.

    All or nothing: any failure rolls the whole load back.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        raise ImportRefused(f"Not a catalogue export (expected format {FORMAT!r} version {VERSION}).")
    if Programme.objects.exists() or Study.objects.exists() or Outcome.objects.exists():
        raise ImportRefused("The catalogue in this database is not empty: import into a freshly migrated database.")
    user_model = get_user_model()
    existing = set(user_model.objects.values_list("username", flat=True))
    for user in data["users"]:
        if user["username"] not in existing:
            account = user_model(**user, is_active=False)
            account.set_unusable_password()
            account.save()
    count = 0
    deferred = []
    # FKs are checked at commit on both backends, so rows may arrive before what they point at.
    for obj in serializers.deserialize("python", data["objects"], handle_forward_references=True):
        check_field_values(obj)
        obj.save()
        count += 1
        if obj.deferred_fields:
            deferred.append(obj)
    for obj in deferred:
        obj.save_deferred_fields()
    # Rows kept their primary keys, so PostgreSQL's sequences must move past them.
    models = [model for model in catalogue_models() if not issubclass(model, Lookup)]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    # PostgreSQL's search vector is not in the file: rebuild the index so search works at once.
    # (The computed rating is a column of the file, so it arrives as it was exported.)
    refresh_search_documents()
    return count

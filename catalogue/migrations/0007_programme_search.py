"""Search text for programmes, and on PostgreSQL the pg_trgm extension and GIN indexes that serve it.

The same migration runs on SQLite: TrigramExtension is a no-op there, and the index SQL runs only
when the database is PostgreSQL.
"""

import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

from catalogue.search import SEARCH_CONFIG, build_search_document

INDEXES = {
    # Serves `search_vector @@ websearch_to_tsquery(...)`.
    "catalogue_programme_search_vector_gin": "USING gin (search_vector)",
    # Serve the typo-tolerant `<%` (word similarity) fallback and name look-ups.
    "catalogue_programme_search_document_trgm": "USING gin (search_document gin_trgm_ops)",
    "catalogue_programme_name_trgm": "USING gin (name gin_trgm_ops)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, using in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON catalogue_programme {using}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def fill_search_documents(apps, schema_editor):
    Programme = apps.get_model("catalogue", "Programme")
    Finding = apps.get_model("catalogue", "Finding")
    names = {}
    for programme_id, outcome_name, label in Finding.objects.values_list(
        "study__programme_id", "outcome__name", "outcome_label"
    ):
        names.setdefault(programme_id, []).extend(n for n in (outcome_name, label) if n)
    rows = list(Programme.objects.all())
    for programme in rows:
        programme.search_document = build_search_document(
            name=programme.name,
            acronym=programme.acronym,
            summary=programme.summary,
            description=programme.description,
            outcome_names=names.get(programme.pk, []),
        )
    Programme.objects.bulk_update(rows, ["search_document"], batch_size=500)
    if schema_editor.connection.vendor == "postgresql":
        Programme.objects.update(
            search_vector=SearchVector("name", "acronym", weight="A", config=SEARCH_CONFIG)
            + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
            + SearchVector("search_document", weight="C", config=SEARCH_CONFIG)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0006_roles"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="programme",
            name="search_document",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="Name, acronym, summary, description and outcome names, kept current when the programme "
                "or its studies are saved in the admin.",
            ),
        ),
        migrations.AddField(
            model_name="programme",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
        migrations.RunPython(fill_search_documents, migrations.RunPython.noop),
    ]

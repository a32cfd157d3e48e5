"""Search that is fast, ranked and typo-tolerant on both databases (catalogue/search.py).

- `SearchWord`: the distinct words of the published programmes' search text, for spelling
  correction; on PostgreSQL with a GIN trigram index.
- SQLite only: the FTS5 table `catalogue_programme_fts` (name and acronym, summary, the whole
  document; porter stemming), created here because Django has no model for a virtual table.
- `ProgrammeOutcome`: which programmes have which headline outcomes, for the outcome and domain
  filters and their counts.
- Partial indexes on published programmes, which every public list and facet count starts from:
  one in name order (the list's default sort) and one holding the facet columns, so the counts
  read the index alone.

Each step checks `schema_editor.connection.vendor`, so the same migration runs on both databases.
"""

import django.db.models.deletion
from django.db import migrations, models

from catalogue.search import FTS_TABLE, indexed_words

PUBLISHED = "status = 'published'"
POSTGRESQL_SQL = [
    ("catalogue_searchword_word_trgm", "CREATE INDEX {name} ON catalogue_searchword USING gin (word gin_trgm_ops)"),
    ("catalogue_programme_published_name", f"CREATE INDEX {{name}} ON catalogue_programme (name, id) WHERE {PUBLISHED}"),
    (
        "catalogue_programme_published_facets",
        "CREATE INDEX {name} ON catalogue_programme (id) "
        f"INCLUDE (evidence_level, cost_rating, uk_provision, uk_evaluation) WHERE {PUBLISHED}",
    ),
]
SQLITE_SQL = [
    (FTS_TABLE, "CREATE VIRTUAL TABLE {name} USING fts5(name, summary, body, tokenize='porter unicode61 remove_diacritics 2')"),
    ("catalogue_programme_published_name", f"CREATE INDEX {{name}} ON catalogue_programme (name, id) WHERE {PUBLISHED}"),
    (
        "catalogue_programme_published_facets",
        "CREATE INDEX {name} ON catalogue_programme (id, evidence_level, cost_rating, uk_provision, uk_evaluation) "
        f"WHERE {PUBLISHED}",
    ),
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name, sql in {"postgresql": POSTGRESQL_SQL, "sqlite": SQLITE_SQL}.get(vendor, []):
        schema_editor.execute(sql.format(name=name))
    fill(apps, schema_editor)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name, _ in {"postgresql": POSTGRESQL_SQL, "sqlite": SQLITE_SQL}.get(vendor, []):
        kind = "TABLE" if name == FTS_TABLE else "INDEX"
        schema_editor.execute(f"DROP {kind} IF EXISTS {name}")


def fill(apps, schema_editor):
    # What catalogue.services.refresh_search_documents keeps current, for the rows already there.
    Programme = apps.get_model("catalogue", "Programme")
    SearchWord = apps.get_model("catalogue", "SearchWord")
    words = set()
    rows = Programme.objects.values_list("pk", "name", "acronym", "summary", "search_document", "status")
    fts_rows = []
    for pk, name, acronym, summary, document, status in rows.iterator():
        if status == "published":
            words |= indexed_words(document)
        fts_rows.append((pk, f"{name} {acronym}", summary, document))
    SearchWord.objects.bulk_create([SearchWord(word=w, length=len(w)) for w in words], batch_size=1000)
    Finding = apps.get_model("catalogue", "Finding")
    ProgrammeOutcome = apps.get_model("catalogue", "ProgrammeOutcome")
    pairs = Finding.objects.filter(is_headline=True, study__programme__isnull=False).values_list(
        "study__programme_id", "outcome_id"
    )
    ProgrammeOutcome.objects.bulk_create(
        [ProgrammeOutcome(programme_id=p, outcome_id=o) for p, o in set(pairs)], batch_size=1000
    )
    if schema_editor.connection.vendor == "sqlite" and fts_rows:
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {FTS_TABLE} (rowid, name, summary, body) VALUES (%s, %s, %s, %s)", fts_rows)


def grant(apps, schema_editor):
    # The new models' permissions for the analyst and publisher groups (catalogue.roles).
    from catalogue.roles import grant_role_permissions

    grant_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0016_crosswalk"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=40, unique=True)),
                ("length", models.PositiveSmallIntegerField()),
            ],
            options={
                "ordering": ["word"],
            },
        ),
        migrations.CreateModel(
            name="ProgrammeOutcome",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "outcome",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="catalogue.outcome"
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="catalogue.programme"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["outcome", "programme"], name="catalogue_progoutcome_outcome")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("programme", "outcome"),
                        name="catalogue_programmeoutcome_once",
                        violation_error_message="A programme has each outcome once.",
                    )
                ],
            },
        ),
        migrations.RunPython(create, drop, elidable=False),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]

"""Derived data, kept current by every write path: the search index and the computed rating.

Each function is keyword-only (but for the index refresh, which takes ids) and atomic. The admin,
imports, the workflow and the management commands call these; nothing runs from a signal, so a
new write path must call `refresh_derived_data` for the programmes it touched.

Each also marks the catalogue changed (catalogue.cache.catalogue_changed), so cached public pages
are stale from that write on, whichever entry point made it.
"""

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Prefetch

from .cache import catalogue_changed
from .evidence import assess
from .models import Finding, Programme, ProgrammeOutcome, PublicationStatus, SearchWord, Study
from .search import FTS_TABLE, SEARCH_CONFIG, build_search_document, indexed_words


def _with_evidence(queryset):
    # Everything evidence.assess reads, in three queries whatever the number of studies.
    findings = Finding.objects.select_related("outcome")
    return queryset.prefetch_related(
        Prefetch("studies", queryset=Study.objects.prefetch_related(Prefetch("findings", queryset=findings)))
    )


def supported_rating(*, programme: Programme) -> str:
    """The evidence rating ``programme``'s study records support ("3+", "NL2"...), read afresh.

    Reads the saved studies and findings (not any prefetched copy), whatever ``programme``'s own
    unsaved values: a pending revision never changes studies. Writes nothing.
    """
    return assess(_with_evidence(Programme.objects.filter(pk=programme.pk)).get()).rating


@transaction.atomic
def recompute_programme_rating(*, programme: Programme) -> str:
    """Recompute and store the evidence rating ``programme``'s study records support.

    Reads the studies and findings afresh (not any prefetched copy), so call it after the
    write that changed them. Stores ``computed_evidence_rating`` with a single-column update,
    leaving every other field and ``updated_at`` alone, and returns the rating.
    """
    rating = supported_rating(programme=programme)
    Programme.objects.filter(pk=programme.pk).update(computed_evidence_rating=rating)
    catalogue_changed()
    programme.computed_evidence_rating = rating
    programme.__dict__.pop("assessment", None)  # the cached assessment may predate the write
    return rating


def _with_rating_inputs(queryset):
    # The columns evidence.assess reads and no more: the narrative text of thousands of studies and
    # findings would otherwise dominate a batch's memory.
    findings = Finding.objects.select_related("outcome").only(
        "study_id", "significant", "direction", "months_after_end", "outcome__domain"
    )
    studies = Study.objects.only(
        "programme_id",
        "number",
        "citation_label",
        "design",
        "rating",
        "rigorously_conducted",
        "measures_independent",
        "independent_of_developer",
    ).prefetch_related(Prefetch("findings", queryset=findings))
    return queryset.prefetch_related(Prefetch("studies", queryset=studies))


def _batches(ids, size):
    ids = sorted({pk for pk in ids if pk is not None})
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@transaction.atomic
def recompute_programme_ratings(*, programme_ids, batch_size=500) -> int:
    """Recompute the stored rating of these programmes, ``batch_size`` at a time; returns how many changed.

    Each batch loads only its own programmes' studies and findings (three queries) and writes the
    changed ratings with one bulk update, so memory stays flat whatever the size of the catalogue
    (loading every finding at once took 1.37 GB at 10,000 programmes).
    """
    catalogue_changed()
    changed = 0
    for batch in _batches(programme_ids, batch_size):
        programmes = _with_rating_inputs(Programme.objects.filter(pk__in=batch).only("computed_evidence_rating"))
        stale = []
        for programme in programmes:
            rating = assess(programme).rating
            if rating != programme.computed_evidence_rating:
                programme.computed_evidence_rating = rating
                stale.append(programme)
        # bulk_update leaves updated_at alone (no save()), as a derived column should.
        Programme.objects.bulk_update(stale, ["computed_evidence_rating"], batch_size=batch_size)
        changed += len(stale)
    return changed


def recompute_all_programme_ratings(*, batch_size=500) -> int:
    """Recompute the stored rating of every programme (after a bulk load); returns how many changed."""
    return recompute_programme_ratings(
        programme_ids=Programme.objects.values_list("pk", flat=True), batch_size=batch_size
    )


@transaction.atomic
def refresh_search_documents(programme_ids=None) -> None:
    """Recompute the search index of these programmes, or of all: `search_document`, on PostgreSQL
    `search_vector`, on SQLite the FTS5 row, the spelling-correction words (`SearchWord`), and
    which headline outcomes each programme has (`ProgrammeOutcome`, for the list's filters).

    Bulk updates, so it neither bumps `updated_at` nor writes a history record: this is derived data.
    The word table only grows here (a published programme's words are added); a full refresh
    rebuilds it, dropping words no published programme uses any more. A stale word is harmless: a
    correction to it finds nothing, so no suggestion is shown.
    """
    catalogue_changed()
    programmes = Programme.objects.all()
    if programme_ids is not None:
        programmes = programmes.filter(pk__in=list(programme_ids))
    outcome_names: dict[int, list[str]] = {}
    headline_outcomes = set()
    findings = Finding.objects.filter(study__programme__in=programmes).values_list(
        "study__programme_id", "outcome_id", "outcome__name", "outcome_label", "is_headline"
    )
    for programme_id, outcome_id, outcome_name, outcome_label, is_headline in findings:
        outcome_names.setdefault(programme_id, []).extend(n for n in (outcome_name, outcome_label) if n)
        if is_headline:
            headline_outcomes.add((programme_id, outcome_id))
    rows = list(programmes.only("pk", "name", "acronym", "summary", "description", "status"))
    for programme in rows:
        programme.search_document = build_search_document(
            name=programme.name,
            acronym=programme.acronym,
            summary=programme.summary,
            description=programme.description,
            outcome_names=outcome_names.get(programme.pk, []),
        )
    Programme.objects.bulk_update(rows, ["search_document"], batch_size=500)
    if connection.vendor == "postgresql":
        Programme.objects.filter(pk__in=[p.pk for p in rows]).update(
            search_vector=SearchVector("name", "acronym", weight="A", config=SEARCH_CONFIG)
            + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
            + SearchVector("search_document", weight="C", config=SEARCH_CONFIG)
        )
    elif connection.vendor == "sqlite":
        _write_fts_rows(rows, everything=programme_ids is None)
    _add_search_words(rows, everything=programme_ids is None)
    # Which programmes have which outcomes, as `filters.headline_findings()` defines it.
    stale = ProgrammeOutcome.objects.all()
    if programme_ids is not None:
        stale = stale.filter(programme__in=[p.pk for p in rows])
    stale.delete()
    ProgrammeOutcome.objects.bulk_create(
        [ProgrammeOutcome(programme_id=p, outcome_id=o) for p, o in sorted(headline_outcomes)], batch_size=1000
    )


def _write_fts_rows(rows, *, everything) -> None:
    # The FTS5 table has no model: Django cannot describe a virtual table (migration 0015 creates it).
    # Its name is a constant; every value is a parameter.
    with connection.cursor() as cursor:
        if everything:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
        else:
            for batch in _batches([p.pk for p in rows], 500):
                placeholders = ", ".join(["%s"] * len(batch))
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({placeholders})", batch)  # noqa: S608
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, name, summary, body) VALUES (%s, %s, %s, %s)",  # noqa: S608
            [(p.pk, f"{p.name} {p.acronym}", p.summary, p.search_document) for p in rows],
        )


def _add_search_words(rows, *, everything) -> None:
    # Drafts' words stay out: a spelling suggestion must never name something unpublished.
    words = set()
    for programme in rows:
        if programme.status == PublicationStatus.PUBLISHED:
            words |= indexed_words(programme.search_document)
    if everything:
        SearchWord.objects.all().delete()
    SearchWord.objects.bulk_create(
        [SearchWord(word=word, length=len(word)) for word in sorted(words)], batch_size=1000, ignore_conflicts=True
    )


@transaction.atomic
def refresh_derived_data(*, programme_ids) -> None:
    """Bring the search index and computed rating of these programmes up to date after a write
    to them or to their studies and findings (ids may repeat or be None: those are skipped)."""
    catalogue_changed()  # whatever the ids: the caller wrote something the public may see
    ids = sorted({pk for pk in programme_ids if pk is not None})
    if not ids:
        return
    refresh_search_documents(ids)
    for programme in Programme.objects.filter(pk__in=ids).only("pk"):
        recompute_programme_rating(programme=programme)

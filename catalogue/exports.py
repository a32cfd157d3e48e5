"""The programme list as CSV: one row per programme, the columns a commissioner needs."""

import csv

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from . import display
from .models import EvidenceLevel

COLUMNS = [
    "Name",
    "Acronym",
    "URL",
    "Evidence rating",
    "Evidence rating meaning",
    "Source classification (not our rating)",
    "Why the rating differs from the recorded studies",
    "Cost rating",
    "Summary",
    "Age groups",
    "Levels of need",
    "Delivery models",
    "Settings",
    "Countries where implemented",
    "Implemented in the UK",
    "Evaluated in the UK",
    "Child outcome domains",
    "Last reviewed",
]
# Spreadsheet programs run a cell starting with these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as text, prefixed with ' when a spreadsheet would otherwise treat it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def programme_row(programme, build_absolute_uri) -> list[str]:
    level = programme.evidence_level
    row = [
        programme.name,
        programme.acronym,
        build_absolute_uri(programme.get_absolute_url()),
        programme.evidence_rating or "Not yet rated",
        EvidenceLevel(level).label if level is not None else "",
        # What a source says about a programme we have not rated: its words, never ours (needs the prefetch).
        "; ".join(c.label for c in programme.source_classifications.all()) if level is None else "",
        # A publisher's note, published with a rating assess() does not reproduce (catalogue.workflow).
        programme.rating_difference_explained,
        programme.cost_rating_code,
        programme.summary,
        "; ".join(str(x) for x in programme.age_groups.all()),
        "; ".join(str(x) for x in programme.levels_of_need.all()),
        "; ".join(str(x) for x in programme.delivery_models.all()),
        "; ".join(str(x) for x in programme.settings.all()),
        "; ".join(str(x) for x in programme.countries.all()),
        display.yes_no_unknown(programme.uk_provision, yes="Yes", no="No"),
        display.yes_no_unknown(programme.uk_evaluation, yes="Yes", no="No"),
        "; ".join(display.outcome_domain_labels_from_flags(programme)),
        programme.last_reviewed_on.isoformat() if programme.last_reviewed_on else "",
    ]
    return [safe_cell(cell) for cell in row]


class _Echo:
    """A file whose write() hands back what it was given, so csv.writer formats one row at a time."""

    def write(self, value):
        return value


ROWS_PER_CHUNK = 200  # about 60 KB of CSV: few enough writes to the socket, little held in memory


def csv_stream(columns, rows):
    """The CSV text of `columns` then `rows` (cells already made safe), in chunks of ROWS_PER_CHUNK rows.

    The header goes first, before any row is read, so the download starts at once however long the list.
    """
    writer = csv.writer(_Echo())
    # A byte-order mark so Excel reads the pound signs and dashes as UTF-8.
    yield "\ufeff" + writer.writerow(columns)
    chunk = []
    for row in rows:
        chunk.append(writer.writerow(row))
        if len(chunk) == ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def csv_response(stream, filename: str) -> StreamingHttpResponse:
    """A streamed CSV download of `stream` (csv_stream's chunks) named `filename`."""
    return StreamingHttpResponse(
        stream,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


CHUNK_SIZE = 500  # programmes read (and prefetched) per query: memory stays flat at any catalogue size


def programmes_csv_response(programmes, request) -> StreamingHttpResponse:
    """A streamed CSV download of `programmes` (already filtered, sorted and prefetched with for_csv(), or
    a list such as the compared programmes). A queryset is read CHUNK_SIZE rows at a time, each chunk with
    its own prefetches, so neither the rows nor the file are ever all in memory."""
    if isinstance(programmes, QuerySet):
        programmes = programmes.iterator(chunk_size=CHUNK_SIZE)
    rows = (programme_row(programme, request.build_absolute_uri) for programme in programmes)
    filename = f"evidence-guidebook-programmes-{timezone.localdate().isoformat()}.csv"
    return csv_response(csv_stream(COLUMNS, rows), filename)

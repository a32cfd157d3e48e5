"""The bulk download: every table as CSV and all of them as one JSON file, with the data dictionary, the
licence and how to cite, zipped. Built by `manage.py build_open_data` or on the first request after the
catalogue changes, and kept until it changes again: the file is named by a version computed from when
the catalogue last changed and how many records it holds, so no write path needs a hook."""

import csv
import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q

from ..api.querysets import last_catalogue_change
from ..models import Finding, Programme, PublicationStatus
from .tables import LIST_SEPARATOR, tables

LICENCE = "Open Government Licence v3.0 (https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/)"
FILENAME = "evidence-guidebook-open-data.zip"


@dataclass(frozen=True)
class Snapshot:
    """One built download: where it is, the catalogue version it holds, when that was, and its checksum."""

    path: Path
    version: str
    taken_at: datetime | None
    sha256: str
    size: int

    @property
    def citation(self) -> str:
        return citation(self.taken_at)


def citation(taken_at) -> str:
    date = taken_at.date().isoformat() if taken_at else "undated"
    return f"{settings.SITE_NAME} open data, snapshot of {date}. Licensed under the {LICENCE}."


def catalogue_version() -> tuple[str, datetime | None]:
    """A short fingerprint of the public catalogue: when it last changed, and how many records it holds
    (a deletion moves no timestamp, but it changes a count)."""
    changed = last_catalogue_change()
    review_model = Programme._meta.get_field("reviews").related_model
    counts = Programme.objects.aggregate(
        published=Count("pk", filter=Q(status=PublicationStatus.PUBLISHED)), all=Count("pk")
    )
    counts["findings"] = Finding.objects.count()
    counts["reviews"] = review_model.objects.filter(status=PublicationStatus.PUBLISHED).count()
    text = f"{changed.isoformat() if changed else ''}|{sorted(counts.items())}"
    return hashlib.sha256(text.encode()).hexdigest()[:16], changed


def data_dir() -> Path:
    return Path(settings.OPEN_DATA_DIR)


def current_snapshot(*, build: bool = True) -> Snapshot | None:
    """The download for the catalogue as it is now, built first when it is missing (unless `build` is off)."""
    version, changed = catalogue_version()
    path = data_dir() / f"open-data-{version}.zip"
    if not path.exists():
        if not build:
            return None
        build_snapshot(path, changed)
    checksum_file = path.with_suffix(".sha256")
    digest = checksum_file.read_text().split()[0] if checksum_file.exists() else _sha256(path)
    return Snapshot(path, version, changed, digest, path.stat().st_size)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def build_snapshot(path: Path, taken_at) -> None:
    """Write the zip to `path` (atomically), its checksum beside it, and remove older snapshots."""
    path.parent.mkdir(parents=True, exist_ok=True)
    records = {table.name: table.records() for table in tables()}
    temporary = path.with_suffix(".part")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables():
            archive.writestr(f"{table.name}.csv", to_csv(table, records[table.name]))
        archive.writestr("evidence-guidebook.json", to_json(records, taken_at))
        archive.writestr("data-dictionary.csv", dictionary_csv())
        archive.writestr("README.txt", readme(taken_at))
    os.replace(temporary, path)
    path.with_suffix(".sha256").write_text(f"{_sha256(path)}  {FILENAME}\n")
    for old in path.parent.glob("open-data-*"):
        if old.stem != path.stem:
            old.unlink(missing_ok=True)


def csv_value(value) -> str:
    """A JSON value as a CSV cell: lists joined with "; ", true/false, empty for null. No formula
    escaping: these are data files, reloaded exactly (a leading "-" is a negative number)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


def to_csv(table, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    names = [column["name"] for column in table.columns()]
    writer.writerow(names)
    for row in rows:
        writer.writerow([csv_value(row[name]) for name in names])
    return out.getvalue()


def to_json(records, taken_at) -> str:
    document = {
        "snapshot": taken_at.isoformat() if taken_at else None,
        "licence": LICENCE,
        "citation": citation(taken_at),
        "dictionary": {table.name: table.columns() for table in tables()},
        "tables": records,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)


def dictionary_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["file", "column", "meaning", "type", "units", "allowed values", "may be empty"])
    for table in tables():
        for column in table.columns():
            allowed = "; ".join(f"{value} = {label}" for value, label in column["allowed_values"])
            writer.writerow(
                [
                    f"{table.name}.csv",
                    column["name"],
                    column["meaning"],
                    column["type"],
                    column["units"],
                    allowed,
                    "yes" if column["empty_allowed"] else "no",
                ]
            )
    return out.getvalue()


def readme(taken_at) -> str:
    files = "\n".join(f"- {table.name}.csv: {table.description}" for table in tables())
    return (
        f"{settings.SITE_NAME}: the whole published catalogue.\n\n"
        f"How to cite: {citation(taken_at)}\n\n"
        f"Files:\n{files}\n- evidence-guidebook.json: every table above, with the data dictionary.\n"
        "- data-dictionary.csv: every column's meaning, type, units and allowed values.\n\n"
        "Records are linked by slugs (programmes, outcomes, reviews) and a study by its programme's slug and its\n"
        "number. Published records only: drafts, records in review and archived ones are never included.\n"
    )

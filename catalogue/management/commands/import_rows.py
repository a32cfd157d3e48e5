"""`manage.py import_rows study FILE --user ana`: the admin's bulk import, for files too large to upload.

Every row goes through the same resource as the admin import (catalogue/resources.py): the same
columns, the model's full_clean(), the publisher-only rule for published pages, and all or
nothing: a file with any invalid row imports nothing and every error is listed with its row
and column.
"""

from pathlib import Path

import tablib
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from catalogue.resources import FindingResource, PublicationResource, StudyResource

RESOURCES = {"study": StudyResource, "publication": PublicationResource, "finding": FindingResource}
FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


def result_messages(result) -> list[str]:
    """Every problem in an import result, one line each, naming the row and column where there is one."""
    lines = [str(error.error) for error in result.base_errors]
    for number, errors in result.row_errors():
        lines += [f"Row {number}: {error.error}" for error in errors]
    for row in result.invalid_rows:
        for column, messages in row.error_dict.items():
            for message in messages:
                where = f"Row {row.number}" if column == "__all__" else f"Row {row.number}, column “{column}”"
                lines.append(message if message.startswith("Row ") else f"{where}: {message}")
    return lines


class Command(BaseCommand):
    help = "Import studies, publications or findings from a CSV or Excel file, as the admin import does."

    def add_arguments(self, parser):
        parser.add_argument("model", choices=sorted(RESOURCES), help="What the file holds.")
        parser.add_argument("path", help="A .csv (UTF-8) or .xlsx file with the import template's columns.")
        parser.add_argument(
            "--user",
            required=True,
            help="The staff user the import runs as: their role decides whether rows may change a published "
            "programme's page, as in the admin.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every row and report; write nothing.")

    def handle(self, *args, model, path, user, dry_run, **options):
        account = get_user_model().objects.filter(username=user, is_active=True, is_staff=True).first()
        if account is None:
            raise CommandError(f"No active staff user “{user}”.")
        if not account.has_perm(f"catalogue.add_{model}"):
            raise CommandError(f"{user} may not import {model} rows (needs the add permission, as in the admin).")
        dataset = self.read(Path(path))
        result = RESOURCES[model]().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            user=account,
            max_rows=None,  # no admin row limit here
        )
        problems = result_messages(result)
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"Nothing imported: {len(problems)} problem(s) in {path}, listed above.")
        totals = ", ".join(f"{count} {kind}" for kind, count in result.totals.items() if count)
        verb = "Checked (dry run, nothing written)" if dry_run else "Imported"
        self.stdout.write(f"{verb} {len(dataset)} rows from {path}: {totals or 'no changes'}.")

    def read(self, path: Path) -> tablib.Dataset:
        file_format = FORMATS.get(path.suffix.lower())
        if file_format is None:
            raise CommandError(f"{path.name}: use a .csv or .xlsx file.")
        try:
            content = path.read_bytes()
            if file_format == "csv":
                content = content.decode("utf-8-sig")
            return tablib.Dataset().load(content, format=file_format)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Could not read {path}: {error}") from None
        except Exception as error:  # tablib and openpyxl raise many kinds for a damaged file
            raise CommandError(f"Could not read {path} as {file_format.upper()}: {error}") from None

"""`manage.py import_catalogue catalogue.json`: load an export_catalogue file into an empty, migrated database."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.exchange import ImportRefused, import_catalogue


class Command(BaseCommand):
    help = "Load a file written by export_catalogue into a freshly migrated database (SQLite or PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            count = import_catalogue(data=data)
        except (OSError, ValueError, ImportRefused) as error:
            raise CommandError(f"Nothing imported: {error}") from None
        self.stdout.write(f"Imported {count} rows from {path}.")

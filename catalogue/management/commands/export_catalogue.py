"""`manage.py export_catalogue catalogue.json`: the whole catalogue, history included, as one JSON file."""

from pathlib import Path

from django.core.management.base import BaseCommand

from catalogue.exchange import dumps, export_catalogue


class Command(BaseCommand):
    help = "Write the whole catalogue (and reviews), with its audit history, to a JSON file for import_catalogue."

    def add_arguments(self, parser):
        parser.add_argument("path", help="File to write, e.g. catalogue-export.json.")

    def handle(self, *args, path, **options):
        data = export_catalogue()
        Path(path).write_text(dumps(data), encoding="utf-8")
        self.stdout.write(f"Exported {len(data['objects'])} rows to {path}.")

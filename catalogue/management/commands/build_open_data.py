"""Builds the bulk download (/data/) for the catalogue as it is now, so the first visitor after a publish
does not wait for it. Safe to run on a schedule: it does nothing when the current snapshot exists."""

from django.core.management.base import BaseCommand

from catalogue.opendata.build import current_snapshot


class Command(BaseCommand):
    help = "Build the open-data zip (CSV, JSON, data dictionary) for the published catalogue, if not built yet."

    def handle(self, *args, **options):
        snapshot = current_snapshot()
        self.stdout.write(f"{snapshot.path} ({snapshot.size} bytes), sha256 {snapshot.sha256}")

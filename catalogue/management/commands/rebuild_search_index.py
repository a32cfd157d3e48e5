"""Recompute every programme's search text, e.g. after `loaddata` (which bypasses the admin's refresh)."""

from django.core.management.base import BaseCommand

from catalogue.models import Programme
from catalogue.services import refresh_search_documents


class Command(BaseCommand):
    help = "Recompute the search text of every programme (run after loading fixtures)."

    def handle(self, *args, **options):
        refresh_search_documents()
        count = Programme.objects.count()
        self.stdout.write(f"Search text rebuilt for {count} programme{'' if count == 1 else 's'}.")

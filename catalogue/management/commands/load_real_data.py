"""Load the real data from fixtures/ into an empty catalogue: what `make run` calls on every start.

Loading only into an empty catalogue keeps `make run` safe to repeat: an analyst's local edits
(a published rating, an edited study) survive the next start. `--force` reloads over them.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from catalogue.models import Programme
from catalogue.workflow import record_first_publications


class Command(BaseCommand):
    help = (
        "Load fixtures/*.json when the catalogue is empty (or always, with --force), then derive what loaddata skips."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Reload the fixtures even over existing rows (undoes local edits)."
        )

    def handle(self, *args, force=False, **options):
        existing = Programme.objects.count()
        if existing and not force:
            self.stdout.write(
                f"The catalogue already holds {existing} programmes, so the real data was not reloaded "
                "and your local edits are kept. To reload it: .venv/bin/python manage.py load_real_data --force"
            )
            # A catalogue loaded before first publications were recorded gets them now (nothing else changes).
            if recorded := record_first_publications():
                self.stdout.write(f"Recorded the first publication of {recorded} published records for the feeds.")
            return
        fixtures = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
        with transaction.atomic():
            # Alphabetical order loads catalogue.json before reviews.json, which cites its studies.
            call_command("loaddata", *fixtures, verbosity=options["verbosity"])
            # loaddata writes rows raw, skipping save(): derive what save() and the admin would have.
            call_command("recompute_evidence", verbosity=options["verbosity"])
            call_command("rebuild_search_index", verbosity=options["verbosity"])
            # The real pages arrive published: their first publication, on its real date, starts the feeds.
            record_first_publications()
            # A baseline history record per row, so an analyst's first edit shows what it changed.
            call_command("populate_history", auto=True, verbosity=0)
        self.stdout.write(f"Loaded the real data: {Programme.objects.count()} programmes.")

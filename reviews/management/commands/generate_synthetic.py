"""Fill a database with synthetic published programmes, studies, findings, collections and reviews.

    manage.py generate_synthetic --programmes 10000 --seed 1     # add 10,000 (numbered after any there)
    manage.py generate_synthetic --delete                        # remove every synthetic row, nothing else

For load tests and benchmarks only. It refuses a database holding real published programmes or reviews
unless --force, so synthetic rows never mix with a real catalogue by accident. Lives in `reviews`
because it makes both apps' rows (reviews builds on catalogue, never the reverse).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import reset_queries, transaction

from catalogue.models import Programme
from catalogue.services import recompute_programme_ratings, refresh_search_documents
from catalogue.synthetic import (
    CatalogueGenerator,
    add_collections,
    delete_synthetic_catalogue,
    next_collection_number,
    next_programme_number,
)
from reviews.models import Review
from reviews.synthetic import add_reviews, delete_synthetic_reviews, next_review_number


class Progress:
    """A plain-text progress bar on stderr: redrawn in place on a terminal, one line per step otherwise."""

    def __init__(self, stream, total: int, label: str):
        self.stream, self.total, self.label = stream, total, label
        self.started = time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def update(self, done: int, note: str = "") -> None:
        width = 30
        filled = width * done // max(self.total, 1)
        elapsed = time.monotonic() - self.started
        line = f"{self.label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{self.total:,} {elapsed:6.1f} s {note}"
        self.stream.write(("\r" + line.ljust(100)) if self.tty else line + "\n", ending="")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n", ending="")


class Command(BaseCommand):
    help = "Add N synthetic published programmes (with studies, findings, collections, reviews), or --delete them."

    def add_arguments(self, parser):
        parser.add_argument("--programmes", type=int, default=0, help="How many synthetic programmes to add.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed makes the same rows (default 1).")
        parser.add_argument("--batch-size", type=int, default=500, help="Programmes per transaction (default 500).")
        parser.add_argument(
            "--force", action="store_true", help="Add synthetic rows even where real published records exist."
        )
        parser.add_argument(
            "--delete", action="store_true", help="First remove every synthetic row (real rows are never touched)."
        )

    def handle(self, *args, programmes, seed, batch_size, force, delete, **options):
        if programmes < 0 or batch_size < 1:
            raise CommandError("--programmes must be 0 or more and --batch-size at least 1.")
        if not programmes and not delete:
            raise CommandError("Say how many: --programmes N (or --delete to remove synthetic data).")
        if delete:
            with transaction.atomic():
                reviews = delete_synthetic_reviews()
                counts = delete_synthetic_catalogue()
            self.stdout.write(
                f"Deleted {counts['programmes']:,} synthetic programmes, {counts['collections']:,} collections "
                f"and {reviews:,} reviews."
            )
        if programmes:
            self._refuse_real_data(force)
            self._generate(programmes, seed, batch_size)

    def _refuse_real_data(self, force: bool) -> None:
        real_programmes = Programme.objects.published().filter(is_synthetic=False).count()
        real_reviews = Review.objects.published().filter(is_synthetic=False).count()
        if (real_programmes or real_reviews) and not force:
            raise CommandError(
                f"This database holds {real_programmes} real published programmes and {real_reviews} real "
                "published reviews. Synthetic data is for load-test databases; add --force to mix them anyway."
            )

    def _generate(self, count: int, seed: int, batch_size: int) -> None:
        started = time.monotonic()
        generator = CatalogueGenerator(seed=seed)
        first = next_programme_number()
        numbers = list(range(first, first + count))
        progress = Progress(self.stderr, count, "programmes")
        new_ids = []
        for start in range(0, count, batch_size):
            with transaction.atomic():
                new_ids += generator.add_programmes(numbers[start : start + batch_size])
            reset_queries()  # with DEBUG on, Django keeps every (very long) INSERT statement otherwise
            progress.update(len(new_ids))
        progress.finish()
        with transaction.atomic():
            collection_ids = add_collections(programme_ids=new_ids, seed=seed, first_number=next_collection_number())
            review_ids = add_reviews(programme_ids=new_ids, seed=seed, first_number=next_review_number())
        generated = time.monotonic() - started
        progress = Progress(self.stderr, count, "derived data")
        for start in range(0, count, batch_size):
            batch = new_ids[start : start + batch_size]
            with transaction.atomic():
                refresh_search_documents(batch)
                recompute_programme_ratings(programme_ids=batch, batch_size=batch_size)
            reset_queries()
            progress.update(min(start + batch_size, count))
        progress.finish()
        self.stdout.write(
            f"Added {count:,} synthetic programmes, {len(collection_ids):,} collections and {len(review_ids):,} "
            f"reviews (seed {seed}) in {time.monotonic() - started:.1f} s "
            f"({generated:.1f} s inserting, the rest search text and ratings)."
        )

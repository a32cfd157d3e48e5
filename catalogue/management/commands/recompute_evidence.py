"""Recompute every finding's effect size and every programme's supported rating, e.g. after loaddata."""

from django.core.management.base import BaseCommand
from django.db import transaction

from catalogue.models import Finding
from catalogue.services import recompute_all_programme_ratings

COMPUTED_FIELDS = [
    "effect_source",
    "effect_formula",
    "effect_size_type",
    "effect_size",
    "ci_low",
    "ci_high",
    "improvement_index",
]


class Command(BaseCommand):
    help = "Recompute findings' effect sizes and improvement indices, then programmes' supported ratings."

    @transaction.atomic
    def handle(self, *args, **options):
        # loaddata writes rows raw, bypassing Finding.save(), so the computed fields need a pass.
        # Updates go through update() so that "last updated" keeps meaning "last edited by a person".
        findings_changed = 0
        for finding in Finding.objects.all():
            before = [getattr(finding, name) for name in COMPUTED_FIELDS]
            try:
                finding.apply_computed_effect()
            except ValueError as error:
                self.stderr.write(f"Finding {finding.pk}: {error}")
                continue
            after = {name: getattr(finding, name) for name in COMPUTED_FIELDS}
            if list(after.values()) != before:
                Finding.objects.filter(pk=finding.pk).update(**after)
                findings_changed += 1
        ratings_changed = recompute_all_programme_ratings()
        self.stdout.write(f"{findings_changed} finding(s) and {ratings_changed} programme rating(s) updated.")

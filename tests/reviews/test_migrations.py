"""Migration 0007: analyses entered before it keep DerSimonian–Laird without Hartung–Knapp (so their
recomputed results stay comparable with what their reviews report); analyses entered after it default
to REML."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reviews", "0006_hardening_lengths_ranges_urls")]
AFTER = [("reviews", "0007_analysis_estimators")]


@pytest.mark.django_db(transaction=True)
def test_existing_analyses_keep_dl_and_new_ones_default_to_reml():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    Review = old_apps.get_model("reviews", "Review")
    Analysis = old_apps.get_model("reviews", "Analysis")
    review = Review.objects.create(title="Old review", slug="old-review", short_citation="Old (2001)")
    existing = Analysis.objects.create(review=review, outcome="Secure attachment", comparison="A vs B",
                                       effect_measure="RR")  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    migrated = new_apps.get_model("reviews", "Analysis")
    kept = migrated.objects.get(pk=existing.pk)
    added = migrated.objects.create(review_id=review.pk, outcome="New", comparison="A vs B", effect_measure="RR")

    assert (kept.tau2_estimator, kept.hartung_knapp) == ("DL", False)
    assert (added.tau2_estimator, added.hartung_knapp) == ("REML", False)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # leave the schema as the other tests expect it

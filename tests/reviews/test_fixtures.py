"""The real reviews in fixtures/reviews.json load after the catalogue, twice, and say what the seeds say.

fixtures/catalogue.json (which reviews.json points into) is committed on main; on a branch without it
these tests skip.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from reviews import presenters
from reviews.models import Analysis, BiasDomain, Review

pytestmark = pytest.mark.django_db

FIXTURES = ["fixtures/catalogue.json", "fixtures/reviews.json"]

# Figure 2 of seed 004, row by row: sequence, concealment, attrition, reporting, performance, detection, other.
BARLOW_FIGURE_2 = {
    "Cicchetti 1999": "?-+?-++",
    "Cicchetti 2006": "--?--++",
    "Cohen 1999": "--+?-+?",
    "Cooper 2003": "+-++-++",
    "Lieberman 1991": "?+++-++",
    "Robert-Tissot 1996": "??+--++",
    "Salomonsson 2011": "++++-++",
    "Sleed 2013": "++++-++",
}
SYMBOL = {"low": "+", "high": "-", "unclear": "?"}


@pytest.fixture
def seed_data():
    if not all(Path(name).exists() for name in FIXTURES):
        pytest.skip("fixtures/catalogue.json is committed on main")
    call_command("loaddata", *FIXTURES, verbosity=0)


def row_counts():
    return {model.__name__: model.objects.count() for model in apps.get_app_config("reviews").get_models()}


def test_review_fixtures_load_twice_without_duplicates(seed_data):
    before = row_counts()

    call_command("loaddata", *FIXTURES, verbosity=0)

    assert row_counts() == before


def test_review_fixtures_pass_model_validation(seed_data):
    problems = []
    for model in apps.get_app_config("reviews").get_models():
        if model.__name__.startswith("Historical"):
            continue
        for row in model.objects.all():
            try:
                row.full_clean()
            except Exception as error:  # collect every problem, then report them together
                problems.append(f"{model.__name__} {row.pk}: {error}")
    assert problems == []


def test_barlow_risk_of_bias_matches_figure_2_of_seed_004(seed_data):
    barlow = Review.objects.for_detail().get(slug="barlow-2015-parent-infant-psychotherapy")

    grid = presenters.risk_of_bias_grid(barlow)
    symbols = {row.label: "".join(SYMBOL[cell.judgement] for cell in row.cells) for row in grid.rows}

    assert symbols == BARLOW_FIGURE_2
    assert [domain for domain, _ in grid.domains] == list(BiasDomain.values)


def test_barlow_reports_secure_attachment_as_seed_004_prints_it(seed_data):
    secure = Analysis.objects.get(review__slug="barlow-2015-parent-infant-psychotherapy", number="1")

    assert (secure.effect_measure, secure.model, secure.method) == ("RR", "random", "IV")
    assert (secure.reported_estimate, secure.reported_ci_low, secure.reported_ci_high) == (
        Decimal("8.93"), Decimal("1.25"), Decimal("63.70"),
    )  # fmt: skip
    assert (secure.reported_chi2, secure.reported_df, secure.reported_i2) == (Decimal("3.71"), 1, Decimal("73"))
    assert Analysis.objects.filter(review__slug="barlow-2015-parent-infant-psychotherapy").count() == 19


def test_axford_summarises_the_six_reviews_of_seed_000(seed_data):
    axford = Review.objects.get(slug="axford-2015-review-of-reviews")

    summarised = sorted(r.short_citation for r in axford.reviews_summarised.all())

    assert summarised == [
        "Barlow et al. (2015)", "Bennett et al. (2013)", "Fukkink (2008)", "Kersten-Alvarez et al. (2011)",
        "Mortensen and Mastergeorge (2014)", "Nievar et al. (2010)",
    ]  # fmt: skip


def test_demonstration_analyses_recompute_to_the_published_results(seed_data):
    demos = Analysis.objects.filter(review__is_demonstration=True).prefetch_related("rows")

    assert demos.count() == 2
    for analysis in demos:
        assert analysis.recomputation.agrees, analysis.recomputation.discrepancies
        assert all(row.study_id is None for row in analysis.rows.all())


def test_no_real_review_carries_per_study_rows(seed_data):
    real = Analysis.objects.filter(review__is_demonstration=False, rows__isnull=False)

    assert not real.exists()

"""Review pages with the meta-analysis extras: prediction intervals, subgroups, funnel plots and
Egger's test, analyses reported without study data, and the same query budget whatever they hold."""

import math
import re
from decimal import Decimal

import pytest

from reviews.models import PoolingMethod, PoolingModel, Tau2Estimator
from reviews.presenters import NOT_RECOMPUTED, analysis_view
from stats.pooling import egger_test, pool_binary
from tests.factories import AnalysisFactory, AnalysisRowFactory, ReviewFactory

from .test_recompute import BCG
from .test_views import build_review, count_queries

pytestmark = pytest.mark.django_db


def review_with(tables, subgroups=None, **fields):
    analysis = AnalysisFactory(review=ReviewFactory(), **fields)
    for index, (a, n1, c, n2) in enumerate(tables):
        group = subgroups[index] if subgroups else ""
        AnalysisRowFactory(analysis=analysis, events_t=a, n_t=n1, events_c=c, n_c=n2, subgroup=group, order=index)
    return analysis


def page_text(client, analysis):
    response = client.get(analysis.review.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_review_detail_shows_the_prediction_interval_under_the_diamond(client):
    analysis = review_with(BCG[:5], tau2_estimator=Tau2Estimator.REML)
    pooled = pool_binary(BCG[:5], measure="RR", model="random", tau2_estimator="REML")

    content = page_text(client, analysis)

    bar = f"[{pooled.pi_low:.2f}, {pooled.pi_high:.2f}]"
    assert f">{bar}</text>" in content  # on the plot, beside its bar
    assert ">Prediction interval</text>" in content
    assert "95% prediction interval" in content  # in the table
    assert "Prediction interval " in content and "in a new setting like those studied" in content
    assert "random effects, inverse variance, τ² by REML" in content


def test_review_detail_fixed_effect_has_no_prediction_interval(client):
    analysis = review_with(BCG[:5], model=PoolingModel.FIXED, method=PoolingMethod.IV)

    content = page_text(client, analysis)

    assert "Prediction interval" not in content
    assert "prediction interval" not in content


def test_review_detail_names_hartung_knapp(client):
    analysis = review_with(BCG[:5], tau2_estimator=Tau2Estimator.PM, hartung_knapp=True)

    content = page_text(client, analysis)

    assert "random effects, inverse variance, τ² by Paule–Mandel, Hartung–Knapp adjustment" in content


def test_review_detail_shows_subgroup_diamonds_and_the_test_for_differences(client):
    groups = ["High-risk families"] * 3 + ["Universal"] * 3
    analysis = review_with(BCG[:6], subgroups=groups, tau2_estimator=Tau2Estimator.DL)

    content = page_text(client, analysis)

    assert ">High-risk families</text>" in content
    assert ">Subtotal: High-risk families</text>" in content
    assert ">Subtotal: Universal</text>" in content
    assert len(re.findall(r'<polygon points="[^"]+" fill="#ffffff"', content)) == 2
    assert "Test for subgroup differences: Chi² = " in content
    assert "Subgroups are compared across studies" in content or "no clear difference between the subgroups" in content


def test_review_detail_table_keeps_each_row_with_its_subgroup(client):
    # Rows entered out of group order are drawn, and tabled, grouped.
    groups = ["A", "B", "A", "B"]
    analysis = review_with(BCG[:4], subgroups=groups)

    shown = analysis_view(type(analysis).objects.prefetch_related("rows").get(pk=analysis.pk))

    assert [row.subgroup for row, _ in shown.table] == ["A", "A", "B", "B"]
    assert [effect.label for _, effect in shown.table] == [row.label for row, _ in shown.table]


def test_review_detail_draws_a_funnel_plot_and_egger_test_from_ten_studies(client):
    analysis = review_with(BCG)
    log_rr = [math.log((a / n1) / (c / n2)) for a, n1, c, n2 in BCG]
    variances = [1 / a - 1 / n1 + 1 / c - 1 / n2 for a, n1, c, n2 in BCG]
    egger = egger_test(log_rr, variances)

    content = page_text(client, analysis)

    assert f'<title id="funnel-{analysis.pk}-title">Funnel plot: Secure attachment' in content
    assert f'aria-labelledby="funnel-{analysis.pk}-title funnel-{analysis.pk}-desc"' in content
    assert content.count("<circle ") == 13
    assert "The funnel plot" in content
    assert f"p = {egger.p_value:.2f}" in content
    assert "Asymmetry can mean publication bias" in content
    assert "A symmetric funnel does not prove there is no bias" in content
    assert 'style="' not in content


def test_review_detail_has_no_funnel_plot_under_ten_studies(client):
    analysis = review_with(BCG[:9])

    content = page_text(client, analysis)

    assert "Funnel plot" not in content
    assert "Egger" not in content


def test_review_detail_says_an_analysis_without_study_data_was_not_recomputed(client):
    analysis = AnalysisFactory(
        reported_estimate=Decimal("0.50"), reported_ci_low=Decimal("0.30"), reported_ci_high=Decimal("0.80")
    )

    content = page_text(client, analysis)

    assert NOT_RECOMPUTED == (
        "As reported by the review; not recomputed here because the per-study data is not recorded."
    )
    assert NOT_RECOMPUTED in content


def test_review_detail_with_study_data_does_not_say_it_was_not_recomputed(client):
    analysis = review_with(BCG[:3], reported_estimate=Decimal("0.50"))

    assert NOT_RECOMPUTED not in page_text(client, analysis)


def test_review_detail_query_count_is_the_same_with_subgroups_and_funnel_plots(client):
    small = build_review(studies=1, analyses=1, rows=2)
    large = build_review(studies=3, analyses=0)
    for _ in range(3):
        analysis = AnalysisFactory(review=large)
        for index, (a, n1, c, n2) in enumerate(BCG):
            AnalysisRowFactory(analysis=analysis, events_t=a, n_t=n1, events_c=c, n_c=n2, subgroup="AB"[index % 2])

    assert count_queries(client, small.get_absolute_url()) == count_queries(client, large.get_absolute_url()) == 9

"""Recomputing with the analysis's τ² estimator, Hartung–Knapp, subgroups and Egger's test.

The expected numbers come from stats.pooling itself (tested against metafor there): these tests
check that the analysis's choices reach it and that the forest plot's weights follow its τ².
"""

import math

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from reviews.models import PoolingMethod, PoolingModel, Tau2Estimator
from reviews.recompute import FUNNEL_MINIMUM_STUDIES, NOT_IN_A_SUBGROUP, recompute, recompute_analysis
from stats.pooling import egger_test, pool_binary, subgroup_difference
from tests.factories import AnalysisFactory, AnalysisRowFactory

from .test_recompute import BCG, LABELS


@pytest.mark.parametrize("estimator", ["DL", "REML", "PM"])
@pytest.mark.parametrize("hksj", [False, True])
def test_recompute_passes_estimator_and_hartung_knapp_to_stats(estimator, hksj):
    expected = pool_binary(BCG, measure="RR", model="random", tau2_estimator=estimator, hartung_knapp=hksj)

    result = recompute(
        measure="RR", method="IV", model="random", labels=LABELS, data=BCG, tau2_estimator=estimator, hartung_knapp=hksj
    )

    assert result.pooled == expected
    assert (result.pooled.tau2_estimator, result.pooled.hartung_knapp) == (estimator, hksj)
    assert (result.pooled.ci_low, result.pooled.ci_high) == (expected.ci_low, expected.ci_high)
    assert (result.pooled.pi_low, result.pooled.pi_high) == (expected.pi_low, expected.pi_high)


def test_recompute_weights_use_the_chosen_tau2():
    reml = pool_binary(BCG, measure="RR", model="random", tau2_estimator="REML")
    variances = [1 / a - 1 / n1 + 1 / c - 1 / n2 for a, n1, c, n2 in BCG]
    reference = [1 / (v + reml.tau2) for v in variances]

    result = recompute(measure="RR", method="IV", model="random", labels=LABELS, data=BCG, tau2_estimator="REML")

    assert [s.weight for s in result.studies] == pytest.approx([100 * w / sum(reference) for w in reference])


def test_recompute_mantel_haenszel_keeps_dl_without_hartung_knapp():
    result = recompute(
        measure="RR", method="MH", model="random", labels=LABELS, data=BCG, tau2_estimator="REML", hartung_knapp=True
    )

    assert result.error == ""
    assert result.pooled == pool_binary(BCG, measure="RR", method="MH", model="random")
    assert result.pooled.tau2_estimator == "DL"


def test_recompute_with_subgroups_pools_each_and_tests_the_difference():
    groups = ["Northern"] * 6 + ["Southern"] * 7
    log_rr = [math.log((a / n1) / (c / n2)) for a, n1, c, n2 in BCG]
    variances = [1 / a - 1 / n1 + 1 / c - 1 / n2 for a, n1, c, n2 in BCG]

    result = recompute(measure="RR", method="IV", model="random", labels=LABELS, data=BCG, subgroups=groups)

    assert [s.label for s in result.subgroups] == ["Northern", "Southern"]
    assert result.subgroups[0].pooled == pool_binary(BCG[:6], measure="RR", model="random")
    assert sum(s.weight for s in result.subgroups) == pytest.approx(100.0)
    expected = subgroup_difference(log_rr, variances, groups, model="random")
    assert result.subgroup_test.q == pytest.approx(expected.q)
    assert result.subgroup_test.p_value == pytest.approx(expected.p_value)


def test_recompute_rows_without_a_subgroup_form_their_own_group():
    groups = ["Northern"] * 6 + [""] * 7

    result = recompute(measure="RR", method="IV", model="random", labels=LABELS, data=BCG, subgroups=groups)

    assert [s.label for s in result.subgroups] == ["Northern", NOT_IN_A_SUBGROUP]


def test_recompute_without_subgroups_has_no_subgroup_test():
    result = recompute(measure="RR", method="IV", model="random", labels=LABELS, data=BCG, subgroups=[""] * 13)

    assert result.subgroups == []
    assert result.subgroup_test is None


def test_recompute_runs_egger_from_ten_studies():
    log_rr = [math.log((a / n1) / (c / n2)) for a, n1, c, n2 in BCG]
    variances = [1 / a - 1 / n1 + 1 / c - 1 / n2 for a, n1, c, n2 in BCG]

    ten = recompute(measure="RR", method="IV", model="random", labels=LABELS, data=BCG)
    nine = recompute(measure="RR", method="IV", model="random", labels=LABELS[:9], data=BCG[:9])

    assert FUNNEL_MINIMUM_STUDIES == 10
    assert ten.egger == egger_test(log_rr, variances)
    assert nine.egger is None


@pytest.mark.django_db
def test_recompute_analysis_reads_the_analysis_choices_and_row_subgroups():
    analysis = AnalysisFactory(tau2_estimator=Tau2Estimator.PM, hartung_knapp=True)
    for index, (a, n1, c, n2) in enumerate(BCG[:4]):
        AnalysisRowFactory(analysis=analysis, events_t=a, n_t=n1, events_c=c, n_c=n2, subgroup="AB"[index % 2])

    result = recompute_analysis(analysis)

    assert result.pooled == pool_binary(BCG[:4], measure="RR", model="random", tau2_estimator="PM", hartung_knapp=True)
    assert result.pooled.hartung_knapp
    assert {s.label for s in result.subgroups} == {"A", "B"}


@pytest.mark.django_db
def test_new_analysis_defaults_to_reml_without_hartung_knapp():
    analysis = AnalysisFactory()

    assert (analysis.tau2_estimator, analysis.hartung_knapp) == (Tau2Estimator.REML, False)


@pytest.mark.django_db
def test_hartung_knapp_on_a_fixed_effect_analysis_is_refused():
    with pytest.raises(IntegrityError):
        AnalysisFactory(model=PoolingModel.FIXED, method=PoolingMethod.IV, hartung_knapp=True)


@pytest.mark.django_db
def test_mantel_haenszel_with_an_estimator_other_than_dl_is_a_form_error():
    analysis = AnalysisFactory.build(method=PoolingMethod.MH, tau2_estimator=Tau2Estimator.REML)

    with pytest.raises(ValidationError) as raised:
        analysis.clean()

    assert "DerSimonian–Laird" in str(raised.value.message_dict["tau2_estimator"])


@pytest.mark.django_db
def test_admin_recomputation_shows_the_prediction_interval_in_words(analyst_client):
    analysis = AnalysisFactory(tau2_estimator=Tau2Estimator.REML)
    for a, n1, c, n2 in BCG[:5]:
        AnalysisRowFactory(analysis=analysis, events_t=a, n_t=n1, events_c=c, n_c=n2)

    response = analyst_client.get(reverse("admin:reviews_analysis_change", args=[analysis.pk]))

    content = response.content.decode()
    assert "τ² by REML" in content
    assert "Prediction interval" in content and ">Prediction interval</text>" in content

"""Recomputing a pooled result from study rows, and flagging a difference from the reported one.

Published figures: metafor's tests on dat.bcg (rma method DL and rma.mh, checked there against
Stata's metan), printed to 4 decimals; metafor's printed random-effects weights for dat.bcg.
"""

from decimal import Decimal

import pytest

from reviews.recompute import compare, plain_words, printed, recompute, tolerance
from reviews.statistics import pool_binary
from tests.bcg import BCG

LABELS = [f"Trial {i}" for i in range(1, 14)]
METAFOR_DL_TAU2 = 0.3088  # published (metafor rma, method DL, on dat.bcg)


def bcg_random():
    return recompute(measure="RR", method="IV", model="random", labels=LABELS, data=BCG)


def test_recompute_bcg_random_effects_matches_metafor_to_four_decimals():
    result = bcg_random()

    discrepancies = compare(
        result.pooled,
        decimals=4,
        estimate=Decimal("0.4896"),
        ci_low=Decimal("0.3449"),
        ci_high=Decimal("0.6950"),
        tau2=Decimal("0.3088"),
        chi2=Decimal("152.2330"),
        i2=Decimal("92.1"),
        df=12,
        studies=13,
    )

    assert discrepancies == []


def test_recompute_random_weights_are_inverse_of_variance_plus_tau2():
    result = bcg_random()
    # Independent reference: 1 / (v_i + tau²) with v_i = 1/a - 1/n1 + 1/c - 1/n2 (no zero cells in BCG).
    reference = [1 / (1 / a - 1 / n1 + 1 / c - 1 / n2 + METAFOR_DL_TAU2) for a, n1, c, n2 in BCG]
    expected = [100 * w / sum(reference) for w in reference]

    weights = [study.weight for study in result.studies]

    assert weights == pytest.approx(expected, abs=0.01)
    assert sum(weights) == pytest.approx(100.0)


def test_recompute_study_effects_are_each_trials_risk_ratio():
    result = bcg_random()

    aronson = result.studies[0]

    # Aronson 1948: (4/123) / (11/139) = 0.4109
    assert aronson.label == "Trial 1"
    assert aronson.estimate == pytest.approx(0.4109, abs=5e-5)
    assert aronson.ci_low < aronson.estimate < aronson.ci_high


def test_recompute_mantel_haenszel_uses_published_pooled_result_and_mh_weights():
    result = recompute(measure="RR", method="MH", model="fixed", labels=LABELS, data=BCG)

    assert compare(result.pooled, decimals=4, estimate=Decimal("0.6353"), ci_low=Decimal("0.5881"),
                   ci_high=Decimal("0.6862"), chi2=Decimal("152.5676"), df=12) == []  # fmt: skip
    # M-H weight for RR is c·n1/N (Deeks & Higgins 2010): TPT Madras carries the most.
    heaviest = max(result.studies, key=lambda s: s.weight)
    assert heaviest.label == "Trial 8"


def test_compare_flags_estimate_beyond_reported_precision():
    pooled = pool_binary(BCG, measure="RR", method="IV", model="random")  # 0.4896...

    discrepancies = compare(
        pooled, decimals=2, estimate=Decimal("0.52"), ci_low=Decimal("0.34"), ci_high=Decimal("0.70")
    )

    assert [d.name for d in discrepancies] == ["estimate"]
    assert discrepancies[0].tolerance == pytest.approx(0.005)


def test_compare_accepts_rounding_to_reported_precision():
    pooled = pool_binary(BCG, measure="RR", method="IV", model="random")  # 0.4896 [0.3449, 0.6950]

    assert compare(pooled, decimals=2, estimate=Decimal("0.49"), ci_low=Decimal("0.34"), ci_high=Decimal("0.70")) == []


def test_compare_flags_one_unit_in_last_place_at_four_decimals():
    pooled = pool_binary(BCG, measure="RR", method="IV", model="random")

    discrepancies = compare(pooled, decimals=4, estimate=Decimal("0.4897"))

    assert [d.name for d in discrepancies] == ["estimate"]


def test_compare_flags_wrong_heterogeneity_and_study_count():
    pooled = pool_binary(BCG, measure="RR", method="IV", model="random")

    discrepancies = compare(pooled, decimals=2, i2=Decimal("73"), df=11, studies=12)

    assert [d.name for d in discrepancies] == ["I²", "df", "number of studies"]


def test_tolerance_is_half_a_unit_in_the_last_place():
    assert tolerance(2) == pytest.approx(0.005)
    assert tolerance(0) == pytest.approx(0.5)


def test_recompute_leaves_out_a_trial_with_no_events_in_either_group():
    result = recompute(
        measure="RR", method="IV", model="fixed", labels=["A", "B", "Empty"], data=[*BCG[:2], (0, 20, 0, 20)]
    )

    assert result.pooled.k == 2
    assert result.studies[2].estimable is False
    assert sum(s.weight for s in result.studies if s.estimable) == pytest.approx(100.0)


def test_recompute_continuous_smd_gives_symmetric_intervals():
    groups = [(10.0, 2.0, 30, 9.0, 2.0, 30), (11.0, 3.0, 40, 10.0, 3.0, 40)]

    result = recompute(measure="SMD", method="IV", model="fixed", labels=["A", "B"], data=groups)

    first = result.studies[0]
    assert first.estimate - first.ci_low == pytest.approx(first.ci_high - first.estimate)
    assert result.pooled.estimate > 0


def test_recompute_bad_data_gives_message_not_exception():
    result = recompute(measure="RR", method="IV", model="fixed", labels=["A"], data=[(12, 10, 3, 10)])

    assert result.available is False
    assert "events must lie between 0 and the group size" in result.error


def test_recompute_without_rows_is_not_available():
    result = recompute(measure="RR", method="IV", model="fixed", labels=[], data=[])

    assert result.available is False
    assert result.error == ""


def test_plain_words_significant_ratio_favours_intervention():
    text = plain_words(measure="RR", estimate=8.93, ci_low=1.25, ci_high=63.70, decimals=2, intervention="PIP",
                       control="control", higher_is_better=True, outcome="Secure attachment")  # fmt: skip

    assert text.startswith("Secure attachment: 8.93 times as likely in the PIP group as in the control group")
    assert "95% confidence interval 1.25 to 63.70" in text
    assert "statistically significant result favouring PIP" in text


def test_plain_words_round_to_two_decimals_whatever_the_review_printed():
    text = plain_words(measure="RR", estimate=Decimal("0.4896"), ci_low=Decimal("0.3449"), ci_high=Decimal("0.6950"),
                       decimals=4, intervention="BCG", control="no vaccine", higher_is_better=False)  # fmt: skip

    assert "(risk ratio 0.49; 95% confidence interval 0.34 to 0.70)" in text
    assert "0.4896" not in text


def test_plain_words_keep_a_third_place_rather_than_show_a_bound_as_no_difference():
    text = plain_words(measure="RR", estimate=0.8, ci_low=0.64, ci_high=0.996, decimals=4, intervention="PIP",
                       control="control", higher_is_better=True)  # fmt: skip

    assert "95% confidence interval 0.64 to 0.996" in text
    assert "excludes 1" in text


def test_plain_words_reduction_in_a_bad_outcome_favours_intervention():
    text = plain_words(measure="RR", estimate=0.32, ci_low=0.17, ci_high=0.58, decimals=2, intervention="PIP",
                       control="control", higher_is_better=False)  # fmt: skip

    assert "68% less likely" in text
    assert "favouring PIP" in text


def test_plain_words_interval_including_no_effect_is_not_evidence_of_no_effect():
    text = plain_words(measure="SMD", estimate=-0.13, ci_low=-0.64, ci_high=0.38, decimals=2, intervention="PIP",
                       control="control", higher_is_better=True)  # fmt: skip

    assert "no statistically significant difference" in text
    assert "not evidence that there is no effect" in text
    assert "−0.13" in text


def test_printed_keeps_the_precision_the_review_used():
    assert printed(Decimal("3.3000"), 1) == "3.3"
    assert printed(Decimal("1.8200"), 1) == "1.82"
    assert printed(Decimal("63.7000"), 2) == "63.70"
    assert printed(Decimal("-0.1300"), 2) == "−0.13"

"""Tests for catalogue.statistics.

Expected values are worked out in each test from the textbook formula, step by step, so that a
reader can check them with a calculator; published values (metafor's dat.bcg and
dat.normand1999 examples) are checked to the 4 decimal places they are printed with.
"""

import math
import statistics as stdlib_statistics
from decimal import Decimal
from statistics import NormalDist

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import norm

from stats.effects import (
    Z_95,
    Effect,
    cox_index,
    hedges_g,
    improvement_index,
    normal_cdf,
    odds_ratio,
    risk_difference,
    risk_ratio,
    round_half_away_from_zero,
    small_sample_correction,
    two_sided_p,
)

# First trial of metafor's dat.bcg (Aronson 1948): tpos=4, tneg=119, cpos=11, cneg=128.
BCG_EVENTS_T, BCG_N_T, BCG_EVENTS_C, BCG_N_C = 4, 4 + 119, 11, 11 + 128

# Published 4-dp values for that trial, from metafor's escalc() output.
BCG_LOG_RR, BCG_VAR_LOG_RR = -0.8893, 0.3256
BCG_LOG_OR, BCG_VAR_LOG_OR = -0.9387, 0.3571
BCG_RD = -0.0466

FOUR_DP = 5e-5  # a value printed to 4 decimal places is within half a unit of the 4th place


# --------------------------------------------------------------------------------------------
# Effect
# --------------------------------------------------------------------------------------------


def test_effect_is_frozen():
    effect = Effect(estimate=0.2, se=0.1, ci_low=0.0, ci_high=0.4)

    with pytest.raises(AttributeError):
        effect.estimate = 0.3  # type: ignore[misc]

    assert effect.estimate == 0.2


# --------------------------------------------------------------------------------------------
# Helpers: Z_95, normal_cdf, two_sided_p, round_half_away_from_zero, small_sample_correction
# --------------------------------------------------------------------------------------------


def test_z_95_equals_the_975th_normal_percentile():
    assert abs(Z_95 - NormalDist().inv_cdf(0.975)) < 1e-15
    assert abs(Z_95 - norm.ppf(0.975)) < 1e-15


@pytest.mark.parametrize("x", [-6.0, -1.96, -0.5, 0.0, 0.25, 1.0, 3.0, 8.0])
def test_normal_cdf_matches_scipy(x):
    assert normal_cdf(x) == pytest.approx(norm.cdf(x), rel=1e-13, abs=1e-16)


def test_normal_cdf_keeps_relative_precision_in_the_far_lower_tail():
    # 1 - Φ(30) cancels to 0 in floating point; erfc keeps ~15 significant digits.
    assert normal_cdf(-30.0) == pytest.approx(norm.cdf(-30.0), rel=1e-12)
    assert normal_cdf(-30.0) > 0


def test_normal_cdf_at_infinity_is_zero_or_one():
    assert normal_cdf(-math.inf) == 0.0
    assert normal_cdf(math.inf) == 1.0


def test_normal_cdf_rejects_nan():
    with pytest.raises(ValueError, match=r"normal_cdf must be a finite number \(got nan\)"):
        normal_cdf(math.nan)


def test_two_sided_p_at_z_95_is_five_percent():
    assert two_sided_p(Z_95) == pytest.approx(0.05, rel=1e-12)


def test_two_sided_p_is_one_at_zero_and_symmetric():
    assert two_sided_p(0.0) == 1.0
    assert two_sided_p(-2.3) == two_sided_p(2.3)
    assert two_sided_p(2.3) == pytest.approx(2 * norm.sf(2.3), rel=1e-12)


def test_two_sided_p_stays_positive_for_large_statistics():
    assert two_sided_p(20.0) == pytest.approx(2 * norm.sf(20.0), rel=1e-12)
    assert two_sided_p(20.0) > 0


def test_two_sided_p_rejects_non_numbers():
    with pytest.raises(ValueError, match=r"must be a number \(got '1.96'\)"):
        two_sided_p("1.96")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.5, 1.0),
        (1.5, 2.0),
        (2.5, 3.0),  # built-in round() gives 2 (round half to even)
        (12.5, 13.0),  # built-in round() gives 12
        (-0.5, -1.0),
        (-2.5, -3.0),
        (-12.5, -13.0),
        (12.49, 12.0),
        (-12.51, -13.0),
    ],
)
def test_round_half_away_from_zero_whole_numbers(value, expected):
    assert round_half_away_from_zero(value) == expected


@pytest.mark.parametrize(
    ("value", "ndigits", "expected"),
    [
        (2.675, 2, 2.68),  # the float is 2.67499999..., but an analyst reads "2.675"
        (0.125, 2, 0.13),  # exactly representable tie; built-in round() gives 0.12
        (-0.125, 2, -0.13),
        (0.1234, 3, 0.123),
        (1235.0, -1, 1240.0),
    ],
)
def test_round_half_away_from_zero_decimal_places(value, ndigits, expected):
    assert round_half_away_from_zero(value, ndigits) == expected


def test_round_half_away_from_zero_never_returns_negative_zero():
    result = round_half_away_from_zero(-0.4)

    assert result == 0.0
    assert math.copysign(1.0, result) == 1.0


def test_round_half_away_from_zero_handles_very_large_values():
    assert round_half_away_from_zero(1.5e300, 2) == 1.5e300


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_round_half_away_from_zero_rejects_non_finite(value):
    with pytest.raises(ValueError, match="The value to round must be a finite number"):
        round_half_away_from_zero(value)


def test_round_half_away_from_zero_rejects_fractional_ndigits():
    with pytest.raises(ValueError, match=r"must be a whole number \(got 1.5\)"):
        round_half_away_from_zero(1.25, 1.5)  # type: ignore[arg-type]


def test_small_sample_correction_worked_example():
    # N = 20: omega = 1 - 3 / (80 - 9) = 1 - 3/71 = 68/71
    assert small_sample_correction(20) == pytest.approx(68 / 71, rel=1e-15)


def test_small_sample_correction_rejects_total_where_4n_minus_9_is_not_positive():
    with pytest.raises(ValueError, match=r"total sample size above 2.25 .*got N = 2\)"):
        small_sample_correction(2)


# --------------------------------------------------------------------------------------------
# hedges_g
# --------------------------------------------------------------------------------------------


def test_hedges_g_equal_groups_worked_example():
    # Both SDs 10, so s_pooled = 10 and d = (55 - 50) / 10 = 0.5.
    # N = 40, omega = 1 - 3 / (4*40 - 9) = 148/151, so g = 0.5 * 148/151 = 74/151.
    expected_g = 74 / 151
    expected_se = math.sqrt(1 / 20 + 1 / 20 + expected_g**2 / (2 * 40))

    effect = hedges_g(55, 10, 20, 50, 10, 20)

    assert effect.estimate == pytest.approx(expected_g, rel=1e-12)
    assert effect.se == pytest.approx(expected_se, rel=1e-12)
    assert effect.ci_low == pytest.approx(expected_g - Z_95 * expected_se, rel=1e-12)
    assert effect.ci_high == pytest.approx(expected_g + Z_95 * expected_se, rel=1e-12)


def test_hedges_g_from_raw_data_matches_summary_statistics():
    # An independent route: pool the squared deviations of raw scores directly.
    treated = [12.0, 15.0, 11.0, 18.0, 14.0, 16.0]
    control = [10.0, 9.0, 13.0, 11.0, 8.0, 12.0, 10.0]
    mean_t, mean_c = sum(treated) / len(treated), sum(control) / len(control)
    sum_sq = sum((x - mean_t) ** 2 for x in treated) + sum((x - mean_c) ** 2 for x in control)
    total_n = len(treated) + len(control)
    pooled_sd = math.sqrt(sum_sq / (total_n - 2))
    expected_g = (1 - 3 / (4 * total_n - 9)) * (mean_t - mean_c) / pooled_sd

    effect = hedges_g(
        mean_t,
        stdlib_statistics.stdev(treated),
        len(treated),
        mean_c,
        stdlib_statistics.stdev(control),
        len(control),
    )

    assert effect.estimate == pytest.approx(expected_g, rel=1e-12)
    assert effect.se == pytest.approx(math.sqrt(1 / 6 + 1 / 7 + expected_g**2 / (2 * total_n)), rel=1e-12)


def test_hedges_g_matches_published_metafor_example():
    # metafor's dat.normand1999, study 1 (Edinburgh): escalc("SMD") prints yi = -0.3552,
    # vi = 0.0131. metafor uses the exact gamma-function correction rather than omega; at
    # N = 311 the two differ by about 1e-7, far below the 4th decimal place.
    effect = hedges_g(55, 47, 155, 75, 64, 156)

    assert effect.estimate == pytest.approx(-0.3552, abs=FOUR_DP)
    assert effect.se**2 == pytest.approx(0.0131, abs=FOUR_DP)


def test_hedges_g_lower_is_better_flips_sign_and_swaps_interval():
    higher_is_better = hedges_g(20, 5, 40, 24, 6, 45)

    lower_is_better = hedges_g(20, 5, 40, 24, 6, 45, lower_is_better=True)

    assert higher_is_better.estimate < 0  # the intervention group scored lower ...
    assert lower_is_better.estimate > 0  # ... which is good news when lower is better
    assert lower_is_better.estimate == -higher_is_better.estimate
    assert lower_is_better.se == higher_is_better.se
    assert lower_is_better.ci_low == -higher_is_better.ci_high
    assert lower_is_better.ci_high == -higher_is_better.ci_low
    assert lower_is_better.ci_low < lower_is_better.estimate < lower_is_better.ci_high


def test_hedges_g_no_difference_lower_is_better_gives_positive_zero():
    effect = hedges_g(50, 10, 30, 50, 10, 30, lower_is_better=True)

    assert effect.estimate == 0.0
    assert math.copysign(1.0, effect.estimate) == 1.0  # not -0.0, which prints as "-0.00"


def test_hedges_g_one_zero_sd_is_allowed():
    # s_pooled = sqrt((9 * 4 + 9 * 0) / 18) = sqrt(2)
    effect = hedges_g(12, 2, 10, 10, 0, 10)

    assert effect.estimate == pytest.approx((1 - 3 / 71) * 2 / math.sqrt(2), rel=1e-12)


def test_hedges_g_accepts_decimal_inputs():
    # Django's DecimalField hands back Decimal objects.
    from_decimals = hedges_g(Decimal("55.0"), Decimal("10.0"), 20, Decimal("50.0"), Decimal("10.0"), 20)

    assert from_decimals == hedges_g(55.0, 10.0, 20, 50.0, 10.0, 20)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((1, 1, 1, 0, 1, 10), r"^Intervention group size must be at least 2 \(got 1\)\.$"),
        ((1, 1, 10, 0, 1, 0), r"^Comparison group size must be at least 2 \(got 0\)\.$"),
        (
            (1, -1, 10, 0, 1, 10),
            r"^Intervention group standard deviation must not be negative \(got -1\)\.$",
        ),
        (
            (1, 1, 10, 0, -0.5, 10),
            r"^Comparison group standard deviation must not be negative \(got -0\.5\)\.$",
        ),
        ((1, 0, 10, 0, 0, 10), r"^Both standard deviations are zero"),
        ((math.nan, 1, 10, 0, 1, 10), r"^Intervention group mean must be a finite number"),
        ((1, 1, 10, math.inf, 1, 10), r"^Comparison group mean must be a finite number"),
        ((1, math.nan, 10, 0, 1, 10), r"standard deviation must be a finite number"),
        ((1, 1, math.inf, 0, 1, 10), r"^Intervention group size must be a finite number"),
        ((1, 1, 10, 0, 1, "12"), r"^Comparison group size must be a number \(got '12'\)\.$"),
        ((1, 1, True, 0, 1, 10), r"^Intervention group size must be a number \(got True\)\.$"),
        ((1, 1, 10**400, 0, 1, 10), r"^Intervention group size must be a finite number"),
        ((1e308, 1, 10, -1e308, 1, 10), r"could not be computed as a finite number"),
    ],
)
def test_hedges_g_invalid_input_raises_actionable_message(arguments, message):
    with pytest.raises(ValueError, match=message):
        hedges_g(*arguments)


# --------------------------------------------------------------------------------------------
# cox_index
# --------------------------------------------------------------------------------------------


def test_cox_index_worked_example():
    # 60/100 vs 40/100: OR = (60 * 60) / (40 * 40) = 2.25; N = 200, omega = 1 - 3/791.
    omega = 1 - 3 / (4 * 200 - 9)
    expected = omega * math.log(2.25) / 1.65
    expected_se = omega * math.sqrt(1 / 60 + 1 / 40 + 1 / 40 + 1 / 60) / 1.65

    effect = cox_index(60, 100, 40, 100)

    assert effect.estimate == pytest.approx(expected, rel=1e-12)
    assert effect.se == pytest.approx(expected_se, rel=1e-12)
    assert effect.ci_low == pytest.approx(expected - Z_95 * expected_se, rel=1e-12)
    assert effect.ci_high == pytest.approx(expected + Z_95 * expected_se, rel=1e-12)


def test_cox_index_matches_published_bcg_log_odds_ratio():
    # The Cox index is omega * ln(OR) / 1.65, so it follows from metafor's published ln(OR).
    omega = 1 - 3 / (4 * (BCG_N_T + BCG_N_C) - 9)

    effect = cox_index(BCG_EVENTS_T, BCG_N_T, BCG_EVENTS_C, BCG_N_C)

    assert effect.estimate == pytest.approx(omega * BCG_LOG_OR / 1.65, abs=FOUR_DP)
    assert (effect.se * 1.65 / omega) ** 2 == pytest.approx(BCG_VAR_LOG_OR, abs=FOUR_DP)


def test_cox_index_lower_is_better_flips_sign_and_swaps_interval():
    # BCG: the events are tuberculosis cases, so fewer events is the good result.
    events_counted = cox_index(BCG_EVENTS_T, BCG_N_T, BCG_EVENTS_C, BCG_N_C)

    favouring = cox_index(BCG_EVENTS_T, BCG_N_T, BCG_EVENTS_C, BCG_N_C, lower_is_better=True)

    assert events_counted.estimate < 0 < favouring.estimate
    assert favouring.estimate == -events_counted.estimate
    assert favouring.se == events_counted.se
    assert favouring.ci_low == -events_counted.ci_high
    assert favouring.ci_high == -events_counted.ci_low


def test_cox_index_zero_cell_adds_half_to_every_cell():
    # 0/20 vs 5/20 becomes 0.5, 20.5 | 5.5, 15.5; omega still uses the reported N = 40.
    omega = 1 - 3 / (4 * 40 - 9)
    log_or = math.log((0.5 * 15.5) / (20.5 * 5.5))

    effect = cox_index(0, 20, 5, 20)

    assert effect.estimate == pytest.approx(omega * log_or / 1.65, rel=1e-12)
    assert effect.se == pytest.approx(omega * math.sqrt(1 / 0.5 + 1 / 20.5 + 1 / 5.5 + 1 / 15.5) / 1.65, rel=1e-12)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((-1, 20, 5, 20), r"^Intervention group events must not be negative \(got -1\)\.$"),
        ((1, 20, -2, 20), r"^Comparison group events must not be negative \(got -2\)\.$"),
        (
            (21, 20, 5, 20),
            r"^Intervention group events \(21\) cannot exceed the intervention group size "
            r"\(20\)\.",
        ),
        (
            (1, 20, 25, 20),
            r"^Comparison group events \(25\) cannot exceed the comparison group size \(20\)\.",
        ),
        ((1, 1, 5, 20), r"^Intervention group size must be at least 2 \(got 1\)\.$"),
        ((1, 20, 1, 1), r"^Comparison group size must be at least 2 \(got 1\)\.$"),
        ((math.nan, 20, 5, 20), r"^Intervention group events must be a finite number"),
        ((1, 20, 5, math.inf), r"^Comparison group size must be a finite number"),
    ],
)
def test_cox_index_invalid_input_raises_actionable_message(arguments, message):
    with pytest.raises(ValueError, match=message):
        cox_index(*arguments)


# --------------------------------------------------------------------------------------------
# risk_ratio
# --------------------------------------------------------------------------------------------


def test_risk_ratio_worked_example():
    # 10/100 vs 20/100: RR = 0.1 / 0.2 = 0.5; Var(ln RR) = 1/10 - 1/100 + 1/20 - 1/100 = 0.13.
    se = math.sqrt(0.13)

    effect = risk_ratio(10, 100, 20, 100)

    assert effect.estimate == pytest.approx(0.5, rel=1e-12)
    assert effect.se == pytest.approx(se, rel=1e-12)
    assert effect.ci_low == pytest.approx(math.exp(math.log(0.5) - Z_95 * se), rel=1e-12)
    assert effect.ci_high == pytest.approx(math.exp(math.log(0.5) + Z_95 * se), rel=1e-12)


def test_risk_ratio_matches_published_bcg_example():
    effect = risk_ratio(BCG_EVENTS_T, BCG_N_T, BCG_EVENTS_C, BCG_N_C)

    assert math.log(effect.estimate) == pytest.approx(BCG_LOG_RR, abs=FOUR_DP)
    assert effect.se**2 == pytest.approx(BCG_VAR_LOG_RR, abs=FOUR_DP)


def test_risk_ratio_interval_is_symmetric_on_the_log_scale():
    effect = risk_ratio(BCG_EVENTS_T, BCG_N_T, BCG_EVENTS_C, BCG_N_C)

    # Symmetric about ln(RR) means the RR is the geometric mean of the two bounds.
    assert effect.ci_low * effect.ci_high == pytest.approx(effect.estimate**2, rel=1e-12)
    assert effect.estimate - effect.ci_low < effect.ci_high - effect.estimate


def test_risk_ratio_zero_cell_adds_half_to_every_cell():
    # 0/50 vs 5/50 becomes 0.5/51 vs 5.5/51, so RR = 0.5 / 5.5 = 1/11.
    effect = risk_ratio(0, 50, 5, 50)

    assert effect.estimate == pytest.approx(1 / 11, rel=1e-12)
    assert effect.se == pytest.approx(math.sqrt(1 / 0.5 - 1 / 51 + 1 / 5.5 - 1 / 51), rel=1e-12)


def test_risk_ratio_no_events_in_either_group_is_still_computed():
    # Follows metafor's default (RevMan would call this "not estimable"): 0.5/31 vs 0.5/41.
    effect = risk_ratio(0, 30, 0, 40)

    assert effect.estimate == pytest.approx(41 / 31, rel=1e-12)
    assert effect.ci_low < 1 < effect.ci_high


def test_risk_ratio_all_events_in_one_group_triggers_correction():
    # 30/30 vs 20/40: the zero is a non-event cell. Corrected: 30.5/31 vs 20.5/41.
    effect = risk_ratio(30, 30, 20, 40)

    assert effect.estimate == pytest.approx((30.5 / 31) / (20.5 / 41), rel=1e-12)


def test_risk_ratio_invalid_input_raises_actionable_message():
    with pytest.raises(ValueError, match=r"^Intervention group size must be at least 2 \(got 1\)"):
        risk_ratio(1, 1, 5, 20)
    with pytest.raises(ValueError, match=r"^Comparison group events \(25\) cannot exceed"):
        risk_ratio(1, 20, 25, 20)


# --------------------------------------------------------------------------------------------
# odds_ratio
# --------------------------------------------------------------------------------------------


def test_odds_ratio_worked_example():
    # 10/100 vs 20/100: OR = (10 * 80) / (90 * 20) = 4/9.
    se = math.sqrt(1 / 10 + 1 / 90 + 1 / 20 + 1 / 80)

    effect = odds_ratio(10, 100, 20, 100)

    assert effect.estimate == pytest.approx(4 / 9, rel=1e-12)
    assert effect.se == pytest.approx(se, rel=1e-12)
    assert effect.ci_low == pytest.approx(math.exp(math.log(4 / 9) - Z_95 * se), rel=1e-12)
    assert effect.ci_high == pytest.approx(math.exp(math.log(4 / 9) + Z_95 * se), rel=1e-12)


def test_odds_ratio_matches_published_bcg_example():
    effect = odds_ratio(BCG_EVENTS_T, BCG_N_T, BCG_EVENTS_C, BCG_N_C)

    assert math.log(effect.estimate) == pytest.approx(BCG_LOG_OR, abs=FOUR_DP)
    assert effect.se**2 == pytest.approx(BCG_VAR_LOG_OR, abs=FOUR_DP)


def test_odds_ratio_zero_cell_adds_half_to_every_cell():
    # 0/10 vs 4/10 becomes 0.5, 10.5 | 4.5, 6.5.
    effect = odds_ratio(0, 10, 4, 10)

    assert effect.estimate == pytest.approx((0.5 * 6.5) / (10.5 * 4.5), rel=1e-12)
    assert effect.se == pytest.approx(math.sqrt(1 / 0.5 + 1 / 10.5 + 1 / 4.5 + 1 / 6.5), rel=1e-12)
    assert 0 < effect.ci_low < effect.estimate < effect.ci_high


def test_odds_ratio_invalid_input_raises_actionable_message():
    with pytest.raises(ValueError, match=r"^Intervention group events must not be negative"):
        odds_ratio(-1, 20, 5, 20)


# --------------------------------------------------------------------------------------------
# risk_difference
# --------------------------------------------------------------------------------------------


def test_risk_difference_worked_example():
    # 10/100 vs 20/100: RD = -0.1; Var = 0.1*0.9/100 + 0.2*0.8/100 = 0.0025, so SE = 0.05.
    effect = risk_difference(10, 100, 20, 100)

    assert effect.estimate == pytest.approx(-0.1, rel=1e-12)
    assert effect.se == pytest.approx(0.05, rel=1e-12)
    assert effect.ci_low == pytest.approx(-0.1 - Z_95 * 0.05, rel=1e-12)
    assert effect.ci_high == pytest.approx(-0.1 + Z_95 * 0.05, rel=1e-12)


def test_risk_difference_matches_published_bcg_example():
    p_t, p_c = 4 / 123, 11 / 139

    effect = risk_difference(BCG_EVENTS_T, BCG_N_T, BCG_EVENTS_C, BCG_N_C)

    assert effect.estimate == pytest.approx(BCG_RD, abs=FOUR_DP)
    assert effect.se**2 == pytest.approx(p_t * (1 - p_t) / 123 + p_c * (1 - p_c) / 139, rel=1e-12)


def test_risk_difference_zero_cell_follows_metafor_default():
    # metafor escalc(measure="RD") defaults to add=1/2, to="only0": 0/10 vs 3/10 becomes
    # 0.5/11 vs 3.5/11, so RD = -3/11.
    p_t, p_c = 0.5 / 11, 3.5 / 11

    effect = risk_difference(0, 10, 3, 10)

    assert effect.estimate == pytest.approx(-3 / 11, rel=1e-12)
    assert effect.se == pytest.approx(math.sqrt(p_t * (1 - p_t) / 11 + p_c * (1 - p_c) / 11), rel=1e-12)


def test_risk_difference_no_events_in_either_group_has_a_real_interval():
    # With raw proportions the SE would be 0 and the interval [0, 0]; the correction avoids it.
    effect = risk_difference(0, 10, 0, 10)

    assert effect.estimate == 0.0
    assert effect.se > 0
    assert effect.ci_low < 0 < effect.ci_high


def test_risk_difference_invalid_input_raises_actionable_message():
    with pytest.raises(ValueError, match=r"^Comparison group size must be at least 2 \(got 1\)"):
        risk_difference(1, 20, 0, 1)


# --------------------------------------------------------------------------------------------
# improvement_index
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("g", "expected"),
    [
        (0.25, 10),  # 100 * 0.5987 - 50 = 9.87
        (-0.3, -12),  # 100 * 0.3821 - 50 = -11.79
        (2.58, 50),  # 100 * 0.9951 - 50 = 49.51
        (-3.0, -50),  # 100 * 0.0013 - 50 = -49.87
        (0.0, 0),
    ],
)
def test_improvement_index_published_examples(g, expected):
    unrounded = 100 * NormalDist().cdf(g) - 50

    result = improvement_index(g)

    assert result == expected
    assert abs(result - unrounded) <= 0.5
    assert isinstance(result, int)


def test_improvement_index_exact_half_rounds_away_from_zero():
    # Mathematically Φ(Φ⁻¹(0.625)) = 0.625, so the index is exactly 12.5 and rounds to 13.
    # Floating point: the double nearest the quantile is ~3e-17 below it, which puts the exact
    # index for that double at 12.49999999999999928..., but that is closer to 12.5 than to any
    # other double (their spacing near 12.5 is 1.8e-15), so the computation lands on 12.5
    # exactly. 13 is therefore right both for the intended g and for the computed index;
    # built-in round() would give 12.
    g = NormalDist().inv_cdf(0.625)
    assert 100 * NormalDist().cdf(g) - 50 == 12.5

    assert improvement_index(g) == 13
    assert improvement_index(-g) == -13


def test_improvement_index_uses_unrounded_g():
    # g = 0.013 gives 100*Φ(0.013) - 50 = 0.519 -> 1; rounding g to 0.01 first would give 0.
    assert improvement_index(0.013) == 1
    assert improvement_index(0.01) == 0


@pytest.mark.parametrize(("g", "expected"), [(40.0, 50), (-40.0, -50), (1e300, 50)])
def test_improvement_index_extreme_effects_stay_bounded(g, expected):
    assert improvement_index(g) == expected


@pytest.mark.parametrize("g", [math.nan, math.inf, -math.inf])
def test_improvement_index_non_finite_g_raises(g):
    with pytest.raises(ValueError, match=r"^The effect size g must be a finite number"):
        improvement_index(g)


def test_improvement_index_non_number_raises():
    with pytest.raises(ValueError, match=r"^The effect size g must be a number \(got None\)\.$"):
        improvement_index(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Property tests
# --------------------------------------------------------------------------------------------

finite_effects = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
means = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)
sds = st.floats(min_value=0.01, max_value=1e3, allow_nan=False)
group_sizes = st.integers(min_value=2, max_value=10_000)


@st.composite
def two_by_two_tables(draw):
    n_t = draw(group_sizes)
    n_c = draw(group_sizes)
    events_t = draw(st.integers(min_value=0, max_value=n_t))
    events_c = draw(st.integers(min_value=0, max_value=n_c))
    return events_t, n_t, events_c, n_c


@given(finite_effects, finite_effects)
def test_improvement_index_property_monotonic_and_bounded(a, b):
    low, high = sorted((a, b))

    index_low, index_high = improvement_index(low), improvement_index(high)

    assert index_low <= index_high
    assert -50 <= index_low <= 50
    assert -50 <= index_high <= 50


@given(means, sds, group_sizes, means, sds, group_sizes)
def test_hedges_g_property_swapping_groups_negates_estimate(mean_t, sd_t, n_t, mean_c, sd_c, n_c):
    forward = hedges_g(mean_t, sd_t, n_t, mean_c, sd_c, n_c)

    swapped = hedges_g(mean_c, sd_c, n_c, mean_t, sd_t, n_t)

    assert swapped.estimate == pytest.approx(-forward.estimate, rel=1e-12, abs=1e-12)
    assert swapped.se == pytest.approx(forward.se, rel=1e-12)


@given(means, sds, group_sizes, means, sds, group_sizes)
def test_hedges_g_property_lower_is_better_negates(mean_t, sd_t, n_t, mean_c, sd_c, n_c):
    plain = hedges_g(mean_t, sd_t, n_t, mean_c, sd_c, n_c)

    flipped = hedges_g(mean_t, sd_t, n_t, mean_c, sd_c, n_c, lower_is_better=True)

    assert flipped.estimate == -plain.estimate
    assert flipped.se == plain.se
    assert (flipped.ci_low, flipped.ci_high) == (-plain.ci_high, -plain.ci_low)


@given(two_by_two_tables())
def test_cox_index_property_lower_is_better_negates(table):
    plain = cox_index(*table)

    flipped = cox_index(*table, lower_is_better=True)

    assert flipped.estimate == -plain.estimate
    assert flipped.se == plain.se
    assert (flipped.ci_low, flipped.ci_high) == (-plain.ci_high, -plain.ci_low)


@given(two_by_two_tables())
def test_cox_index_property_swapping_groups_negates_estimate(table):
    events_t, n_t, events_c, n_c = table

    forward = cox_index(events_t, n_t, events_c, n_c)
    swapped = cox_index(events_c, n_c, events_t, n_t)

    assert swapped.estimate == pytest.approx(-forward.estimate, rel=1e-9, abs=1e-12)
    assert swapped.se == pytest.approx(forward.se, rel=1e-12)


@given(two_by_two_tables())
def test_risk_ratio_property_interval_contains_estimate_and_is_positive(table):
    effect = risk_ratio(*table)

    assert effect.ci_low > 0
    assert effect.ci_low <= effect.estimate <= effect.ci_high


@given(two_by_two_tables())
def test_odds_ratio_property_interval_contains_estimate_and_is_positive(table):
    effect = odds_ratio(*table)

    assert effect.ci_low > 0
    assert effect.ci_low <= effect.estimate <= effect.ci_high


@given(two_by_two_tables())
def test_risk_difference_property_estimate_within_bounds_and_interval(table):
    effect = risk_difference(*table)

    assert -1 <= effect.estimate <= 1
    assert effect.se > 0
    assert effect.ci_low < effect.estimate < effect.ci_high

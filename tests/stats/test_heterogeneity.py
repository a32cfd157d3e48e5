"""Tests for the Cochrane-standard additions to the pooling engine (issue 12).

REML and Paule-Mandel τ² (stats.heterogeneity), the Hartung-Knapp-Sidik-Jonkman adjustment,
prediction intervals, Egger's regression test (stats.bias) and the test for subgroup
differences, all reached through stats.pooling.

Reference values
----------------
The literals below were produced with R 4.2.2 and metafor 3.8.1 (Debian bookworm packages
r-base-core and r-cran-metafor) on metafor's dat.bcg, with

    dat <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)

and printed with sprintf("%.12f"). The call that produced each value is named next to it.
Iterated estimators were run with tight tolerances,
``control=list(threshold=1e-14, tol=1e-14, maxiter=10000)``, so the literals are the converged
roots; with metafor's defaults REML prints τ² = 0.313243326 (threshold 1e-5) and PM prints
τ² = 0.318093712 (uniroot tolerance ≈ 1.2e-4), which are within those defaults' own tolerances
of the converged values. metafor 3.8's predict() gives a z-based prediction interval; the
t(k - 2) interval of Higgins et al. (2009) was computed in R from metafor's estimate, SE and τ²
as ``b ± qt(0.975, k - 2) * sqrt(tau2 + se^2)``.

The values metafor's documentation prints for dat.bcg (REML: τ² = 0.3132, estimate -0.7145,
se 0.1798) are checked as well, to the 4 decimals printed.

Independent numpy references (Fisher scoring for REML as metafor does it, bisection for PM)
check the estimators on random data; they share no code with stats.
"""

from __future__ import annotations

import copy
import math
import pickle
import random
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

import reviews.statistics
import stats.pooling
from stats.heterogeneity import estimate_tau2, generalised_q
from stats.pooling import (
    TAU2_ESTIMATORS,
    EggerTest,
    Pooled,
    SubgroupDifference,
    egger_test,
    pool_binary,
    pool_continuous,
    pool_generic,
    subgroup_difference,
)
from tests.bcg import BCG, BCG_CELLS

# escalc(measure="RR"): yi = log((a/n1)/(c/n2)), vi = 1/a - 1/n1 + 1/c - 1/n2 (no zero cells).
BCG_YI = [math.log((a / (a + b)) / (c / (c + d))) for a, b, c, d in BCG_CELLS]
BCG_VI = [1 / a - 1 / (a + b) + 1 / c - 1 / (c + d) for a, b, c, d in BCG_CELLS]
# dat.bcg$alloc
BCG_ALLOC = ["random"] * 4 + ["alternate"] * 2 + ["random"] * 3 + ["systematic"] * 4

EXACT = 1e-9  # literals printed to 12 decimals; closed-form and converged values agree to this


def _log(pooled: Pooled, name: str) -> float:
    return math.log(getattr(pooled, name))


# --------------------------------------------------------------------------------------------
# metafor on dat.bcg


def test_bcg_escalc_values_match_metafor():
    # print(dat[, c("yi", "vi")], digits=15): first and last study
    assert BCG_YI[0] == pytest.approx(-0.889311333920205, abs=1e-14)
    assert BCG_VI[0] == pytest.approx(0.325584765003961, abs=1e-14)
    assert BCG_YI[12] == pytest.approx(-0.017313948216880, abs=1e-14)
    assert BCG_VI[12] == pytest.approx(0.071404659683986, abs=1e-14)


def test_bcg_reml_matches_metafor():
    # rma(yi, vi, data=dat, method="REML", control=list(threshold=1e-14, maxiter=10000))
    res = pool_binary(BCG, measure="RR", method="IV", model="random", tau2_estimator="REML")
    assert res.tau2 == pytest.approx(0.313243258136, abs=EXACT)
    assert _log(res, "estimate") == pytest.approx(-0.714532342158, abs=EXACT)
    assert res.se == pytest.approx(0.179781516105, abs=EXACT)
    assert _log(res, "ci_low") == pytest.approx(-1.066897638810, abs=EXACT)
    assert _log(res, "ci_high") == pytest.approx(-0.362167045506, abs=EXACT)
    assert res.z == pytest.approx(-3.974448306132, abs=EXACT)
    assert res.p == pytest.approx(7.05425810164e-05, rel=1e-9)
    assert res.q == pytest.approx(152.233008082373, abs=EXACT)  # QE
    # I² comes from Q as RevMan reports it (92.1173, the DL/metan value), not from τ² as
    # metafor prints it for REML (92.2214).
    assert res.i2 == pytest.approx(92.117346854562, abs=EXACT)
    assert res.tau2_estimator == "REML" and res.hartung_knapp is False and res.t_df is None


def test_bcg_reml_matches_the_values_metafor_documents():
    # metafor documentation / Viechtbauer (2010) for dat.bcg, log RR, REML:
    # tau^2 = 0.3132, estimate = -0.7145, se = 0.1798 (4 decimals printed)
    res = pool_generic(BCG_YI, BCG_VI, model="random", tau2_estimator="REML")
    assert round(res.tau2, 4) == 0.3132
    assert round(res.estimate, 4) == -0.7145
    assert round(res.se, 4) == 0.1798


def test_bcg_reml_within_the_default_metafor_tolerance():
    # rma(yi, vi, data=dat, method="REML") with metafor's default threshold 1e-5:
    # tau2 0.313243325981, b -0.714532348365, se 0.179781531780
    res = pool_generic(BCG_YI, BCG_VI, model="random", tau2_estimator="REML")
    assert res.tau2 == pytest.approx(0.313243325981, abs=1e-5)
    assert res.estimate == pytest.approx(-0.714532348365, abs=1e-5)
    assert res.se == pytest.approx(0.179781531780, abs=1e-5)


def test_bcg_paule_mandel_matches_metafor():
    # rma(yi, vi, data=dat, method="PM", control=list(tol=1e-14, threshold=1e-14, maxiter=10000))
    res = pool_generic(BCG_YI, BCG_VI, model="random", tau2_estimator="PM")
    assert res.tau2 == pytest.approx(0.318068452205, abs=EXACT)
    assert res.estimate == pytest.approx(-0.714968153493, abs=EXACT)
    assert res.se == pytest.approx(0.180892191538, abs=EXACT)
    assert res.ci_low == pytest.approx(-1.069510333992, abs=EXACT)
    assert res.ci_high == pytest.approx(-0.360425972995, abs=EXACT)
    assert res.z == pytest.approx(-3.952454483613, abs=EXACT)
    # sum((yi - b)^2 / (vi + tau2)) in R: 12.000000000000 = k - 1
    assert generalised_q(BCG_YI, BCG_VI, res.tau2) == pytest.approx(12.0, abs=1e-9)
    # rma(..., method="PM") with metafor's default uniroot tolerance prints tau2 0.318093711863
    assert res.tau2 == pytest.approx(0.318093711863, abs=1e-4)


def test_bcg_dl_hartung_knapp_matches_metafor_knha():
    # rma(yi, vi, data=dat, method="DL", test="knha")
    res = pool_binary(BCG, measure="RR", method="IV", model="random", hartung_knapp=True)
    assert res.tau2 == pytest.approx(0.308760262862, abs=EXACT)
    assert _log(res, "estimate") == pytest.approx(-0.714117222073, abs=EXACT)
    assert res.se == pytest.approx(0.180696628336, abs=EXACT)
    assert _log(res, "ci_low") == pytest.approx(-1.107821354168, abs=EXACT)
    assert _log(res, "ci_high") == pytest.approx(-0.320413089978, abs=EXACT)
    assert res.z == pytest.approx(-3.952022949466, abs=EXACT)  # metafor's zval, a t statistic here
    assert res.p == pytest.approx(0.00192076676705, rel=1e-9)
    assert res.t_df == 12 and res.hartung_knapp is True and res.tau2_estimator == "DL"
    assert res.df == 12 and res.q == pytest.approx(152.233008082373, abs=EXACT)


def test_bcg_reml_and_pm_hartung_knapp_match_metafor_knha():
    # rma(yi, vi, data=dat, method="REML", test="knha", control=list(threshold=1e-14, ...))
    reml = pool_generic(BCG_YI, BCG_VI, model="random", tau2_estimator="REML", hartung_knapp=True)
    assert reml.estimate == pytest.approx(-0.714532342158, abs=EXACT)
    assert reml.se == pytest.approx(0.180791744093, abs=EXACT)
    assert reml.ci_low == pytest.approx(-1.108443713686, abs=EXACT)
    assert reml.ci_high == pytest.approx(-0.320620970631, abs=EXACT)
    assert reml.z == pytest.approx(-3.952239886525, abs=EXACT)
    assert reml.p == pytest.approx(0.00192001509606, rel=1e-9)
    # rma(yi, vi, data=dat, method="PM", test="knha", control=list(tol=1e-14, threshold=1e-14, ...))
    pm = pool_generic(BCG_YI, BCG_VI, model="random", tau2_estimator="PM", hartung_knapp=True)
    assert pm.se == pytest.approx(0.180892191538, abs=EXACT)  # = the ordinary SE: Q(τ²_PM) = k - 1
    assert pm.ci_low == pytest.approx(-1.109098381202, abs=EXACT)
    assert pm.ci_high == pytest.approx(-0.320837925785, abs=EXACT)
    assert pm.p == pytest.approx(0.00191927183128, rel=1e-9)


@pytest.mark.parametrize(
    "estimator, low, high",
    [
        # b ± qt(0.975, k - 2) * sqrt(tau2 + se^2) from rma(yi, vi, data=dat, method=...)
        ("DL", -1.998838495752, 0.570604051606),
        ("REML", -2.008375906923, 0.579311222606),
        ("PM", -2.018558054185, 0.588621747198),
    ],
)
def test_bcg_prediction_interval_matches_metafor(estimator, low, high):
    res = pool_binary(BCG, measure="RR", method="IV", model="random", tau2_estimator=estimator)
    assert _log(res, "pi_low") == pytest.approx(low, abs=EXACT)
    assert _log(res, "pi_high") == pytest.approx(high, abs=EXACT)
    # The interval uses the ordinary SE, so Hartung-Knapp does not change it.
    hk = pool_binary(BCG, measure="RR", method="IV", model="random", tau2_estimator=estimator, hartung_knapp=True)
    assert (hk.pi_low, hk.pi_high) == (res.pi_low, res.pi_high)


def test_bcg_prediction_interval_is_wider_than_metafors_z_based_one():
    # predict(rma(yi, vi, data=dat, method="DL")) in metafor 3.8 (z-based): -1.858153752732..0.429919308586
    res = pool_generic(BCG_YI, BCG_VI, model="random")
    assert res.pi_low < -1.858153752732 and res.pi_high > 0.429919308586
    t_975_df_11 = scipy_stats.t.ppf(0.975, 11)  # k - 2 = 11
    assert res.pi_high - res.estimate == pytest.approx(t_975_df_11 * math.sqrt(res.tau2 + res.se**2), rel=1e-12)


def test_bcg_egger_matches_metafor_regtest():
    # regtest(rma(yi, vi, data=dat, method="FE"), model="lm"):
    # t = -1.4013, df = 11, p = 0.1887; coef(summary(reg$fit))["Xsei", ]:
    # -2.11204212089330, se 1.507221328357008, t -1.401282002289333, p 0.188706995081979
    res = egger_test(BCG_YI, BCG_VI)
    assert isinstance(res, EggerTest)
    assert res.intercept == pytest.approx(-2.11204212089330, abs=EXACT)
    assert res.se == pytest.approx(1.507221328357008, abs=EXACT)
    assert res.statistic == pytest.approx(-1.401282002289333, abs=EXACT)
    assert res.df == 11
    assert res.p_value == pytest.approx(0.188706995081979, abs=EXACT)


def test_bcg_subgroup_difference_fixed_matches_metafor():
    # rma(yi, vi, mods=~factor(alloc), data=dat, method="FE"): QM 19.865369819666, df 2,
    # p 4.85612383628e-05; and the same as QE(all) - sum(QE(within)) = 152.233008082373 -
    # (5.562513507984 + 110.213261175188 + 16.591863579536)
    res = subgroup_difference(BCG_YI, BCG_VI, BCG_ALLOC, model="fixed")
    assert isinstance(res, SubgroupDifference)
    assert res.q == pytest.approx(19.865369819666, abs=EXACT)
    assert res.df == 2
    assert res.p_value == pytest.approx(4.85612383628e-05, rel=1e-9)
    assert res.i2 == pytest.approx(100 * (19.865369819666 - 2) / 19.865369819666, abs=EXACT)


def test_bcg_subgroup_difference_random_matches_metafor():
    # DL within each subgroup: est <- sapply(split(dat, dat$alloc), function(d) rma(yi, vi,
    # data=d, method="DL")$b), likewise se; then rma(est, sei=se, method="FE"):
    # QE 1.536768872063, df 2, QEp 0.46376170011, I2 0
    res = subgroup_difference(BCG_YI, BCG_VI, BCG_ALLOC, model="random")
    assert res.q == pytest.approx(1.536768872063, abs=EXACT)
    assert res.df == 2
    assert res.p_value == pytest.approx(0.46376170011, rel=1e-9)
    assert res.i2 == 0.0


def test_bcg_default_keywords_change_nothing():
    # tau2_estimator="DL", hartung_knapp=False are the defaults: the published DL result stands.
    plain = pool_binary(BCG, measure="RR", method="IV", model="random")
    explicit = pool_binary(BCG, measure="RR", method="IV", model="random", tau2_estimator="DL", hartung_knapp=False)
    assert plain == explicit and _extras(plain) == _extras(explicit)
    assert plain.tau2 == pytest.approx(0.308760262862, abs=EXACT)
    assert plain.tau2_estimator == "DL" and plain.hartung_knapp is False and plain.t_df is None


# --------------------------------------------------------------------------------------------
# Pooled's new attributes


def _extras(res: Pooled) -> tuple:
    return (res.pi_low, res.pi_high, res.tau2_estimator, res.hartung_knapp, res.t_df)


def test_pooled_constructor_without_the_new_keywords_still_works():
    res = Pooled(
        estimate=0.1, se=0.1, ci_low=-0.1, ci_high=0.3, z=1.0, p=0.3, q=0.0, df=0, q_p=None, i2=0.0, tau2=0.0, k=1
    )
    assert _extras(res) == (None, None, "DL", False, None)
    assert "pi_low=None" in repr(res) and "tau2_estimator='DL'" in repr(res)


def test_pooled_new_attributes_survive_pickling_and_copying():
    res = pool_generic(BCG_YI, BCG_VI, model="random", tau2_estimator="PM", hartung_knapp=True)
    for clone in (pickle.loads(pickle.dumps(res)), copy.deepcopy(res)):  # noqa: S301
        assert clone == res and _extras(clone) == _extras(res)


def test_pooled_new_attributes_are_frozen():
    res = pool_generic(BCG_YI, BCG_VI, model="random")
    with pytest.raises(AttributeError):
        res.pi_low = 0.0  # type: ignore[misc]


def test_prediction_interval_is_none_for_fixed_or_fewer_than_three_studies():
    assert _extras(pool_generic(BCG_YI, BCG_VI, model="fixed"))[:2] == (None, None)
    two = pool_generic(BCG_YI[:2], BCG_VI[:2], model="random", tau2_estimator="REML")
    assert (two.pi_low, two.pi_high) == (None, None)
    three = pool_generic(BCG_YI[:3], BCG_VI[:3], model="random")
    assert three.pi_low is not None and three.pi_high is not None


def test_prediction_interval_on_the_ratio_scale_and_for_mantel_haenszel_random():
    for measure in ("RR", "OR"):
        res = pool_binary(BCG, measure=measure, method="MH", model="random")
        assert 0 < res.pi_low < res.ci_low < res.estimate < res.ci_high < res.pi_high
        half = scipy_stats.t.ppf(0.975, res.k - 2) * math.sqrt(res.tau2 + res.se**2)
        assert math.log(res.pi_high) - math.log(res.estimate) == pytest.approx(half, rel=1e-12)
    assert pool_binary(BCG, measure="RR", method="MH", model="fixed").pi_low is None


def test_continuous_pooling_takes_the_new_keywords():
    groups = [
        (55, 47, 155, 75, 64, 156),
        (27, 7, 31, 29, 4, 32),
        (64, 17, 75, 119, 29, 71),
        (66, 20, 18, 137, 48, 18),
        (14, 8, 8, 18, 11, 13),
    ]
    res = pool_continuous(groups, measure="MD", model="random", tau2_estimator="PM", hartung_knapp=True)
    ys = [m1 - m2 for m1, _, _, m2, _, _ in groups]
    vs = [s1**2 / n1 + s2**2 / n2 for _, s1, n1, _, s2, n2 in groups]
    expected = pool_generic(ys, vs, model="random", tau2_estimator="PM", hartung_knapp=True)
    assert res == expected and _extras(res) == _extras(expected)
    assert res.t_df == 4


# --------------------------------------------------------------------------------------------
# Edge cases


def test_reml_finds_the_global_maximum_when_the_likelihood_has_two():
    # Restricted likelihood with a local maximum at 0 and the global one inside:
    # rma(c(0, 0, 2.5), c(.125, .125, 1), method="REML", control=list(threshold=1e-12)) gives
    # tau2 0.9206171; with control=list(tau2.init=0) Fisher scoring stays at the local maximum 0.
    ys, vs = [0.0, 0.0, 2.5], [0.125, 0.125, 1.0]
    tau2 = estimate_tau2(ys, vs, estimator="REML")
    assert tau2 == pytest.approx(0.9206171, abs=1e-7)
    assert _ref_restricted_log_likelihood(ys, vs, tau2) > _ref_restricted_log_likelihood(ys, vs, 0.0)


def test_reml_where_metafors_fisher_scoring_oscillates():
    # rma(c(0,0,0,0,1), c(1,1,1,1,.0625), method="REML") stops with "Fisher scoring algorithm did
    # not converge"; with control=list(stepadj=0.5, threshold=1e-12) it gives 0.143598760809.
    tau2 = estimate_tau2([0, 0, 0, 0, 1], [1, 1, 1, 1, 0.0625], estimator="REML")
    assert tau2 == pytest.approx(0.143598760809, abs=EXACT)


@pytest.mark.parametrize("estimator", TAU2_ESTIMATORS)
def test_single_study_has_zero_tau2(estimator):
    res = pool_generic([0.5], [0.04], model="random", tau2_estimator=estimator)
    assert res.tau2 == 0.0 and res.estimate == 0.5 and res.pi_low is None


def test_hartung_knapp_with_studies_that_agree_exactly():
    res = pool_generic([0.3, 0.3, 0.3], [0.1, 0.2, 0.3], model="random", hartung_knapp=True)
    # no residual: the HKSJ SE is 0, the interval collapses and the test statistic is infinite
    assert res.se == 0.0 and res.ci_low == res.ci_high == 0.3
    assert res.z == math.inf and res.p == 0.0
    zero = pool_generic([0.0, 0.0, 0.0], [0.1, 0.2, 0.3], model="random", hartung_knapp=True)
    assert zero.z == 0.0 and zero.p == 1.0


def test_hartung_knapp_may_narrow_the_interval_untruncated():
    # Q below k - 1: τ² = 0 and the HKSJ scale factor Q / (k - 1) < 1 is kept (as metafor's knha).
    ys, vs = [0.10, 0.12, 0.11, 0.105], [0.04, 0.05, 0.06, 0.05]
    plain = pool_generic(ys, vs, model="random")
    hk = pool_generic(ys, vs, model="random", hartung_knapp=True)
    assert plain.tau2 == 0.0 and hk.se < plain.se
    assert hk.se == pytest.approx(plain.se * math.sqrt(plain.q / 3), rel=1e-12)


@pytest.mark.parametrize("variances", [[0.01, 0.04, 0.09, 0.16], [0.01, 0.03, 0.09, 0.16]])
def test_egger_when_the_studies_agree_exactly(variances):
    # y_i = 0.4 for all: y/se = 0.4 · (1/se), a line through the origin, so intercept 0 with no
    # residual; reported as statistic 0 and p 1 (not rounding noise divided by rounding noise).
    res = egger_test([0.4] * 4, variances)
    assert res == EggerTest(intercept=0.0, se=0.0, statistic=0.0, df=2, p_value=1.0)


def test_egger_intercept_does_not_depend_on_a_common_shift():
    shifted = egger_test([y + 3.0 for y in BCG_YI], BCG_VI)
    res = egger_test(BCG_YI, BCG_VI)
    assert shifted.intercept == pytest.approx(res.intercept, rel=1e-12)
    assert shifted.se == pytest.approx(res.se, rel=1e-12)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: pool_generic(BCG_YI, BCG_VI, model="random", tau2_estimator="HS"), "tau2_estimator must be one of"),
        (lambda: pool_generic(BCG_YI, BCG_VI, model="random", tau2_estimator="reml"), "tau2_estimator must be one of"),
        (lambda: pool_generic(BCG_YI, BCG_VI, hartung_knapp=True), "random-effects model only"),
        (lambda: pool_generic(BCG_YI, BCG_VI, model="random", hartung_knapp=1), "True or False"),
        (lambda: pool_generic([0.1], [0.01], model="random", hartung_knapp=True), "at least 2 studies"),
        (lambda: pool_binary(BCG, method="MH", model="random", tau2_estimator="REML"), "method='MH'"),
        (lambda: pool_binary(BCG, method="MH", model="random", hartung_knapp=True), "method='MH'"),
        (lambda: pool_binary(BCG, model="fixed", hartung_knapp=True), "random-effects model only"),
        (lambda: pool_continuous([(1, 1, 10, 2, 1, 10)], tau2_estimator="EB"), "tau2_estimator must be one of"),
        (lambda: pool_continuous([(1, 1, 10, 2, 1, 10)], hartung_knapp=True), "random-effects model only"),
        (lambda: egger_test(BCG_YI[:2], BCG_VI[:2]), "at least 3 studies"),
        (lambda: egger_test([0.1, 0.2, 0.3], [0.1, 0.1, 0.1]), "differing precision"),
        (lambda: egger_test([0.1, 0.2, 0.3], [0.1, 0.1]), "must match"),
        (lambda: subgroup_difference(BCG_YI, BCG_VI, ["a"] * 13), "at least 2 subgroups"),
        (lambda: subgroup_difference(BCG_YI, BCG_VI, ["a", "b"]), "must match"),
        (lambda: subgroup_difference(BCG_YI[:2], BCG_VI[:2], [["a"], ["b"]]), "hashable"),
        (lambda: subgroup_difference(BCG_YI, BCG_VI, BCG_ALLOC, model="mixed"), "model must be one of"),
        (lambda: estimate_tau2(BCG_YI, BCG_VI, estimator="SJ"), "tau2_estimator must be one of"),
        (lambda: generalised_q(BCG_YI, BCG_VI, -0.1), "must not be negative"),
    ],
)
def test_invalid_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------------------------
# Independent references (numpy; no code shared with stats)


def _ref_reml_fisher(y, v, threshold=1e-13, maxiter=5_000) -> float:
    """REML by Fisher scoring from Hedges' estimator, truncated at 0 (as metafor's rma.uni).

    Full steps first; if they oscillate, damped steps (metafor's remedy, control=list(stepadj=)).
    """
    for step in (1.0, 0.5, 0.25):
        try:
            return _ref_reml_fisher_steps(y, v, step, threshold, maxiter)
        except ArithmeticError:
            continue
    raise AssertionError("Fisher scoring did not converge")


def _ref_reml_fisher_steps(y, v, step, threshold, maxiter) -> float:
    y, v = np.asarray(y, float), np.asarray(v, float)
    if len(y) == 1:
        return 0.0
    tau2 = max(0.0, float(np.var(y, ddof=1) - np.mean(v)))  # Hedges' estimator as the start
    for _ in range(maxiter):
        w = 1.0 / (v + tau2)
        p = np.diag(w) - np.outer(w, w) / w.sum()
        py = p @ y
        adj = step * (py @ py - np.trace(p)) / np.trace(p @ p)
        if tau2 + adj <= 0:
            if tau2 == 0:
                return 0.0  # the score is negative at the boundary: a maximum at 0
            adj = -tau2  # truncate at 0, then look at the score there
        tau2 += adj
        if abs(adj) <= threshold:
            return tau2
    raise ArithmeticError("no convergence")


def _ref_restricted_log_likelihood(y, v, tau2) -> float:
    y, v = np.asarray(y, float), np.asarray(v, float) + tau2
    w = 1.0 / v
    mu = (w * y).sum() / w.sum()
    return float(-0.5 * (np.log(v).sum() + np.log(w.sum()) + (w * (y - mu) ** 2).sum()))


def _ref_pm_bisection(y, v) -> float:
    """Paule-Mandel by bisection on Q(τ²) - (k - 1)."""
    y, v = np.asarray(y, float), np.asarray(v, float)

    def excess(tau2):
        w = 1.0 / (v + tau2)
        mu = (w * y).sum() / w.sum()
        return (w * (y - mu) ** 2).sum() - (len(y) - 1)

    if len(y) == 1 or excess(0.0) <= 0:
        return 0.0
    low, high = 0.0, 1.0
    while excess(high) > 0:
        high *= 2
    for _ in range(200):
        mid = (low + high) / 2
        low, high = (mid, high) if excess(mid) > 0 else (low, mid)
    return (low + high) / 2


def _ref_egger(y, v):
    se = np.sqrt(np.asarray(v, float))
    x = np.column_stack([np.ones_like(se), 1 / se])
    z = np.asarray(y, float) / se
    beta, rss, *_ = np.linalg.lstsq(x, z, rcond=None)
    sigma2 = float(rss[0]) / (len(z) - 2)
    cov = sigma2 * np.linalg.inv(x.T @ x)
    return float(beta[0]), float(np.sqrt(cov[0, 0]))


def test_bcg_estimators_agree_with_the_independent_references():
    assert estimate_tau2(BCG_YI, BCG_VI, estimator="REML") == pytest.approx(_ref_reml_fisher(BCG_YI, BCG_VI), abs=1e-10)
    assert estimate_tau2(BCG_YI, BCG_VI, estimator="PM") == pytest.approx(_ref_pm_bisection(BCG_YI, BCG_VI), abs=1e-10)
    intercept, se = _ref_egger(BCG_YI, BCG_VI)
    res = egger_test(BCG_YI, BCG_VI)
    assert res.intercept == pytest.approx(intercept, rel=1e-9) and res.se == pytest.approx(se, rel=1e-9)


# --------------------------------------------------------------------------------------------
# Properties

_estimates = st.floats(min_value=-5, max_value=5, allow_nan=False)
_variances = st.floats(min_value=1e-3, max_value=5, allow_nan=False)
_studies = st.lists(st.tuples(_estimates, _variances), min_size=1, max_size=15)
_options = st.tuples(st.sampled_from(TAU2_ESTIMATORS), st.booleans())


@settings(max_examples=60, deadline=None)
@given(_studies, st.sampled_from(["REML", "PM"]))
def test_reml_and_pm_agree_with_the_independent_references(studies, estimator):
    ys, vs = zip(*studies, strict=True)
    got = estimate_tau2(ys, vs, estimator=estimator)
    if estimator == "PM":
        assert got == pytest.approx(_ref_pm_bisection(ys, vs), rel=1e-7, abs=1e-9)
        return
    # Fisher scoring follows one path to a local maximum; ours is the global one, so it is as
    # likely or more, and the same estimate whenever Fisher scoring found the global maximum.
    expected = _ref_reml_fisher(ys, vs)
    ll_got = _ref_restricted_log_likelihood(ys, vs, got)
    ll_expected = _ref_restricted_log_likelihood(ys, vs, expected)
    tolerance = 1e-10 * max(1.0, abs(ll_expected))
    assert ll_got >= ll_expected - tolerance
    if ll_got <= ll_expected + tolerance:
        assert got == pytest.approx(expected, rel=1e-6, abs=1e-8)


@settings(max_examples=60, deadline=None)
@given(_studies, _options, st.randoms(use_true_random=False))
def test_pooling_is_invariant_under_study_order(studies, options, rnd):
    estimator, hartung_knapp = options
    assume(len(studies) >= 2 or not hartung_knapp)
    shuffled = list(studies)
    rnd.shuffle(shuffled)
    kwargs = {"model": "random", "tau2_estimator": estimator, "hartung_knapp": hartung_knapp}
    before = pool_generic(*zip(*studies, strict=True), **kwargs)
    after = pool_generic(*zip(*shuffled, strict=True), **kwargs)
    # math.fsum makes every sum exactly rounded, so the results are identical.
    assert before == after and _extras(before) == _extras(after)


@given(_estimates, st.lists(_variances, min_size=1, max_size=15), st.sampled_from(TAU2_ESTIMATORS))
def test_studies_that_agree_exactly_give_zero_tau2(y, vs, estimator):
    res = pool_generic([y] * len(vs), vs, model="random", tau2_estimator=estimator)
    assert res.tau2 == 0.0 and res.q == 0.0 and res.i2 == 0.0
    assert res.estimate == y


@settings(deadline=None)
@given(_studies.filter(lambda s: len(s) >= 3), st.sampled_from(TAU2_ESTIMATORS))
def test_prediction_interval_is_wider_than_the_confidence_interval(studies, estimator):
    ys, vs = zip(*studies, strict=True)
    res = pool_generic(ys, vs, model="random", tau2_estimator=estimator)
    assert res.pi_low <= res.ci_low < res.estimate < res.ci_high <= res.pi_high
    assert res.pi_high - res.pi_low > res.ci_high - res.ci_low


@settings(deadline=None)
@given(_studies.filter(lambda s: len(s) >= 2), st.sampled_from(TAU2_ESTIMATORS))
def test_hartung_knapp_uses_t_on_k_minus_one_degrees_of_freedom(studies, estimator):
    ys, vs = zip(*studies, strict=True)
    res = pool_generic(ys, vs, model="random", tau2_estimator=estimator, hartung_knapp=True)
    plain = pool_generic(ys, vs, model="random", tau2_estimator=estimator)
    k = len(ys)
    assert res.t_df == k - 1 and res.hartung_knapp is True and res.df == k - 1
    assert res.estimate == plain.estimate and res.tau2 == plain.tau2
    critical = scipy_stats.t.ppf(0.975, k - 1)
    assert res.ci_high - res.ci_low == pytest.approx(2 * critical * res.se, rel=1e-9, abs=1e-12)
    # SE² = Q(τ²) / (k - 1) · (ordinary SE²)
    scale = generalised_q(ys, vs, res.tau2) / (k - 1)
    assert res.se == pytest.approx(plain.se * math.sqrt(scale), rel=1e-9, abs=1e-15)


@settings(deadline=None)
@given(_studies.filter(lambda s: len(s) >= 2))
def test_paule_mandel_sets_the_generalised_q_to_its_expectation(studies):
    ys, vs = zip(*studies, strict=True)
    tau2 = estimate_tau2(ys, vs, estimator="PM")
    if tau2 > 0:
        assert generalised_q(ys, vs, tau2) == pytest.approx(len(ys) - 1, rel=1e-9)
    else:
        assert generalised_q(ys, vs, 0.0) <= len(ys) - 1


_labelled = st.lists(st.tuples(_estimates, _variances, st.sampled_from("abc")), min_size=2, max_size=15).filter(
    lambda rows: len({label for *_, label in rows}) >= 2
)


@given(_labelled)
def test_fixed_subgroup_q_plus_the_within_qs_is_the_total_q(rows):
    ys, vs, labels = zip(*rows, strict=True)
    res = subgroup_difference(ys, vs, labels, model="fixed")
    within = math.fsum(
        pool_generic([y for y, _, g in rows if g == label], [v for _, v, g in rows if g == label]).q
        for label in set(labels)
    )
    total = pool_generic(ys, vs).q
    assert res.q >= 0 and res.df == len(set(labels)) - 1
    assert res.q + within == pytest.approx(total, rel=1e-9, abs=1e-9)
    assert 0.0 <= res.p_value <= 1.0 and 0.0 <= res.i2 < 100


@given(_labelled, st.randoms(use_true_random=False))
def test_random_subgroup_q_is_non_negative_and_order_free(rows, rnd):
    ys, vs, labels = zip(*rows, strict=True)
    res = subgroup_difference(ys, vs, labels, model="random")
    assert res.q >= 0 and res.df == len(set(labels)) - 1 and 0.0 <= res.p_value <= 1.0
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert subgroup_difference(*zip(*shuffled, strict=True), model="random") == res


@given(st.lists(st.tuples(_estimates, _variances), min_size=3, max_size=15), st.randoms(use_true_random=False))
def test_egger_is_order_free_and_matches_least_squares(studies, rnd):
    ys, vs = zip(*studies, strict=True)
    assume(max(vs) > min(vs) * 1.01)
    res = egger_test(ys, vs)
    shuffled = list(studies)
    rnd.shuffle(shuffled)
    assert egger_test(*zip(*shuffled, strict=True)) == res
    intercept, se = _ref_egger(ys, vs)
    assume(se > 1e-6)
    assert res.intercept == pytest.approx(intercept, rel=1e-6, abs=1e-6)
    assert res.se == pytest.approx(se, rel=1e-6, abs=1e-9)
    assert res.df == len(ys) - 2 and 0.0 <= res.p_value <= 1.0


def test_random_permutation_of_bcg_keeps_every_new_number():
    order = list(range(13))
    random.Random(12).shuffle(order)
    for estimator in TAU2_ESTIMATORS:
        a = pool_generic(BCG_YI, BCG_VI, model="random", tau2_estimator=estimator, hartung_knapp=True)
        b = pool_generic(
            [BCG_YI[i] for i in order],
            [BCG_VI[i] for i in order],
            model="random",
            tau2_estimator=estimator,
            hartung_knapp=True,
        )
        assert a == b and _extras(a) == _extras(b)


def test_reviews_statistics_reexports_the_new_names():
    for name in ["TAU2_ESTIMATORS", "EggerTest", "egger_test", "SubgroupDifference", "subgroup_difference"]:
        assert name in stats.pooling.__all__
        assert getattr(reviews.statistics, name) is getattr(stats.pooling, name)


def test_the_new_modules_import_no_django():
    code = (
        "import sys, stats.heterogeneity, stats.bias, stats.pooling; "
        "print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert result.stdout.strip() == "False"

"""Pooling study results: fixed- and random-effects meta-analysis.

A pure module (no Django) that combines the effect sizes of several studies
the way Review Manager 5 and the R package metafor do:

* ``pool_generic`` pools estimates with known sampling variances
  (generic inverse variance);
* ``pool_binary`` pools 2x2 tables as risk ratios, odds ratios or risk
  differences, by inverse variance ("IV") or Mantel-Haenszel ("MH");
* ``pool_continuous`` pools group means as standardised mean differences
  (Hedges' g) or raw mean differences;
* ``subgroup_difference`` tests whether subgroups of studies differ;
* ``egger_test`` (from :mod:`stats.bias`) is Egger's regression test for
  funnel-plot asymmetry.

The τ² estimators (DerSimonian-Laird, REML, Paule-Mandel) live in
:mod:`stats.heterogeneity`.

Per-study effect sizes come from :mod:`catalogue.statistics` (``hedges_g``,
``risk_ratio``, ``odds_ratio``, ``risk_difference``), so a study shows the same
number on its own page as it contributes to a pooled result.

Conventions
-----------
* Inverse-variance weights ``w_i = 1 / v_i``.
* Cochran's Q is taken around the fixed-effect estimate (the inverse-variance
  estimate, or the Mantel-Haenszel estimate for ``method="MH"``), always with
  the per-study inverse-variance weights; ``df = k - 1``; ``q_p`` is the upper
  tail of the chi-squared distribution with ``df`` degrees of freedom, and is
  ``None`` when ``df == 0`` (a single study: there is no heterogeneity test).
* ``I² = max(0, (Q - df) / Q)`` in percent, 0 when ``Q == 0`` or ``df == 0``
  (Higgins & Thompson 2002).
* ``tau2`` is, by default, the DerSimonian-Laird moment estimate
  ``max(0, (Q - df) / (Σw - Σw² / Σw))`` (DerSimonian & Laird 1986);
  ``tau2_estimator="REML"`` or ``"PM"`` choose restricted maximum likelihood
  or Paule-Mandel instead (Viechtbauer 2005; Paule & Mandel 1982; formulas in
  :mod:`stats.heterogeneity`). Like Q and I² it is reported for both models
  (as R's ``meta`` package prints it); it only enters the weights,
  ``1 / (v_i + tau2)``, when ``model="random"``. I² always comes from Q,
  whichever estimator gave τ² (as RevMan reports it; metafor instead derives
  its I² from τ², so its I² differs for REML and PM).
* ``hartung_knapp=True`` (random effects only): the Hartung-Knapp-Sidik-
  Jonkman standard error ``sqrt(Σw*(y - μ̂)² / ((k - 1) Σw*))`` with
  ``w* = 1 / (v + τ²)``, not truncated, and a t-based interval and test on
  ``k - 1`` degrees of freedom (Hartung & Knapp 2001; Sidik & Jonkman 2002;
  metafor's ``test="knha"``).
* Prediction interval (random effects, k ≥ 3): ``μ̂ ± t(0.975, k - 2) ·
  sqrt(τ² + SE(μ̂)²)`` with the ordinary (not Hartung-Knapp) SE (Higgins,
  Thompson & Spiegelhalter 2009; Cochrane Handbook 10.10.4.3), on the ratio
  scale for RR and OR. ``None`` otherwise.
* 95% confidence intervals ``estimate ± 1.959964 · se`` (``t(0.975, k - 1) · se``
  with Hartung-Knapp) and a two-sided normal (t) p-value for
  ``z = estimate / se``, all on the analysis scale. For RR and OR the
  analysis scale is the log scale: ``se`` and ``z`` are on the log scale,
  ``estimate``, ``ci_low`` and ``ci_high`` are back-transformed to ratios.

Zero cells (binary data), following Review Manager 5
----------------------------------------------------
* A study with a zero in any of its four cells gets 0.5 added to all four
  cells, for the inverse-variance per-study effects (done by
  ``catalogue.statistics``) and for the Mantel-Haenszel weights and variance
  alike. RevMan 5 applies its correction to M-H as well (Deeks & Higgins 2010;
  Cochrane Handbook 5.1 §9.4.4; Ades et al. 2025 discuss this RevMan
  default); studies without a zero cell enter M-H with their raw counts. Note
  that metafor's ``rma.mh`` differs here: it applies M-H to the raw counts.
* For RR and OR a study with no events in both arms, or with all participants
  having the event in both arms, carries no information and is left out;
  ``k`` counts the studies actually pooled. If no study is left,
  ``ValueError`` is raised.
* For RD such studies are kept (a risk difference of 0 is informative); they
  get the 0.5 correction like any other study with a zero cell.

References
----------
* DerSimonian R, Laird N (1986). Meta-analysis in clinical trials.
  Controlled Clinical Trials 7:177-188.
* Higgins JPT, Thompson SG (2002). Quantifying heterogeneity in a
  meta-analysis. Statistics in Medicine 21:1539-1558.
* Deeks JJ, Higgins JPT (2010). Statistical algorithms in Review Manager 5.
  Statistical Methods Group of The Cochrane Collaboration.
* Mantel N, Haenszel W (1959). Statistical aspects of the analysis of data
  from retrospective studies of disease. JNCI 22:719-748.
* Greenland S, Robins JM (1985). Estimation of a common effect parameter from
  sparse follow-up data. Biometrics 41:55-68.
* Robins J, Breslow N, Greenland S (1986). Estimators of the Mantel-Haenszel
  variance consistent in both sparse data and large-strata limiting models.
  Biometrics 42:311-323.
* Viechtbauer W (2005). Bias and efficiency of meta-analytic variance
  estimators in the random-effects model. Journal of Educational and
  Behavioral Statistics 30:261-293.
* Paule RC, Mandel J (1982). Consensus values and weighting factors. Journal
  of Research of the National Bureau of Standards 87:377-385.
* Hartung J, Knapp G (2001). A refined method for the meta-analysis of
  controlled clinical trials with binary outcome. Statistics in Medicine
  20:3875-3889.
* Sidik K, Jonkman JN (2002). A simple confidence interval for meta-analysis.
  Statistics in Medicine 21:3153-3159.
* Higgins JPT, Thompson SG, Spiegelhalter DJ (2009). A re-evaluation of
  random-effects meta-analysis. JRSS A 172:137-159.
* Borenstein M, Hedges LV, Higgins JPT, Rothstein HR (2009). Introduction to
  Meta-Analysis, chapter 19 (subgroup analyses). Wiley.
* Higgins JPT et al. (eds). Cochrane Handbook for Systematic Reviews of
  Interventions, version 6.5 (2024): 10.10.4.3 (prediction intervals),
  10.11.3.1 (comparing subgroups).
* Egger M, Davey Smith G, Schneider M, Minder C (1997). Bias in meta-analysis
  detected by a simple, graphical test. BMJ 315:629-634.
* Viechtbauer W (2010). Conducting meta-analyses in R with the metafor
  package. Journal of Statistical Software 36(3):1-48; metafor documentation
  for ``rma.uni`` and ``rma.mh``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from scipy import stats

from ._inputs import _choice, _finite, _flag, _rows, _studies
from .bias import EggerTest, egger_test
from .effects import (
    Z_95,
    hedges_g,
    odds_ratio,
    risk_difference,
    risk_ratio,
    two_sided_p,
)
from .heterogeneity import (
    TAU2_ESTIMATORS,
    _dl_tau2,
    _i2,
    _q_p,
    _q_statistic,
    _tau2,
    _test_statistic,
    _weighted_mean,
)
from .mantel_haenszel import _cells, _corrected, _mantel_haenszel, _uninformative

__all__ = [
    "MODELS",
    "BINARY_MEASURES",
    "BINARY_METHODS",
    "CONTINUOUS_MEASURES",
    "TAU2_ESTIMATORS",
    "Pooled",
    "pool_generic",
    "pool_binary",
    "pool_continuous",
    "EggerTest",
    "egger_test",
    "SubgroupDifference",
    "subgroup_difference",
]

MODELS = ("fixed", "random")
BINARY_MEASURES = ("RR", "OR", "RD")
BINARY_METHODS = ("IV", "MH")
CONTINUOUS_MEASURES = ("SMD", "MD")

_RATIO_MEASURES = ("RR", "OR")
# The smallest group catalogue.statistics accepts; the same rule applies to MD here.
_MINIMUM_GROUP_SIZE = 2


@dataclass(frozen=True)
class Pooled:
    """The result of a meta-analysis, with a 95% confidence interval.

    ``estimate``, ``ci_low`` and ``ci_high`` are on the ratio scale for risk
    and odds ratios and on the natural scale otherwise; ``se`` and ``z`` are on
    the analysis scale (log scale for ratios). ``p`` is the two-sided p-value
    of ``z``. ``q``, ``df`` and ``q_p`` are Cochran's heterogeneity test
    (``q_p`` is ``None`` when ``df == 0``), ``i2`` is I² in percent, ``tau2``
    the between-study variance (analysis scale; DerSimonian-Laird unless
    another ``tau2_estimator`` was asked for) and ``k`` the number of studies
    pooled.

    With the Hartung-Knapp adjustment (``hartung_knapp`` True), ``se`` is the
    Hartung-Knapp-Sidik-Jonkman standard error, ``z`` is a t statistic on
    ``t_df = k - 1`` degrees of freedom, and ``p`` and the interval come from
    that t distribution; otherwise ``t_df`` is ``None``.

    ``pi_low`` and ``pi_high`` are the 95% prediction interval of a random-effects
    model (same scale as ``estimate``), or ``None`` for a fixed-effect model or
    fewer than three studies.

    The five fields after ``k`` describe how the result was obtained and have defaults, so older
    callers construct it as before; they are left out of ``==`` (``compare=False``), so a
    random-effects result with τ² = 0 still equals the fixed-effect one.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p: float
    q: float
    df: int
    q_p: float | None
    i2: float
    tau2: float
    k: int
    pi_low: float | None = field(default=None, compare=False)
    pi_high: float | None = field(default=None, compare=False)
    tau2_estimator: str = field(default="DL", compare=False)
    hartung_knapp: bool = field(default=False, compare=False)
    t_df: int | None = field(default=None, compare=False)


# --------------------------------------------------------------------------
# the inverse-variance core


def _check_options(model: str, tau2_estimator: str, hartung_knapp: bool) -> None:
    _choice("model", model, MODELS)
    _choice("tau2_estimator", tau2_estimator, TAU2_ESTIMATORS)
    _flag("hartung_knapp", hartung_knapp)
    if hartung_knapp and model != "random":
        raise ValueError(
            f"hartung_knapp=True applies to the random-effects model only; use model='random' (got model={model!r})"
        )


def _hartung_knapp_se(estimates: Sequence[float], weights: Sequence[float], centre: float) -> float:
    """Hartung & Knapp (2001) / Sidik & Jonkman (2002) standard error, not truncated.

    ``sqrt(Σ w_i (y_i - μ̂)² / ((k - 1) Σ w_i))`` with the random-effects weights
    ``w_i = 1 / (v_i + τ²)``: the ordinary variance ``1 / Σw`` scaled by the generalised Q over
    ``k - 1``, which may be below 1 (metafor's ``test="knha"``; the ad hoc truncation at 1 of
    Knapp & Hartung 2003 / Röver et al. 2015 is not applied).
    """
    k = len(estimates)
    scale = _q_statistic(estimates, weights, centre) / (k - 1)
    return math.sqrt(scale / math.fsum(weights))


def _result(
    estimate: float,
    se: float,
    *,
    q: float,
    df: int,
    tau2: float,
    k: int,
    ratio: bool,
    random_effects: bool = False,
    tau2_estimator: str = "DL",
    hartung_knapp_se: float | None = None,
) -> Pooled:
    """Assemble a ``Pooled`` from an estimate on the analysis scale and its ordinary SE.

    With ``hartung_knapp_se`` the interval and test use that SE and the t distribution on
    ``k - 1`` degrees of freedom. The prediction interval (random effects, k ≥ 3) is
    ``μ̂ ± t(0.975, k - 2) · sqrt(τ² + se²)`` with the ordinary ``se`` (Higgins, Thompson &
    Spiegelhalter 2009; Cochrane Handbook 10.10.4.3).
    """
    pi_low = pi_high = None
    if random_effects and k >= 3:
        half_width = float(stats.t.ppf(0.975, k - 2)) * math.sqrt(tau2 + se * se)
        pi_low, pi_high = estimate - half_width, estimate + half_width
    t_df = None
    if hartung_knapp_se is None:
        low = estimate - Z_95 * se
        high = estimate + Z_95 * se
        z = _test_statistic(estimate, se)
        p = two_sided_p(z)
    else:
        t_df = k - 1
        se = hartung_knapp_se
        critical = float(stats.t.ppf(0.975, t_df))
        low = estimate - critical * se
        high = estimate + critical * se
        z = _test_statistic(estimate, se)
        p = float(2.0 * stats.t.sf(abs(z), t_df))
    if ratio:
        estimate, low, high = math.exp(estimate), math.exp(low), math.exp(high)
        if pi_low is not None and pi_high is not None:
            pi_low, pi_high = math.exp(pi_low), math.exp(pi_high)
    return Pooled(
        estimate=estimate,
        se=se,
        ci_low=low,
        ci_high=high,
        z=z,
        p=p,
        q=q,
        df=df,
        q_p=_q_p(q, df),
        i2=_i2(q, df),
        tau2=tau2,
        k=k,
        pi_low=pi_low,
        pi_high=pi_high,
        tau2_estimator=tau2_estimator,
        hartung_knapp=hartung_knapp_se is not None,
        t_df=t_df,
    )


def _pool_iv(
    estimates: Sequence[float],
    variances: Sequence[float],
    model: str,
    *,
    ratio: bool = False,
    tau2_estimator: str = "DL",
    hartung_knapp: bool = False,
) -> Pooled:
    k = len(estimates)
    if hartung_knapp and k < 2:
        raise ValueError(
            "hartung_knapp=True needs at least 2 studies (its t distribution has k - 1 degrees of freedom); got 1"
        )
    weights = [1.0 / v for v in variances]
    fixed, fixed_se = _weighted_mean(estimates, weights)
    q = _q_statistic(estimates, weights, fixed)
    df = k - 1
    tau2 = _tau2(tau2_estimator, estimates, variances, q)
    hk_se = None
    if model == "fixed":
        estimate, se = fixed, fixed_se
    else:
        random_weights = [1.0 / (v + tau2) for v in variances]
        estimate, se = _weighted_mean(estimates, random_weights)
        if hartung_knapp:
            hk_se = _hartung_knapp_se(estimates, random_weights, estimate)
    return _result(
        estimate,
        se,
        q=q,
        df=df,
        tau2=tau2,
        k=k,
        ratio=ratio,
        random_effects=model == "random",
        tau2_estimator=tau2_estimator,
        hartung_knapp_se=hk_se,
    )


def pool_generic(
    estimates: Sequence[float],
    variances: Sequence[float],
    *,
    model: str = "fixed",
    tau2_estimator: str = "DL",
    hartung_knapp: bool = False,
) -> Pooled:
    """Generic inverse-variance pooling of estimates with known variances.

    ``model="fixed"`` gives the inverse-variance weighted mean;
    ``model="random"`` the random-effects estimate with weights
    ``1 / (v_i + τ²)``, matching RevMan 5's "IV, Fixed"/"IV, Random" and
    metafor's ``rma(yi, vi, method="FE")``/``method="DL"``. Estimates are
    pooled as given (pass log ratios, and exponentiate yourself, for ratio
    measures). Variances must be positive and finite.

    ``tau2_estimator`` chooses τ²: "DL" (DerSimonian & Laird 1986, the
    default and RevMan's), "REML" (restricted maximum likelihood) or "PM"
    (Paule & Mandel 1982); see :mod:`stats.heterogeneity` (Viechtbauer 2005).
    τ² is reported for both models but only weights the random-effects one;
    I² always comes from Cochran's Q.

    ``hartung_knapp=True`` (random effects only, at least two studies) uses
    the Hartung-Knapp-Sidik-Jonkman standard error and a t-based interval and
    test on ``k - 1`` degrees of freedom (Hartung & Knapp 2001; Sidik &
    Jonkman 2002), untruncated as metafor's ``test="knha"``.

    For ``model="random"`` with at least three studies the result carries the
    95% prediction interval ``pi_low``..``pi_high`` (Higgins, Thompson &
    Spiegelhalter 2009).
    """
    _check_options(model, tau2_estimator, hartung_knapp)
    ys, vs = _studies(estimates, variances)
    return _pool_iv(ys, vs, model, tau2_estimator=tau2_estimator, hartung_knapp=hartung_knapp)


# --------------------------------------------------------------------------
# subgroups


@dataclass(frozen=True)
class SubgroupDifference:
    """The test for subgroup differences: ``q`` on ``df`` (subgroups - 1) degrees of freedom,
    its upper chi-squared tail ``p_value``, and I² of that test in percent (as RevMan prints
    it under "Test for subgroup differences")."""

    q: float
    df: int
    p_value: float
    i2: float


def subgroup_difference(
    estimates: Sequence[float],
    variances: Sequence[float],
    groups: Sequence[Hashable],
    *,
    model: str = "fixed",
) -> SubgroupDifference:
    """Test whether the pooled effect differs between subgroups of studies.

    ``groups`` gives each study's subgroup label (any hashable value), in the order of
    ``estimates``; at least two distinct subgroups are needed.

    * ``model="fixed"``: Q between subgroups, ``Σ_g W_g (μ̂_g - μ̂)²`` with the subgroups'
      inverse-variance estimates ``μ̂_g``, their total weights ``W_g = Σ_{i∈g} 1/v_i`` and the
      overall fixed-effect estimate ``μ̂``; this equals the total Q minus the sum of the
      within-subgroup Qs (Borenstein et al. 2009, ch. 19; Cochrane Handbook 10.11.3.1).
    * ``model="random"``, as Review Manager 5 does it (Deeks & Higgins 2010): a
      DerSimonian-Laird random-effects estimate within each subgroup (τ² estimated separately
      in each), then the fixed-effect Q of those subgroup estimates with their variances.

    Both are referred to chi-squared on ``subgroups - 1`` degrees of freedom;
    ``i2 = max(0, (Q - df) / Q)``. A subgroup may hold a single study.
    """
    _choice("model", model, MODELS)
    ys, vs = _studies(estimates, variances)
    labels = list(groups)
    if len(labels) != len(ys):
        raise ValueError(f"groups has {len(labels)} labels but there are {len(ys)} studies; they must match")
    members: dict[Hashable, list[int]] = {}
    for index, label in enumerate(labels):
        try:
            members.setdefault(label, []).append(index)
        except TypeError:
            raise ValueError(f"groups[{index}] must be a hashable label; got {label!r}") from None
    if len(members) < 2:
        raise ValueError(f"subgroup_difference needs at least 2 subgroups; got {len(members)}")
    subgroup_estimates: list[float] = []
    subgroup_variances: list[float] = []
    for indices in members.values():
        pooled = _pool_iv([ys[i] for i in indices], [vs[i] for i in indices], model)
        subgroup_estimates.append(pooled.estimate)
        subgroup_variances.append(pooled.se**2)
    weights = [1.0 / v for v in subgroup_variances]
    centre, _ = _weighted_mean(subgroup_estimates, weights)
    q = _q_statistic(subgroup_estimates, weights, centre)
    df = len(members) - 1
    return SubgroupDifference(q=q, df=df, p_value=float(stats.chi2.sf(q, df)), i2=_i2(q, df))


# --------------------------------------------------------------------------
# binary outcomes


def pool_binary(
    tables: Sequence[Sequence[float]],
    *,
    measure: str = "RR",
    method: str = "IV",
    model: str = "fixed",
    tau2_estimator: str = "DL",
    hartung_knapp: bool = False,
) -> Pooled:
    """Pool 2x2 tables ``(events_t, n_t, events_c, n_c)``.

    ``measure``: "RR" (risk ratio), "OR" (odds ratio) or "RD" (risk
    difference). ``method``: "IV" (inverse variance) or "MH"
    (Mantel-Haenszel). ``model``: "fixed" or "random".

    * "IV": per-study log RR / log OR / RD and variances from
      ``catalogue.statistics``, pooled by :func:`pool_generic` rules.
    * "MH", "fixed" (RevMan 5 "M-H, Fixed"): the Mantel-Haenszel estimate with
      the Greenland & Robins (1985) variance for RR and RD and the Robins,
      Breslow & Greenland (1986) variance for OR. Heterogeneity Q is taken
      around the M-H estimate using the per-study inverse-variance effects
      and weights (Deeks & Higgins 2010).
    * "MH", "random" (RevMan 5 "M-H, Random"): inverse-variance pooling of the
      per-study effects with weights ``1 / (v_i + tau2)``, where tau2 is the
      DerSimonian-Laird estimate computed from the M-H heterogeneity Q.
      When tau2 is 0 this equals the IV fixed-effect estimate, as in RevMan.

    ``tau2_estimator`` and ``hartung_knapp`` work as in :func:`pool_generic`
    for ``method="IV"``. For ``method="MH"`` they apply only as RevMan 5 does
    it: τ² is the DerSimonian-Laird estimate from the M-H heterogeneity Q, so
    ``tau2_estimator`` must be "DL" and ``hartung_knapp`` False (anything else
    raises ``ValueError``; use ``method="IV"`` for REML, Paule-Mandel or
    Hartung-Knapp). "MH", "random" still reports a prediction interval.

    Zero cells and uninformative studies are handled as the module docstring
    describes (RevMan 5 rules); ``k`` counts the studies actually pooled.
    """
    if measure in CONTINUOUS_MEASURES:
        raise ValueError(f"measure {measure!r} is for continuous outcomes: use pool_continuous")
    _choice("measure", measure, BINARY_MEASURES)
    _choice("method", method, BINARY_METHODS)
    _check_options(model, tau2_estimator, hartung_knapp)
    if method == "MH" and (tau2_estimator != "DL" or hartung_knapp):
        raise ValueError(
            "method='MH' uses RevMan's DerSimonian-Laird tau² without the Hartung-Knapp adjustment: "
            f"tau2_estimator must be 'DL' and hartung_knapp False (got {tau2_estimator!r}, {hartung_knapp!r}); "
            "use method='IV' for REML, Paule-Mandel or Hartung-Knapp"
        )
    rows = _rows("tables", tables, 4)
    ratio = measure in _RATIO_MEASURES

    kept: list[tuple[tuple, tuple[float, float, float, float]]] = []
    for index, row in enumerate(rows):
        cells = _cells(row, index)
        if ratio and _uninformative(*cells):
            continue
        kept.append((row, cells))
    if not kept:
        raise ValueError(
            f"no study can be pooled as {measure}: every study has no events (or only events) in both groups"
        )

    effect_of = {"RR": risk_ratio, "OR": odds_ratio, "RD": risk_difference}[measure]
    estimates: list[float] = []
    variances: list[float] = []
    for row, _ in kept:
        effect = effect_of(*row)
        estimates.append(math.log(effect.estimate) if ratio else effect.estimate)
        variances.append(effect.se**2)

    if method == "IV":
        return _pool_iv(
            estimates, variances, model, ratio=ratio, tau2_estimator=tau2_estimator, hartung_knapp=hartung_knapp
        )

    weights = [1.0 / v for v in variances]
    mh_estimate, mh_se = _mantel_haenszel(measure, [_corrected(*cells) for _, cells in kept])
    q = _q_statistic(estimates, weights, mh_estimate)
    df = len(kept) - 1
    tau2 = _dl_tau2(q, weights)
    if model == "fixed":
        estimate, se = mh_estimate, mh_se
    else:
        estimate, se = _weighted_mean(estimates, [1.0 / (v + tau2) for v in variances])
    return _result(estimate, se, q=q, df=df, tau2=tau2, k=len(kept), ratio=ratio, random_effects=model == "random")


# --------------------------------------------------------------------------
# continuous outcomes


def pool_continuous(
    groups: Sequence[Sequence[float]],
    *,
    measure: str = "SMD",
    model: str = "fixed",
    method: str = "IV",
    tau2_estimator: str = "DL",
    hartung_knapp: bool = False,
) -> Pooled:
    """Pool ``(mean_t, sd_t, n_t, mean_c, sd_c, n_c)`` group summaries.

    ``measure="SMD"``: Hedges' g from ``catalogue.statistics.hedges_g``
    (small-sample factor ``1 - 3 / (4N - 9)``, variance
    ``1/n_t + 1/n_c + g² / (2N)``, as metafor's ``escalc(measure="SMD")`` with
    the approximate correction). ``measure="MD"``: ``mean_t - mean_c`` with
    variance ``sd_t²/n_t + sd_c²/n_c`` (RevMan 5). Pooled by inverse variance,
    ``model="fixed"`` or ``model="random"``, with ``tau2_estimator`` and
    ``hartung_knapp`` as in :func:`pool_generic`. ``method`` is accepted only
    as "IV": Mantel-Haenszel is defined for binary data only.
    """
    _choice("measure", measure, CONTINUOUS_MEASURES)
    _check_options(model, tau2_estimator, hartung_knapp)
    if method != "IV":
        raise ValueError(
            f"method must be 'IV' for continuous outcomes; got {method!r} "
            "(Mantel-Haenszel pooling applies to binary outcomes only)"
        )
    rows = _rows("groups", groups, 6)
    estimates: list[float] = []
    variances: list[float] = []
    for index, row in enumerate(rows):
        mean_t, sd_t, n_t, mean_c, sd_c, n_c = (
            _finite(f"groups[{index}][{position}]", value) for position, value in enumerate(row)
        )
        if n_t < _MINIMUM_GROUP_SIZE or n_c < _MINIMUM_GROUP_SIZE:
            raise ValueError(f"groups[{index}]: group sizes must be at least {_MINIMUM_GROUP_SIZE}")
        if sd_t < 0 or sd_c < 0:
            raise ValueError(f"groups[{index}]: standard deviations must not be negative")
        if measure == "SMD":
            effect = hedges_g(mean_t, sd_t, n_t, mean_c, sd_c, n_c)
            estimate, variance = effect.estimate, effect.se**2
        else:
            estimate, variance = mean_t - mean_c, sd_t**2 / n_t + sd_c**2 / n_c
        if not variance > 0.0:
            raise ValueError(f"groups[{index}]: the study has zero variance (both SDs are 0)")
        estimates.append(estimate)
        variances.append(variance)
    return _pool_iv(estimates, variances, model, tau2_estimator=tau2_estimator, hartung_knapp=hartung_knapp)

"""Pooling study results: fixed- and random-effects meta-analysis.

A pure module (no Django) that combines the effect sizes of several studies
the way Review Manager 5 and the R package metafor do:

* ``pool_generic`` pools estimates with known sampling variances
  (generic inverse variance);
* ``pool_binary`` pools 2x2 tables as risk ratios, odds ratios or risk
  differences, by inverse variance ("IV") or Mantel-Haenszel ("MH");
* ``pool_continuous`` pools group means as standardised mean differences
  (Hedges' g) or raw mean differences.

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
* ``tau2`` is the DerSimonian-Laird moment estimate
  ``max(0, (Q - df) / (Σw - Σw² / Σw))`` (DerSimonian & Laird 1986). Like
  Q and I² it is reported for both models (as R's ``meta`` package prints it);
  it only enters the weights, ``1 / (v_i + tau2)``, when ``model="random"``.
* 95% confidence intervals ``estimate ± 1.959964 · se`` and a two-sided normal
  p-value for ``z = estimate / se``, all on the analysis scale. For RR and OR
  the analysis scale is the log scale: ``se`` and ``z`` are on the log scale,
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
* Viechtbauer W (2010). Conducting meta-analyses in R with the metafor
  package. Journal of Statistical Software 36(3):1-48; metafor documentation
  for ``rma.uni`` and ``rma.mh``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from scipy import stats

from .effects import (
    Z_95,
    ZERO_CELL_CORRECTION,
    hedges_g,
    odds_ratio,
    risk_difference,
    risk_ratio,
    two_sided_p,
)

__all__ = [
    "MODELS",
    "BINARY_MEASURES",
    "BINARY_METHODS",
    "CONTINUOUS_MEASURES",
    "Pooled",
    "pool_generic",
    "pool_binary",
    "pool_continuous",
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
    the DerSimonian-Laird between-study variance (analysis scale) and ``k``
    the number of studies pooled.
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


# --------------------------------------------------------------------------
# validation helpers


def _choice(name: str, value: object, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(repr(option) for option in allowed)
        raise ValueError(f"{name} must be one of {options}; got {value!r}")
    return value


def _finite(name: str, value: object) -> float:
    """A finite real number (int, float or Decimal; not bool or text), as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        raise ValueError(f"{name} must be a number; got {value!r}")
    try:
        number = float(value)
    except (OverflowError, ValueError):
        raise ValueError(f"{name} must be a finite number; got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    return number


def _rows(name: str, rows: Iterable[Sequence[object]], width: int) -> list[tuple]:
    try:
        materialised = [tuple(row) for row in rows]
    except TypeError:
        raise ValueError(f"{name} must be a sequence of {width}-tuples") from None
    if not materialised:
        raise ValueError(f"{name} is empty: at least one study is needed to pool")
    for index, row in enumerate(materialised):
        if len(row) != width:
            raise ValueError(f"{name}[{index}] has {len(row)} values; expected {width}")
    return materialised


# --------------------------------------------------------------------------
# the inverse-variance / DerSimonian-Laird core


def _q_statistic(estimates: Sequence[float], weights: Sequence[float], centre: float) -> float:
    """Cochran's Q, ``Σ w_i (y_i - centre)²``."""
    return math.fsum(w * (y - centre) ** 2 for y, w in zip(estimates, weights, strict=True))


def _dl_tau2(q: float, weights: Sequence[float]) -> float:
    """DerSimonian & Laird (1986) moment estimator of tau², truncated at 0."""
    df = len(weights) - 1
    if df == 0:
        return 0.0
    total = math.fsum(weights)
    scale = total - math.fsum(w * w for w in weights) / total
    if scale <= 0.0:
        return 0.0
    return max(0.0, (q - df) / scale)


def _i2(q: float, df: int) -> float:
    """Higgins & Thompson (2002) I², in percent."""
    if df == 0 or q <= 0.0:
        return 0.0
    return max(0.0, (q - df) / q) * 100.0


def _q_p(q: float, df: int) -> float | None:
    """Upper chi-squared tail of Q; ``None`` when there is nothing to test."""
    if df == 0:
        return None
    return float(stats.chi2.sf(q, df))


def _weighted_mean(estimates: Sequence[float], weights: Sequence[float]) -> tuple[float, float]:
    """Weighted mean and its standard error ``1 / sqrt(Σw)``.

    The sums use ``math.fsum`` (exactly rounded, so the result does not depend on the order of
    the studies) and are centred on the smallest estimate, so identical estimates pool to
    exactly that value and Q is exactly 0.
    """
    total = math.fsum(weights)
    origin = min(estimates)
    shift = math.fsum(w * (y - origin) for y, w in zip(estimates, weights, strict=True))
    return origin + shift / total, math.sqrt(1.0 / total)


def _result(
    estimate: float,
    se: float,
    *,
    q: float,
    df: int,
    tau2: float,
    k: int,
    ratio: bool,
) -> Pooled:
    low = estimate - Z_95 * se
    high = estimate + Z_95 * se
    z = estimate / se
    p = two_sided_p(z)
    if ratio:
        estimate, low, high = math.exp(estimate), math.exp(low), math.exp(high)
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
    )


def _pool_iv(
    estimates: Sequence[float],
    variances: Sequence[float],
    model: str,
    *,
    ratio: bool = False,
) -> Pooled:
    weights = [1.0 / v for v in variances]
    fixed, fixed_se = _weighted_mean(estimates, weights)
    q = _q_statistic(estimates, weights, fixed)
    df = len(estimates) - 1
    tau2 = _dl_tau2(q, weights)
    if model == "fixed":
        estimate, se = fixed, fixed_se
    else:
        estimate, se = _weighted_mean(estimates, [1.0 / (v + tau2) for v in variances])
    return _result(estimate, se, q=q, df=df, tau2=tau2, k=len(estimates), ratio=ratio)


def pool_generic(
    estimates: Sequence[float],
    variances: Sequence[float],
    *,
    model: str = "fixed",
) -> Pooled:
    """Generic inverse-variance pooling of estimates with known variances.

    ``model="fixed"`` gives the inverse-variance weighted mean;
    ``model="random"`` the DerSimonian-Laird random-effects estimate
    (DerSimonian & Laird 1986), matching RevMan 5's "IV, Fixed"/"IV, Random"
    and metafor's ``rma(yi, vi, method="FE")``/``method="DL"``. Estimates are
    pooled as given (pass log ratios, and exponentiate yourself, for ratio
    measures). Variances must be positive and finite.
    """
    _choice("model", model, MODELS)
    try:
        ys = [_finite(f"estimates[{i}]", y) for i, y in enumerate(estimates)]
        vs = [_finite(f"variances[{i}]", v) for i, v in enumerate(variances)]
    except TypeError:
        raise ValueError("estimates and variances must be sequences of numbers") from None
    if not ys:
        raise ValueError("estimates is empty: at least one study is needed to pool")
    if len(ys) != len(vs):
        raise ValueError(f"estimates has {len(ys)} values but variances has {len(vs)}; they must match")
    for index, v in enumerate(vs):
        if v <= 0.0:
            raise ValueError(f"variances[{index}] must be positive; got {v!r}")
    return _pool_iv(ys, vs, model)


# --------------------------------------------------------------------------
# binary outcomes


def _cells(table: tuple, index: int) -> tuple[float, float, float, float]:
    """Validate ``(events_t, n_t, events_c, n_c)`` and return cells a, b, c, d."""
    events_t, n_t, events_c, n_c = (
        _finite(f"tables[{index}][{position}]", value) for position, value in enumerate(table)
    )
    for label, events, total in (("treatment", events_t, n_t), ("control", events_c, n_c)):
        if total < _MINIMUM_GROUP_SIZE:
            raise ValueError(
                f"tables[{index}]: the {label} group size must be at least {_MINIMUM_GROUP_SIZE}; got {total:g}"
            )
        if events < 0 or events > total:
            raise ValueError(f"tables[{index}]: {label} events must lie between 0 and the group size")
    return events_t, n_t - events_t, events_c, n_c - events_c


def _uninformative(a: float, b: float, c: float, d: float) -> bool:
    """No events in both arms, or events for everyone in both arms."""
    return (a == 0 and c == 0) or (b == 0 and d == 0)


def _corrected(a: float, b: float, c: float, d: float) -> tuple[float, float, float, float]:
    """Add 0.5 to all four cells when any cell is zero (RevMan 5)."""
    if 0 in (a, b, c, d):
        k = ZERO_CELL_CORRECTION
        return a + k, b + k, c + k, d + k
    return a, b, c, d


def _mantel_haenszel(measure: str, cells: Sequence[tuple[float, float, float, float]]) -> tuple[float, float]:
    """Mantel-Haenszel estimate (log scale for RR/OR) and its standard error.

    Formulas as in Deeks & Higgins (2010), with the variance of Greenland &
    Robins (1985) for log RR and RD, and of Robins, Breslow & Greenland (1986)
    for log OR. ``cells`` are already continuity-corrected where needed.
    """
    if measure == "OR":
        r_terms, s_terms, pr, ps_qr, qs = [], [], [], [], []
        for a, b, c, d in cells:
            n = a + b + c + d
            r, s = a * d / n, b * c / n
            p_, q_ = (a + d) / n, (b + c) / n
            r_terms.append(r)
            s_terms.append(s)
            pr.append(p_ * r)
            ps_qr.append(p_ * s + q_ * r)
            qs.append(q_ * s)
        sum_r, sum_s = math.fsum(r_terms), math.fsum(s_terms)
        variance = (
            math.fsum(pr) / (2.0 * sum_r**2)
            + math.fsum(ps_qr) / (2.0 * sum_r * sum_s)
            + math.fsum(qs) / (2.0 * sum_s**2)
        )
        return math.log(sum_r / sum_s), math.sqrt(variance)
    if measure == "RR":
        r_terms, s_terms, p_terms = [], [], []
        for a, b, c, d in cells:
            n1, n2 = a + b, c + d
            n = n1 + n2
            r_terms.append(a * n2 / n)
            s_terms.append(c * n1 / n)
            p_terms.append((n1 * n2 * (a + c) - a * c * n) / n**2)
        sum_r, sum_s = math.fsum(r_terms), math.fsum(s_terms)
        variance = math.fsum(p_terms) / (sum_r * sum_s)
        return math.log(sum_r / sum_s), math.sqrt(variance)
    # RD
    w_terms, wd_terms, j_terms = [], [], []
    for a, b, c, d in cells:
        n1, n2 = a + b, c + d
        n = n1 + n2
        w_terms.append(n1 * n2 / n)
        wd_terms.append((a * n2 - c * n1) / n)
        j_terms.append((a * b * n2**3 + c * d * n1**3) / (n1 * n2 * n**2))
    sum_w = math.fsum(w_terms)
    return math.fsum(wd_terms) / sum_w, math.sqrt(math.fsum(j_terms)) / sum_w


def pool_binary(
    tables: Sequence[Sequence[float]],
    *,
    measure: str = "RR",
    method: str = "IV",
    model: str = "fixed",
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

    Zero cells and uninformative studies are handled as the module docstring
    describes (RevMan 5 rules); ``k`` counts the studies actually pooled.
    """
    if measure in CONTINUOUS_MEASURES:
        raise ValueError(f"measure {measure!r} is for continuous outcomes: use pool_continuous")
    _choice("measure", measure, BINARY_MEASURES)
    _choice("method", method, BINARY_METHODS)
    _choice("model", model, MODELS)
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
        return _pool_iv(estimates, variances, model, ratio=ratio)

    weights = [1.0 / v for v in variances]
    mh_estimate, mh_se = _mantel_haenszel(measure, [_corrected(*cells) for _, cells in kept])
    q = _q_statistic(estimates, weights, mh_estimate)
    df = len(kept) - 1
    tau2 = _dl_tau2(q, weights)
    if model == "fixed":
        estimate, se = mh_estimate, mh_se
    else:
        estimate, se = _weighted_mean(estimates, [1.0 / (v + tau2) for v in variances])
    return _result(estimate, se, q=q, df=df, tau2=tau2, k=len(kept), ratio=ratio)


# --------------------------------------------------------------------------
# continuous outcomes


def pool_continuous(
    groups: Sequence[Sequence[float]],
    *,
    measure: str = "SMD",
    model: str = "fixed",
    method: str = "IV",
) -> Pooled:
    """Pool ``(mean_t, sd_t, n_t, mean_c, sd_c, n_c)`` group summaries.

    ``measure="SMD"``: Hedges' g from ``catalogue.statistics.hedges_g``
    (small-sample factor ``1 - 3 / (4N - 9)``, variance
    ``1/n_t + 1/n_c + g² / (2N)``, as metafor's ``escalc(measure="SMD")`` with
    the approximate correction). ``measure="MD"``: ``mean_t - mean_c`` with
    variance ``sd_t²/n_t + sd_c²/n_c`` (RevMan 5). Pooled by inverse variance,
    ``model="fixed"`` or DerSimonian-Laird ``model="random"``. ``method`` is
    accepted only as "IV": Mantel-Haenszel is defined for binary data only.
    """
    _choice("measure", measure, CONTINUOUS_MEASURES)
    _choice("model", model, MODELS)
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
    return _pool_iv(estimates, variances, model)

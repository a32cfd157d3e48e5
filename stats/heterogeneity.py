"""Between-study heterogeneity: Cochran's Q, I² and three estimators of τ².

A pure module (no Django), used by :mod:`stats.pooling`. All sums use ``math.fsum`` (exactly
rounded), so every result is the same whatever the order of the studies.

Estimators of the between-study variance τ² (``TAU2_ESTIMATORS``)
-----------------------------------------------------------------
With ``w_i(τ²) = 1 / (v_i + τ²)`` and ``μ̂(τ²) = Σ w_i y_i / Σ w_i``:

* ``"DL"``, DerSimonian & Laird (1986), the method-of-moments estimate
  ``max(0, (Q - (k - 1)) / (Σw - Σw² / Σw))`` with the fixed-effect weights ``w_i = 1 / v_i``.
  Review Manager 5's only estimator, and the default here, so nothing recorded changes.
* ``"REML"``, restricted maximum likelihood (Viechtbauer 2005): τ̂² maximises the restricted
  log-likelihood ``-½ [Σ log(v_i + τ²) + log Σ w_i + Σ w_i (y_i - μ̂)²]`` over τ² ≥ 0. Interior
  maxima are roots of the REML estimating equation (twice the score)

      S(τ²) = Σ w_i² (y_i - μ̂)² - (Σ w_i - Σ w_i² / Σ w_i),

  i.e. ``y'PPy = tr(P)`` with ``P = W - W 1 1' W / 1'W1``, which metafor's
  ``rma(method="REML")`` solves by Fisher scoring from a starting value. Because the likelihood
  can have two local maxima (one at 0), every root where S changes from positive to negative is
  found (scan, then Brent's method to an absolute tolerance of 1e-15, far tighter than the 1e-10
  the issue asks for and than metafor's default 1e-5), and the candidate with the highest
  likelihood, 0 included, is returned. Where metafor's path ends at the global maximum (as on
  every published example) the two agree.
* ``"PM"``, Paule & Mandel (1982) (see also DerSimonian & Kacker 2007; Viechtbauer 2005 calls it
  the empirical Bayes estimator): the τ² at which the generalised Q statistic
  ``Q(τ²) = Σ w_i(τ²) (y_i - μ̂(τ²))²`` equals its expectation ``k - 1``. ``Q(τ²)`` decreases
  strictly in τ², so the root is unique; it is 0 when ``Q(0) ≤ k - 1``. Brent's method again,
  bracketed by ``[0, s²]`` where ``s²`` is the unweighted sample variance of the estimates
  (``Q(s²) < Σ (y_i - ȳ)² / s² = k - 1``).

With a single study there is nothing to estimate, and every estimator gives τ² = 0.

I² is always computed from the ordinary Q (``max(0, (Q - df) / Q)``, Higgins & Thompson 2002),
whichever τ² estimator is used, as Review Manager reports it.

References
----------
* DerSimonian R, Laird N (1986). Meta-analysis in clinical trials. Controlled Clinical Trials
  7:177-188.
* Paule RC, Mandel J (1982). Consensus values and weighting factors. Journal of Research of the
  National Bureau of Standards 87:377-385.
* DerSimonian R, Kacker R (2007). Random-effects model for meta-analysis of clinical trials: an
  update. Contemporary Clinical Trials 28:105-114.
* Viechtbauer W (2005). Bias and efficiency of meta-analytic variance estimators in the
  random-effects model. Journal of Educational and Behavioral Statistics 30:261-293.
* Higgins JPT, Thompson SG (2002). Quantifying heterogeneity in a meta-analysis. Statistics in
  Medicine 21:1539-1558.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from scipy import optimize, stats

from ._inputs import _choice, _finite, _studies

__all__ = ["TAU2_ESTIMATORS", "estimate_tau2", "generalised_q"]

TAU2_ESTIMATORS = ("DL", "REML", "PM")

# Brent's method: absolute tolerance on τ² and an iteration cap no real data set comes near.
_XTOL = 1e-15
_MAXITER = 500


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


def _test_statistic(estimate: float, se: float) -> float:
    """``estimate / se``, defined also when ``se`` is exactly 0 (studies that agree exactly).

    The Hartung-Knapp standard error and Egger's residual standard error are 0 when the data
    fit without residual: the statistic is then infinite with the sign of the estimate (p = 0),
    or 0 (p = 1) when the estimate is 0 as well.
    """
    if se > 0.0:
        return estimate / se
    if estimate == 0.0:
        return 0.0
    return math.copysign(math.inf, estimate)


def _generalised_q(estimates: Sequence[float], variances: Sequence[float], tau2: float) -> float:
    weights = [1.0 / (v + tau2) for v in variances]
    centre, _ = _weighted_mean(estimates, weights)
    return _q_statistic(estimates, weights, centre)


def _reml_score(estimates: Sequence[float], variances: Sequence[float], tau2: float) -> float:
    """Twice the derivative of the restricted log-likelihood in τ² (Viechtbauer 2005)."""
    weights = [1.0 / (v + tau2) for v in variances]
    centre, _ = _weighted_mean(estimates, weights)
    total = math.fsum(weights)
    squares = math.fsum(w * w for w in weights)
    residual = math.fsum(w * w * (y - centre) ** 2 for y, w in zip(estimates, weights, strict=True))
    return residual - (total - squares / total)


def _sample_variance(estimates: Sequence[float]) -> float:
    mean = math.fsum(estimates) / len(estimates)
    return math.fsum((y - mean) ** 2 for y in estimates) / (len(estimates) - 1)


def _root(function: Callable[[float], float], start: float) -> float:
    """The root of a function positive at 0 and negative far enough out, by Brent's method.

    ``start`` is a first guess at a point where the function is negative; it is doubled until
    that holds.
    """
    upper = start if start > 0.0 else 1.0
    for _ in range(2100):  # 2**2100 overflows long before this runs out
        value = function(upper)
        if value < 0.0:
            break
        if value == 0.0:
            return upper
        upper *= 2.0
    else:  # pragma: no cover - unreachable for finite inputs
        raise ArithmeticError("could not bracket the root for tau²")
    root = optimize.brentq(function, 0.0, upper, xtol=_XTOL, maxiter=_MAXITER)
    return float(root)


def _pm_tau2(estimates: Sequence[float], variances: Sequence[float]) -> float:
    """Paule & Mandel (1982): the τ² at which the generalised Q equals ``k - 1``."""
    df = len(estimates) - 1
    if df == 0:
        return 0.0

    def excess(tau2: float) -> float:
        return _generalised_q(estimates, variances, tau2) - df

    if excess(0.0) <= 0.0:
        return 0.0
    return _root(excess, _sample_variance(estimates))


def _restricted_log_likelihood(estimates: Sequence[float], variances: Sequence[float], tau2: float) -> float:
    """The restricted log-likelihood of τ², up to a constant (Viechtbauer 2005)."""
    weights = [1.0 / (v + tau2) for v in variances]
    centre, _ = _weighted_mean(estimates, weights)
    return -0.5 * (
        math.fsum(math.log(v + tau2) for v in variances)
        + math.log(math.fsum(weights))
        + _q_statistic(estimates, weights, centre)
    )


def _reml_upper_bound(estimates: Sequence[float], variances: Sequence[float]) -> float:
    """A τ² beyond which the REML score is negative, so no maximum lies further out.

    With ``w_max = 1 / (v_min + τ²)``, ``w_min = 1 / (v_max + τ²)`` and ``SS = Σ (y_i - ȳ)²``,
    ``Σ w² (y - μ̂)² ≤ w_max² SS`` and ``Σw - Σw²/Σw ≥ k w_min - w_max``; the score is negative
    once ``SS / (v_min + τ²) < k (v_min + τ²) / (v_max + τ²) - 1``, whose left side falls and
    right side rises with τ², so the first τ² where it holds bounds every root.
    """
    k = len(estimates)
    low, high = min(variances), max(variances)
    ss = _sample_variance(estimates) * (k - 1)
    bound = max(ss, high, 1e-300)
    while ss / (low + bound) >= k * (low + bound) / (high + bound) - 1.0:
        bound *= 2.0
    return bound


def _reml_tau2(estimates: Sequence[float], variances: Sequence[float]) -> float:
    """Restricted maximum likelihood (Viechtbauer 2005): the maximiser of the restricted
    log-likelihood over τ² ≥ 0.

    The likelihood can have more than one local maximum (e.g. estimates 0, 0, 2.5 with
    variances 1/8, 1/8, 1: one at τ² = 0 and a higher one at τ² ≈ 0.92), so rather than
    following one path from a starting value, the score is scanned for every change of sign
    from positive to negative on a grid spanning ``[0, bound]`` (geometric near 0, even
    further out), each such root is refined by Brent's method, and the candidate (those roots
    and 0) with the highest restricted likelihood wins.
    """
    if len(estimates) < 2:
        return 0.0
    if max(estimates) == min(estimates):
        return 0.0  # the score is -tr(P) < 0 everywhere: the studies agree exactly

    def score(tau2: float) -> float:
        return _reml_score(estimates, variances, tau2)

    bound = _reml_upper_bound(estimates, variances)
    grid = sorted({0.0, *(bound * 2.0**-j for j in range(60)), *(bound * i / 128 for i in range(1, 129))})
    values = [score(t) for t in grid]
    candidates = [0.0]
    for i in range(len(grid) - 1):
        (a, fa), (b, fb) = (grid[i], values[i]), (grid[i + 1], values[i + 1])
        if fa > 0.0 and fb < 0.0:
            candidates.append(float(optimize.brentq(score, a, b, xtol=_XTOL, maxiter=_MAXITER)))
        elif fa > 0.0 and fb == 0.0:
            candidates.append(b)
    return max(candidates, key=lambda t: _restricted_log_likelihood(estimates, variances, t))


def _tau2(estimator: str, estimates: Sequence[float], variances: Sequence[float], q: float) -> float:
    """τ² by the named estimator; ``q`` is the ordinary Cochran's Q (used by DL)."""
    if estimator == "DL":
        return _dl_tau2(q, [1.0 / v for v in variances])
    if estimator == "REML":
        return _reml_tau2(estimates, variances)
    return _pm_tau2(estimates, variances)


def estimate_tau2(estimates: Sequence[float], variances: Sequence[float], *, estimator: str = "DL") -> float:
    """The between-study variance τ² of estimates with known sampling variances.

    ``estimator`` is "DL" (DerSimonian & Laird 1986), "REML" (restricted maximum likelihood,
    Viechtbauer 2005) or "PM" (Paule & Mandel 1982); see the module docstring for the formulas.
    Matches metafor's ``rma(yi, vi, method=...)$tau2``.
    """
    _choice("tau2_estimator", estimator, TAU2_ESTIMATORS)
    ys, vs = _studies(estimates, variances)
    weights = [1.0 / v for v in vs]
    centre, _ = _weighted_mean(ys, weights)
    return _tau2(estimator, ys, vs, _q_statistic(ys, weights, centre))


def generalised_q(estimates: Sequence[float], variances: Sequence[float], tau2: float) -> float:
    """The generalised Q statistic ``Σ (y_i - μ̂)² / (v_i + τ²)`` (DerSimonian & Kacker 2007).

    With ``tau2 = 0`` it is Cochran's Q; the Paule-Mandel τ² makes it equal ``k - 1``.
    """
    ys, vs = _studies(estimates, variances)
    between = _finite("tau2", tau2)
    if between < 0.0:
        raise ValueError(f"tau2 must not be negative; got {tau2!r}")
    return _generalised_q(ys, vs, between)

"""Small-study effects: Egger's regression test for funnel-plot asymmetry.

A pure module (no Django); :mod:`stats.pooling` re-exports its public names.

Egger, Davey Smith, Schneider & Minder (1997) regress each study's standardised effect
``y_i / se_i`` on its precision ``1 / se_i`` by ordinary least squares,

    y_i / se_i = a + b · (1 / se_i) + e_i,

and test the intercept ``a`` (0 for a symmetric funnel) with a t-test on ``k - 2`` degrees of
freedom. This is the same test as metafor's ``regtest(rma(yi, vi), model="lm")`` (the weighted
regression of ``y_i`` on ``se_i`` with weights ``1 / v_i``, whose slope on ``se_i`` is Egger's
intercept) and as the ``metabias(..., method.bias="linreg")`` of R's ``meta``. The Cochrane
Handbook (chapter 13) advises against the test with fewer than 10 studies; it is computed
from 3 studies up, the minimum for a residual degree of freedom, and the caller decides whether
to show it.

Reference
---------
* Egger M, Davey Smith G, Schneider M, Minder C (1997). Bias in meta-analysis detected by a
  simple, graphical test. BMJ 315:629-634.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

from ._inputs import _studies
from .heterogeneity import _test_statistic

__all__ = ["EggerTest", "egger_test"]


@dataclass(frozen=True)
class EggerTest:
    """Egger's regression test: the intercept, its standard error, ``t = intercept / se`` on
    ``df = k - 2`` degrees of freedom, and the two-sided p-value of ``t``."""

    intercept: float
    se: float
    statistic: float
    df: int
    p_value: float


def egger_test(estimates: Sequence[float], variances: Sequence[float]) -> EggerTest:
    """Egger et al. (1997) regression test for funnel-plot asymmetry.

    ``estimates`` and ``variances`` are the studies' effects on the analysis scale (log ratios
    for RR and OR) and their sampling variances, as for :func:`stats.pooling.pool_generic`.
    Needs at least three studies, and studies that do not all have the same variance (otherwise
    the precision does not vary and the intercept cannot be separated from the slope); raises
    ``ValueError`` otherwise.
    """
    ys, vs = _studies(estimates, variances)
    k = len(ys)
    if k < 3:
        raise ValueError(f"Egger's test needs at least 3 studies (it has k - 2 degrees of freedom); got {k}")
    if min(vs) == max(vs):
        raise ValueError("Egger's test needs studies of differing precision: every variance is the same")
    precision = [1.0 / math.sqrt(v) for v in vs]
    # Shifting every y by the same c changes only the slope (by -c), never the intercept, so the
    # estimates are centred on the smallest one first: studies that agree exactly then give an
    # exact fit with intercept 0 (statistic 0, p = 1) rather than rounding noise over noise.
    origin = min(ys)
    standardised = [(y - origin) * x for y, x in zip(ys, precision, strict=True)]
    x_mean = math.fsum(precision) / k
    z_mean = math.fsum(standardised) / k
    sxx = math.fsum((x - x_mean) ** 2 for x in precision)
    sxz = math.fsum((x - x_mean) * (z - z_mean) for x, z in zip(precision, standardised, strict=True))
    slope = sxz / sxx
    intercept = z_mean - slope * x_mean
    rss = math.fsum((z - z_mean - slope * (x - x_mean)) ** 2 for x, z in zip(precision, standardised, strict=True))
    df = k - 2
    se = math.sqrt(rss / df * (1.0 / k + x_mean**2 / sxx))
    statistic = _test_statistic(intercept, se)
    p_value = float(2.0 * stats.t.sf(abs(statistic), df))
    return EggerTest(intercept=intercept, se=se, statistic=statistic, df=df, p_value=p_value)

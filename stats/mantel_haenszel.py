"""Mantel–Haenszel pooling of 2×2 tables, and the cell rules it shares with inverse variance.

Mantel & Haenszel (1959); Greenland & Robins (1985); Robins, Breslow & Greenland (1986), as RevMan
and metafor's ``rma.mh`` compute them. Called by ``stats.pooling.pool_binary``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ._inputs import _finite
from .effects import _MINIMUM_GROUP_SIZE, ZERO_CELL_CORRECTION


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

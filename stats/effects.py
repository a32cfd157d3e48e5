"""Effect sizes for the Evidence Guidebook, computed from the summary statistics a study reports.

This module is deliberately plain Python with no Django imports, so it can be tested, read and
reused (by the importer, the admin, the API) without a configured project.

Conventions used throughout
---------------------------
* "t" is the intervention (treatment) group and "c" is the comparison group.
* Every function returns an :class:`Effect` holding a 95% confidence interval.
* Continuous outcomes use Hedges' g and binary outcomes the Cox index, as the What Works
  Clearinghouse (WWC) and the Early Intervention Foundation (EIF) do, so that both land on the
  same standardised scale. Risk ratios, odds ratios and risk differences follow the Cochrane
  Handbook and RevMan so that they match what published systematic reviews report.
* ``lower_is_better=True`` is for outcomes where a lower score is the good result (for example
  arrests or days absent). It flips the sign so that a positive effect always favours the
  intervention, which is what the improvement index and the catalogue's ratings assume.

Input rules (the same for every effect-size function, so analysts meet one set of messages)
--------------------------------------------------------------------------------------------
* Every number must be finite. ``int``, ``float`` and ``decimal.Decimal`` (what Django's
  ``DecimalField`` returns) are accepted; ``bool`` and text are not.
* Each group must have at least 2 participants. A ratio could be computed from a group of one,
  but a single-person group cannot support a sampling variance worth publishing, and one rule
  for all measures is easier to explain than a different minimum per measure.
* Group sizes and event counts need not be whole numbers: cluster-adjusted "effective" sample
  sizes are fractional, and rejecting them would force analysts to round before entry.
* Event counts must lie between 0 and the group size; standard deviations must not be negative.

Anything invalid raises :class:`ValueError` with a message that says which input is wrong and
what was received.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import NamedTuple

__all__ = [
    "COX_DIVISOR",
    "ZERO_CELL_CORRECTION",
    "Z_95",
    "Effect",
    "cox_index",
    "hedges_g",
    "improvement_index",
    "normal_cdf",
    "odds_ratio",
    "risk_difference",
    "risk_ratio",
    "round_half_away_from_zero",
    "small_sample_correction",
    "two_sided_p",
]

#: The 97.5th percentile of the standard normal distribution, so estimate ± Z_95·SE is a 95%
#: confidence interval. Spelled out to full double precision rather than the usual 1.96 so our
#: intervals agree with R (qnorm(0.975)), RevMan and metafor to the last printed digit.
Z_95: float = 1.959963984540054

#: The WWC divides a log odds ratio by 1.65 to put it on the same scale as a standardised mean
#: difference (Cox's transformation, as adopted by Sánchez-Meca et al., 2003).
COX_DIVISOR: float = 1.65

#: Added to every cell of a 2×2 table that has a zero cell; without it the log of a zero
#: proportion, or a division by a zero count, would make the effect or its SE infinite.
ZERO_CELL_CORRECTION: float = 0.5

_MINIMUM_GROUP_SIZE = 2


@dataclass(frozen=True)
class Effect:
    """An effect estimate with its standard error and 95% confidence interval.

    For :func:`risk_ratio` and :func:`odds_ratio` the estimate and the interval are on the ratio
    scale (1 means no difference) while ``se`` is on the log scale, because that is the scale on
    which the sampling distribution is close to normal and on which studies are pooled. For every
    other function all four numbers share one scale.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float


# ---------------------------------------------------------------------------------------------
# Small numerical helpers, public because other modules (pooling, display) reuse them.
# ---------------------------------------------------------------------------------------------


def normal_cdf(x: float) -> float:
    """Return Φ(x), the probability that a standard normal variable is at most ``x``.

    Uses the identity Φ(x) = erfc(−x/√2)/2. We use ``math.erfc`` rather than ``1 − Φ(−x)`` or
    ``(1 + erf(x/√2))/2`` because erfc keeps full relative accuracy far into the lower tail,
    where the other forms lose every significant digit to cancellation. ±infinity give 0 and 1.

    Raises:
        ValueError: if ``x`` is not a number or is NaN.
    """
    value = _as_number(x, "The value passed to normal_cdf", allow_infinite=True)
    return 0.5 * math.erfc(-value / math.sqrt(2.0))


def two_sided_p(z: float) -> float:
    """Return the two-sided p-value for a standard normal test statistic ``z``.

    p = 2·(1 − Φ(|z|)) = erfc(|z|/√2). Computed directly with erfc so that large statistics give
    tiny but non-zero p-values instead of rounding to exactly 0.

    Raises:
        ValueError: if ``z`` is not a number or is NaN.
    """
    value = _as_number(z, "The test statistic passed to two_sided_p", allow_infinite=True)
    return math.erfc(abs(value) / math.sqrt(2.0))


def round_half_away_from_zero(x: float, ndigits: int = 0) -> float:
    """Round ``x`` to ``ndigits`` decimal places, sending exact halves away from zero.

    Python's built-in ``round`` sends halves to the nearest even digit (12.5 → 12, 13.5 → 14),
    which is not what readers of WWC/EIF tables expect: they expect 12.5 → 13 and −12.5 → −13.

    The value rounded is the shortest decimal that identifies the float, i.e. what Python prints
    for it. So ``round_half_away_from_zero(2.675, 2)`` gives 2.68, matching the number an
    analyst sees, even though the binary float nearest to 2.675 is a hair below it.

    Always returns a float (also when ``ndigits`` is 0), and never −0.0, which templates would
    print as "-0". ``ndigits`` may be negative to round to tens, hundreds, and so on.

    Raises:
        ValueError: if ``x`` is not a finite number or ``ndigits`` is not an integer.
    """
    value = _as_number(x, "The value to round")
    if isinstance(ndigits, bool) or not isinstance(ndigits, int):
        raise ValueError(f"The number of decimal places must be a whole number (got {ndigits!r}).")
    quantum = Decimal(1).scaleb(-ndigits)
    with localcontext() as context:
        # A float can be as large as 1.8e308, so allow enough significant digits for every
        # digit up to the requested decimal place; the default of 28 would raise on big values.
        context.prec = 400 + abs(ndigits)
        rounded = Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    # Despite its name, decimal's ROUND_HALF_UP sends ties away from zero: -12.5 -> -13.
    return float(rounded) + 0.0  # adding 0.0 turns −0.0 into 0.0


def small_sample_correction(total_n: float) -> float:
    """Return Hedges' small-sample correction ω = 1 − 3/(4N − 9), with N the total sample size.

    Source: WWC Procedures and Standards Handbook, Version 5.0, effect-size appendix (used there
    for both Hedges' g and the Cox index). Cohen's d slightly overstates the population effect in
    small samples; multiplying by ω removes most of that bias.

    Raises:
        ValueError: if ``total_n`` is not finite or 4N − 9 ≤ 0 (N ≤ 2.25), where ω is undefined.
    """
    n = _as_number(total_n, "The total sample size")
    denominator = 4.0 * n - 9.0
    if denominator <= 0:
        raise ValueError(
            "The small-sample correction needs a total sample size above 2.25 "
            f"(4N − 9 must be positive; got N = {n:g})."
        )
    return 1.0 - 3.0 / denominator


# ---------------------------------------------------------------------------------------------
# Effect sizes
# ---------------------------------------------------------------------------------------------


def hedges_g(
    mean_t: float,
    sd_t: float,
    n_t: float,
    mean_c: float,
    sd_c: float,
    n_c: float,
    *,
    lower_is_better: bool = False,
) -> Effect:
    """Hedges' g for a continuous outcome, with its standard error and 95% CI.

    Source: WWC Procedures and Standards Handbook, Version 5.0, effect-size appendix:

        s_pooled = √(((n_t − 1)·sd_t² + (n_c − 1)·sd_c²) / (n_t + n_c − 2))
        g        = ω·(mean_t − mean_c) / s_pooled,  ω = 1 − 3/(4N − 9),  N = n_t + n_c
        Var(g)   = 1/n_t + 1/n_c + g²/(2N)
        95% CI   = g ± Z_95·√Var(g)

    With ``lower_is_better=True`` the estimate and both bounds change sign (and the bounds swap)
    so that a positive g always means the intervention group did better.

    Raises:
        ValueError: for a group smaller than 2, a negative SD, both SDs zero (the pooled SD would
            be zero and g undefined), or any input that is not a finite number.
    """
    mean_t = _as_number(mean_t, "Intervention group mean")
    mean_c = _as_number(mean_c, "Comparison group mean")
    sd_t = _standard_deviation(sd_t, "Intervention group standard deviation")
    sd_c = _standard_deviation(sd_c, "Comparison group standard deviation")
    n_t = _group_size(n_t, "Intervention group size")
    n_c = _group_size(n_c, "Comparison group size")

    total_n = n_t + n_c
    pooled_variance = ((n_t - 1) * sd_t**2 + (n_c - 1) * sd_c**2) / (total_n - 2)
    pooled_sd = math.sqrt(pooled_variance)
    if pooled_sd == 0:
        raise ValueError(
            "Both standard deviations are zero, so the pooled standard deviation is zero and "
            "Hedges' g cannot be computed. Check the reported SDs (a standard error entered as "
            "an SD, or an SD rounded to 0, are common causes)."
        )

    g = small_sample_correction(total_n) * (mean_t - mean_c) / pooled_sd
    se = math.sqrt(1 / n_t + 1 / n_c + g**2 / (2 * total_n))
    effect = _symmetric_interval(g, se)
    return _orient(effect, lower_is_better=lower_is_better)


def cox_index(
    events_t: float,
    n_t: float,
    events_c: float,
    n_c: float,
    *,
    lower_is_better: bool = False,
) -> Effect:
    """The Cox index: a binary outcome expressed on the same scale as Hedges' g.

    Source: WWC Procedures and Standards Handbook, Version 5.0, effect-size appendix:

        d_Cox  = ω·ln(OR) / 1.65,  ω = 1 − 3/(4N − 9),  N = n_t + n_c
        SE     = ω·√(1/a + 1/b + 1/c + 1/d) / 1.65
        95% CI = d_Cox ± Z_95·SE

    where a, b are the events and non-events in the intervention group and c, d those in the
    comparison group. A table with a zero cell gets 0.5 added to all four cells before the odds
    ratio and SE are computed; ω still uses the reported group sizes, since the correction is a
    device to keep the logarithm finite and does not add participants.

    "Events" are whatever the study counted. If the event is the good result (for example
    finishing school), leave ``lower_is_better`` False; if it is the bad result (for example
    re-offending), pass ``lower_is_better=True`` so that a positive index favours the
    intervention.

    Raises:
        ValueError: for a group smaller than 2, events below 0 or above the group size, or any
            input that is not a finite number.
    """
    table = _two_by_two(events_t, n_t, events_c, n_c)
    omega = small_sample_correction(table.reported_total)
    log_odds_ratio = math.log((table.events_t * table.non_events_c) / (table.non_events_t * table.events_c))
    log_odds_ratio_se = math.sqrt(
        1 / table.events_t + 1 / table.non_events_t + 1 / table.events_c + 1 / table.non_events_c
    )
    estimate = omega * log_odds_ratio / COX_DIVISOR
    se = omega * log_odds_ratio_se / COX_DIVISOR
    effect = _symmetric_interval(estimate, se)
    return _orient(effect, lower_is_better=lower_is_better)


def risk_ratio(events_t: float, n_t: float, events_c: float, n_c: float) -> Effect:
    """Risk ratio (relative risk) of the event in the intervention vs the comparison group.

    Source: Cochrane Handbook for Systematic Reviews of Interventions, chapter 6, and Deeks &
    Higgins, "Statistical algorithms in Review Manager 5":

        RR          = (a / n_t) / (c / n_c)
        SE(ln RR)   = √(1/a − 1/n_t + 1/c − 1/n_c)
        95% CI      = exp(ln RR ± Z_95·SE(ln RR))

    The interval is built on the log scale, where the sampling distribution is roughly normal,
    and then exponentiated, so it is asymmetric around RR and always above 0. The returned
    ``se`` is SE(ln RR), the figure needed for pooling.

    A table with a zero cell gets 0.5 added to all four cells (as RevMan and metafor do). This
    includes tables with no events in either group, which RevMan would instead report as "not
    estimable"; such studies carry almost no information and callers pooling studies may want
    to leave them out.

    No ``lower_is_better`` flag: a ratio has no sign to flip, and readers of ratio tables expect
    RR < 1 to mean "fewer events in the intervention group" whatever the event is.

    Raises:
        ValueError: for a group smaller than 2, events below 0 or above the group size, or any
            input that is not a finite number.
    """
    table = _two_by_two(events_t, n_t, events_c, n_c)
    risk_t = table.events_t / table.n_t
    risk_c = table.events_c / table.n_c
    log_rr = math.log(risk_t / risk_c)
    se = math.sqrt(1 / table.events_t - 1 / table.n_t + 1 / table.events_c - 1 / table.n_c)
    return _ratio_interval(log_rr, se)


def odds_ratio(events_t: float, n_t: float, events_c: float, n_c: float) -> Effect:
    """Odds ratio of the event in the intervention vs the comparison group.

    Source: Cochrane Handbook for Systematic Reviews of Interventions, chapter 6, and Deeks &
    Higgins, "Statistical algorithms in Review Manager 5":

        OR          = (a·d) / (b·c)
        SE(ln OR)   = √(1/a + 1/b + 1/c + 1/d)
        95% CI      = exp(ln OR ± Z_95·SE(ln OR))

    with a, b the events and non-events in the intervention group and c, d in the comparison
    group. As for :func:`risk_ratio`, the interval is built on the log scale, ``se`` is on the
    log scale, and a table with any zero cell gets 0.5 added to all four cells.

    Raises:
        ValueError: for a group smaller than 2, events below 0 or above the group size, or any
            input that is not a finite number.
    """
    table = _two_by_two(events_t, n_t, events_c, n_c)
    log_or = math.log((table.events_t * table.non_events_c) / (table.non_events_t * table.events_c))
    se = math.sqrt(1 / table.events_t + 1 / table.non_events_t + 1 / table.events_c + 1 / table.non_events_c)
    return _ratio_interval(log_or, se)


def risk_difference(events_t: float, n_t: float, events_c: float, n_c: float) -> Effect:
    """Risk difference: the intervention group's event proportion minus the comparison group's.

    Source: Cochrane Handbook for Systematic Reviews of Interventions, chapter 6, and Deeks &
    Higgins, "Statistical algorithms in Review Manager 5":

        RD      = p_t − p_c,  p_t = a / n_t,  p_c = c / n_c
        SE(RD)  = √(p_t(1 − p_t)/n_t + p_c(1 − p_c)/n_c)
        95% CI  = RD ± Z_95·SE(RD)

    Zero cells: we follow metafor's ``escalc(measure="RD")`` with its defaults
    (``add=1/2, to="only0"``), which adds 0.5 to all four cells of a table with any zero cell
    and computes the proportions from the corrected table, exactly as for the ratio measures.
    Without it a group with no events (or all events) contributes zero variance, and a table
    with no events in either group would get SE = 0 and a zero-width interval, which would
    overstate certainty. Tables without a zero cell use the raw proportions.

    No ``lower_is_better`` flag, for the same reason as :func:`risk_ratio`: RD < 0 reads as
    "fewer events in the intervention group" whatever the event is.

    Raises:
        ValueError: for a group smaller than 2, events below 0 or above the group size, or any
            input that is not a finite number.
    """
    table = _two_by_two(events_t, n_t, events_c, n_c)
    proportion_t = table.events_t / table.n_t
    proportion_c = table.events_c / table.n_c
    estimate = proportion_t - proportion_c
    se = math.sqrt(proportion_t * (1 - proportion_t) / table.n_t + proportion_c * (1 - proportion_c) / table.n_c)
    return _symmetric_interval(estimate, se)


def improvement_index(g: float) -> int:
    """The WWC/EIF improvement index for an effect size ``g`` (Hedges' g or Cox index).

    Source: WWC Procedures and Standards Handbook, Version 5.0 (improvement index), as also
    used by the Early Intervention Foundation Guidebook:

        improvement index = 100·Φ(g) − 50

    It is the expected change in percentile rank for an average comparison-group member had
    they received the intervention. It is computed from the unrounded g (rounding g first can
    move the index by a point) and then rounded half away from zero, so it is an integer from
    −50 to +50: for example g = 0.25 → +10 and g = −0.3 → −12.

    Pass the intervention-favouring g (from ``lower_is_better=True`` where relevant), so that a
    positive index always means improvement.

    Raises:
        ValueError: if ``g`` is not a finite number.
    """
    effect = _as_number(g, "The effect size g")
    # Φ lies in [0, 1], so the unrounded index already lies in [−50, 50]; rounding keeps it there.
    unrounded = 100.0 * normal_cdf(effect) - 50.0
    return int(round_half_away_from_zero(unrounded))


# ---------------------------------------------------------------------------------------------
# Private helpers
# ---------------------------------------------------------------------------------------------


class _TwoByTwo(NamedTuple):
    """A validated 2×2 table, after any zero-cell correction."""

    events_t: float
    non_events_t: float
    events_c: float
    non_events_c: float
    reported_total: float  # n_t + n_c as reported, before any correction

    @property
    def n_t(self) -> float:
        return self.events_t + self.non_events_t

    @property
    def n_c(self) -> float:
        return self.events_c + self.non_events_c


def _two_by_two(events_t: float, n_t: float, events_c: float, n_c: float) -> _TwoByTwo:
    n_t = _group_size(n_t, "Intervention group size")
    n_c = _group_size(n_c, "Comparison group size")
    events_t = _event_count(events_t, n_t, "Intervention group")
    events_c = _event_count(events_c, n_c, "Comparison group")

    cells = [events_t, n_t - events_t, events_c, n_c - events_c]
    if any(cell == 0 for cell in cells):
        cells = [cell + ZERO_CELL_CORRECTION for cell in cells]
    return _TwoByTwo(*cells, reported_total=n_t + n_c)


def _as_number(value: object, label: str, *, allow_infinite: bool = False) -> float:
    # bool is a subclass of int, but True as a sample size is always a data-entry bug.
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        raise ValueError(f"{label} must be a number (got {value!r}).")
    try:
        number = float(value)
    except (OverflowError, ValueError):  # an int too large for a float, or Decimal("sNaN")
        raise ValueError(f"{label} must be a finite number (got {value!r}).") from None
    if math.isnan(number) or (math.isinf(number) and not allow_infinite):
        raise ValueError(f"{label} must be a finite number (got {value!r}).")
    return number


def _group_size(value: object, label: str) -> float:
    n = _as_number(value, label)
    if n < _MINIMUM_GROUP_SIZE:
        raise ValueError(f"{label} must be at least {_MINIMUM_GROUP_SIZE} (got {n:g}).")
    return n


def _standard_deviation(value: object, label: str) -> float:
    sd = _as_number(value, label)
    if sd < 0:
        raise ValueError(f"{label} must not be negative (got {sd:g}).")
    return sd


def _event_count(value: object, group_size: float, group: str) -> float:
    events = _as_number(value, f"{group} events")
    if events < 0:
        raise ValueError(f"{group} events must not be negative (got {events:g}).")
    if events > group_size:
        raise ValueError(
            f"{group} events ({events:g}) cannot exceed the {group.lower()} size "
            f"({group_size:g}). Check that the events and group size are for the same group."
        )
    return events


def _symmetric_interval(estimate: float, se: float) -> Effect:
    effect = Effect(estimate=estimate, se=se, ci_low=estimate - Z_95 * se, ci_high=estimate + Z_95 * se)
    return _require_finite(effect)


def _ratio_interval(log_estimate: float, log_se: float) -> Effect:
    effect = Effect(
        estimate=math.exp(log_estimate),
        se=log_se,
        ci_low=math.exp(log_estimate - Z_95 * log_se),
        ci_high=math.exp(log_estimate + Z_95 * log_se),
    )
    return _require_finite(effect)


def _require_finite(effect: Effect) -> Effect:
    # Inputs are checked one by one, but extreme combinations (means near the largest float,
    # say) can still overflow; an infinite effect must never reach the catalogue.
    parts = (effect.estimate, effect.se, effect.ci_low, effect.ci_high)
    if not all(math.isfinite(part) for part in parts):
        raise ValueError(
            "The effect size could not be computed as a finite number; check the inputs for "
            "values that are implausibly large or small."
        )
    return effect


def _orient(effect: Effect, *, lower_is_better: bool) -> Effect:
    if not lower_is_better:
        return effect
    # Negating swaps the ends of the interval. "0.0 - x" rather than "-x" keeps an estimate of
    # exactly zero as 0.0 instead of -0.0, which templates would print as "-0.00".
    return Effect(
        estimate=0.0 - effect.estimate,
        se=effect.se,
        ci_low=0.0 - effect.ci_high,
        ci_high=0.0 - effect.ci_low,
    )

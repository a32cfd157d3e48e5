"""Recomputing a review's pooled result from per-study rows, and comparing it with the printed one.

`recompute` and `compare` are pure functions of numbers (tested on their own); `recompute_analysis`
adapts an Analysis and its rows to them. The pooling itself is `reviews.statistics`; this module
adds what a forest plot needs on top of it (each study's effect, interval and percentage weight)
and the check an analyst needs: does what we compute agree with what the review printed, to the
precision it was printed with?
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from stats.effects import Z_95, ZERO_CELL_CORRECTION, hedges_g, odds_ratio, risk_difference, risk_ratio
from stats.pooling import Pooled, pool_binary, pool_continuous

_BINARY = ("RR", "OR", "RD")
MEASURE_NAMES = {
    "RR": "risk ratio",
    "OR": "odds ratio",
    "RD": "risk difference",
    "MD": "mean difference",
    "SMD": "standardised mean difference",
}
_RATIOS = ("RR", "OR")


@dataclass(frozen=True)
class StudyEffect:
    """One study's effect with its 95% CI (ratio scale for RR/OR) and its share of the weight in percent.

    `weight` is None for a study that cannot be pooled (no events, or only events, in both groups).
    """

    label: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    weight: float | None

    @property
    def estimable(self) -> bool:
        return self.weight is not None


@dataclass(frozen=True)
class Discrepancy:
    """A recomputed number that differs from the reported one by more than the reported precision allows."""

    name: str
    reported: Decimal | int
    recomputed: float
    tolerance: float


@dataclass
class Recomputation:
    """The outcome of recomputing an analysis: the pooled result and per-study effects, or why not."""

    pooled: Pooled | None = None
    studies: list[StudyEffect] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    error: str = ""
    compared: bool = False

    @property
    def available(self) -> bool:
        return self.pooled is not None

    @property
    def agrees(self) -> bool:
        """Recomputed, compared with a reported result, and no number differs beyond its precision."""
        return self.available and self.compared and not self.discrepancies


def _mh_weight(measure: str, table: tuple) -> float:
    """The Mantel-Haenszel weight RevMan 5 prints for one study (Deeks & Higgins 2010)."""
    events_t, n_t, events_c, n_c = (float(x) for x in table)
    a, b, c, d = events_t, n_t - events_t, events_c, n_c - events_c
    if 0 in (a, b, c, d):
        a, b, c, d = (x + ZERO_CELL_CORRECTION for x in (a, b, c, d))
    n1, n2 = a + b, c + d
    total = n1 + n2
    if measure == "RR":
        return c * n1 / total
    if measure == "OR":
        return b * c / total
    return n1 * n2 / total


def _uninformative(measure: str, table: tuple) -> bool:
    events_t, n_t, events_c, n_c = table
    no_events = events_t == 0 and events_c == 0
    all_events = events_t == n_t and events_c == n_c
    return measure in _RATIOS and (no_events or all_events)


def recompute(
    *,
    measure: str,
    method: str,
    model: str,
    labels: list[str],
    data: list[tuple],
) -> Recomputation:
    """Pool `data` (2x2 tables `(events_t, n_t, events_c, n_c)` for RR/OR/RD, or group summaries
    `(mean_t, sd_t, n_t, mean_c, sd_c, n_c)` for MD/SMD) and return the pooled result with each
    study's effect, 95% CI and percentage weight, as a forest plot shows them.

    Weights follow RevMan 5: inverse variance `1/v` (fixed) or `1/(v + τ²)` (random); for
    Mantel-Haenszel fixed effect, the M-H weights. Bad data gives `error`, never an exception.
    """
    if not data:
        return Recomputation()
    try:
        if measure in _BINARY:
            pooled = pool_binary(data, measure=measure, method=method, model=model)
        else:
            pooled = pool_continuous(data, measure=measure, model=model, method=method)
    except ValueError as error:
        return Recomputation(error=str(error))

    raw: list[tuple[str, float | None, float | None, float | None, float | None]] = []
    for label, row in zip(labels, data, strict=True):
        if measure in _BINARY:
            if _uninformative(measure, row):
                raw.append((label, None, None, None, None))
                continue
            effect = {"RR": risk_ratio, "OR": odds_ratio, "RD": risk_difference}[measure](*row)
            variance = effect.se**2
            if method == "MH" and model == "fixed":
                weight = _mh_weight(measure, row)
            else:
                weight = 1.0 / (variance + (pooled.tau2 if model == "random" else 0.0))
            raw.append((label, effect.estimate, effect.ci_low, effect.ci_high, weight))
        else:
            mean_t, sd_t, n_t, mean_c, sd_c, n_c = row
            if measure == "SMD":
                effect = hedges_g(mean_t, sd_t, n_t, mean_c, sd_c, n_c)
                estimate, se = effect.estimate, effect.se
            else:
                estimate, se = mean_t - mean_c, math.sqrt(sd_t**2 / n_t + sd_c**2 / n_c)
            weight = 1.0 / (se**2 + (pooled.tau2 if model == "random" else 0.0))
            raw.append((label, estimate, estimate - Z_95 * se, estimate + Z_95 * se, weight))
    total = math.fsum(w for *_, w in raw if w is not None)
    studies = [
        StudyEffect(label, est, low, high, None if w is None else 100.0 * w / total) for label, est, low, high, w in raw
    ]
    return Recomputation(pooled=pooled, studies=studies)


def tolerance(decimals: int) -> float:
    """Half a unit in the last printed place: 2 decimals allow a difference of 0.005."""
    return 0.5 * 10.0 ** (-decimals)


def compare(
    pooled: Pooled,
    *,
    decimals: int,
    estimate: Decimal | None = None,
    ci_low: Decimal | None = None,
    ci_high: Decimal | None = None,
    i2: Decimal | None = None,
    tau2: Decimal | None = None,
    chi2: Decimal | None = None,
    df: int | None = None,
    studies: int | None = None,
) -> list[Discrepancy]:
    """The reported numbers that the recomputed `pooled` result does not reproduce.

    Estimate, interval, τ² and Chi² are compared to `decimals` places on the reported scale (ratios
    as ratios); I² to the whole percent RevMan prints; df and the number of studies exactly.
    Numbers the review did not report (None) are not compared.
    """
    places = tolerance(decimals)
    checks = [
        ("estimate", estimate, pooled.estimate, places),
        ("lower confidence limit", ci_low, pooled.ci_low, places),
        ("upper confidence limit", ci_high, pooled.ci_high, places),
        ("I²", i2, pooled.i2, 0.5),
        ("τ²", tau2, pooled.tau2, places),
        ("Chi²", chi2, pooled.q, places),
        ("df", df, pooled.df, 0.0),
        ("number of studies", studies, pooled.k, 0.0),
    ]
    found = []
    for name, reported, recomputed, allowed in checks:
        if reported is None:
            continue
        # A hair of slack so that a number printed by rounding half-up exactly at the boundary agrees.
        if abs(float(reported) - recomputed) > allowed + 1e-12:
            found.append(Discrepancy(name, reported, recomputed, allowed))
    return found


def recompute_analysis(analysis) -> Recomputation:
    """Recompute an Analysis from its (prefetched) rows and compare it with what the review reported."""
    rows = list(analysis.rows.all())
    if not rows:
        return Recomputation()
    data = [row.as_table() for row in rows] if analysis.is_binary else [row.as_groups() for row in rows]
    if any(value is None for row in data for value in row):
        return Recomputation(
            error="Some study rows are missing numbers this effect measure needs "
            f"({'events and totals' if analysis.is_binary else 'means, SDs and totals'})."
        )
    result = recompute(
        measure=analysis.effect_measure,
        method=analysis.method,
        model=analysis.model,
        labels=[row.label for row in rows],
        data=data,
    )
    if result.pooled is not None and analysis.reported_estimate is not None:
        result.compared = True
        result.discrepancies = compare(
            result.pooled,
            decimals=analysis.reported_decimals,
            estimate=analysis.reported_estimate,
            ci_low=analysis.reported_ci_low,
            ci_high=analysis.reported_ci_high,
            i2=analysis.reported_i2,
            tau2=analysis.reported_tau2,
            chi2=analysis.reported_chi2,
            df=analysis.reported_df,
            studies=analysis.studies_count,
        )
    return result


# --------------------------------------------------------------------------- plain words
def printed(value: Decimal, decimals: int) -> str:
    """A reported number as the review printed it: at least `decimals` places, more if it was entered with more.

    Reviews sometimes mix precision ("RR 3.3, 95% CI 1.82 to 6.0"); the stored Decimal has trailing zeros
    (3.3000), so keep the places that carry digits, and never fewer than the analysis's printed precision.
    """
    exponent = value.normalize().as_tuple().exponent
    places = max(decimals, -exponent if isinstance(exponent, int) else 0)
    return f"{value:.{places}f}".replace("-", "−")


def _fmt(value, decimals: int) -> str:
    if isinstance(value, Decimal):
        return printed(value, decimals)
    return f"{float(value):.{decimals}f}".replace("-", "−")


PLAIN_DECIMALS = 2


def _plain(value, null: float) -> str:
    """A number for a plain-words sentence: 2 decimals, more only where 2 would look like "no difference".

    Tables keep the review's printed precision; a sentence for a commissioner does not need 4 places.
    A bound such as 0.996 must not read as 1.00 next to "the interval excludes 1".
    """
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    for places in (PLAIN_DECIMALS, 3, 4):
        # Half up, as printed tables do (0.6950 reads 0.70, not float rounding's 0.69).
        rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if number == null or rounded != null:
            break
    return f"{rounded:f}".replace("-", "−")


def plain_words(
    *,
    measure: str,
    estimate: float | Decimal,
    ci_low: float | Decimal,
    ci_high: float | Decimal,
    decimals: int,
    intervention: str,
    control: str,
    higher_is_better: bool | None,
    outcome: str = "The outcome",
) -> str:
    """A pooled result in words a commissioner can read, with its interval and what it means.

    "Statistically significant" means the 95% interval excludes no effect (1 for ratios, 0 for
    differences). Whether the effect favours the intervention depends on the outcome's direction.
    """
    null = 1.0 if measure in _RATIOS else 0.0
    interval = f"95% confidence interval {_plain(ci_low, null)} to {_plain(ci_high, null)}"
    name = MEASURE_NAMES[measure]
    value = f"{name} {_plain(estimate, null)}"
    if measure in _RATIOS:
        what = "likely" if measure == "RR" else "likely (in odds)"
        if estimate >= 1:
            size = f"{_plain(estimate, null)} times as {what}"
        else:
            size = f"{round((1 - estimate) * 100)}% less {what}"
        than = "as" if estimate >= 1 else "than"
        lead = f"{outcome}: {size} in the {intervention} group {than} in the {control} group"
    elif measure == "RD":
        points = abs(estimate) * 100
        direction = "higher" if estimate >= 0 else "lower"
        lead = f"{outcome}: {points:.0f} percentage points {direction} in the {intervention} group"
    else:
        direction = "higher" if estimate >= 0 else "lower"
        lead = f"{outcome}: scores {direction} on average in the {intervention} group than in the {control} group"
    if ci_low <= null <= ci_high:
        verdict = (
            f"The interval includes {null:g} (no difference), so the review found no statistically significant "
            "difference: this is not evidence that there is no effect."
        )
    elif higher_is_better is None:
        verdict = f"The interval excludes {null:g} (no difference): a statistically significant difference."
    else:
        good = (estimate > null) == higher_is_better
        favoured = intervention if good else control
        verdict = (
            f"The interval excludes {null:g} (no difference): a statistically significant result favouring {favoured}."
        )
    return f"{lead} ({value}; {interval}). {verdict}"


def describe_reported(analysis) -> str:
    """The reported pooled result of an Analysis in plain words, or "" if it reports no estimate."""
    if analysis.reported_estimate is None:
        return ""
    if analysis.reported_ci_low is None or analysis.reported_ci_high is None:
        name = analysis.get_effect_measure_display().split(" (")[0].lower()
        return (
            f"The review reports a {name} of "
            f"{_plain(analysis.reported_estimate, 1.0 if analysis.effect_measure in _RATIOS else 0.0)} "
            "without a confidence interval in our source, so we cannot say how precise it is."
        )
    return plain_words(
        measure=analysis.effect_measure,
        estimate=analysis.reported_estimate,
        ci_low=analysis.reported_ci_low,
        ci_high=analysis.reported_ci_high,
        decimals=analysis.reported_decimals,
        intervention=analysis.intervention_label,
        control=analysis.control_label,
        higher_is_better=analysis.higher_is_better,
        outcome=analysis.outcome,
    )

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
from stats.pooling import (
    EggerTest,
    Pooled,
    SubgroupDifference,
    egger_test,
    pool_binary,
    pool_continuous,
    subgroup_difference,
)

_BINARY = ("RR", "OR", "RD")
MEASURE_NAMES = {
    "RR": "risk ratio",
    "OR": "odds ratio",
    "RD": "risk difference",
    "MD": "mean difference",
    "SMD": "standardised mean difference",
}
_RATIOS = ("RR", "OR")
# The Cochrane Handbook (13.3.5.4) advises against funnel plots and tests for asymmetry with fewer studies.
FUNNEL_MINIMUM_STUDIES = 10
NOT_IN_A_SUBGROUP = "Not in a subgroup"


@dataclass(frozen=True)
class StudyEffect:
    """One study's effect with its 95% CI (ratio scale for RR/OR) and its share of the weight in percent.

    `weight` is None for a study that cannot be pooled (no events, or only events, in both groups).
    `y` and `variance` are the effect and its sampling variance on the analysis scale (log ratio for
    RR and OR), as pooled; `subgroup` is the row's subgroup label ("" without subgroups).
    """

    label: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    weight: float | None
    y: float | None = None
    variance: float | None = None
    subgroup: str = ""

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


@dataclass(frozen=True)
class Subgroup:
    """One subgroup's studies pooled on their own, with the analysis's model and estimator; `weight`
    is their share of the whole analysis's weight in percent (RevMan's subtotal)."""

    label: str
    pooled: Pooled
    weight: float


@dataclass
class Recomputation:
    """The outcome of recomputing an analysis: the pooled result and per-study effects, or why not.

    With subgroups: each subgroup pooled on its own and the test for subgroup differences. With at
    least FUNNEL_MINIMUM_STUDIES estimable studies of differing precision: Egger's test.
    """

    pooled: Pooled | None = None
    studies: list[StudyEffect] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    error: str = ""
    compared: bool = False
    subgroups: list[Subgroup] = field(default_factory=list)
    subgroup_test: SubgroupDifference | None = None
    egger: EggerTest | None = None

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


def effective_options(*, method: str, model: str, tau2_estimator: str, hartung_knapp: bool) -> tuple[str, bool]:
    """The τ² estimator and Hartung–Knapp choice the pooling actually uses.

    Mantel–Haenszel uses RevMan 5's DerSimonian–Laird τ² and no adjustment (stats.pooling.pool_binary
    refuses anything else); Hartung–Knapp applies to random effects only.
    """
    if method == "MH":
        return "DL", False
    return tau2_estimator, hartung_knapp and model == "random"


def _pool(measure: str, method: str, model: str, data: list[tuple], tau2_estimator: str, hartung_knapp: bool):
    options = {"model": model, "method": method, "tau2_estimator": tau2_estimator, "hartung_knapp": hartung_knapp}
    if measure in _BINARY:
        return pool_binary(data, measure=measure, **options)
    return pool_continuous(data, measure=measure, **options)


def _study_effect(measure: str, row: tuple) -> tuple[float, float, float, float, float] | None:
    """(estimate, ci_low, ci_high, y, variance) for one row, or None when it cannot be pooled."""
    if measure in _BINARY:
        if _uninformative(measure, row):
            return None
        effect = {"RR": risk_ratio, "OR": odds_ratio, "RD": risk_difference}[measure](*row)
        y = math.log(effect.estimate) if measure in _RATIOS else effect.estimate
        return effect.estimate, effect.ci_low, effect.ci_high, y, effect.se**2
    mean_t, sd_t, n_t, mean_c, sd_c, n_c = row
    if measure == "SMD":
        effect = hedges_g(mean_t, sd_t, n_t, mean_c, sd_c, n_c)
        estimate, se = effect.estimate, effect.se
    else:
        estimate, se = mean_t - mean_c, math.sqrt(sd_t**2 / n_t + sd_c**2 / n_c)
    return estimate, estimate - Z_95 * se, estimate + Z_95 * se, estimate, se**2


def _weighted(measure: str, method: str, model: str, labels, data, groups, tau2: float) -> list[StudyEffect]:
    """Each study's effect and its percentage share of the weight, as RevMan prints them."""
    raw = []
    for label, row, group in zip(labels, data, groups, strict=True):
        effect = _study_effect(measure, row)
        if effect is None:
            raw.append((label, None, None, None, None, None, None, group))
            continue
        estimate, low, high, y, variance = effect
        if method == "MH" and model == "fixed":
            weight = _mh_weight(measure, row)
        else:
            weight = 1.0 / (variance + (tau2 if model == "random" else 0.0))
        raw.append((label, estimate, low, high, weight, y, variance, group))
    total = math.fsum(item[4] for item in raw if item[4] is not None)
    return [
        StudyEffect(label, est, low, high, None if w is None else 100.0 * w / total, y, v, group)
        for label, est, low, high, w, y, v, group in raw
    ]


def recompute(
    *,
    measure: str,
    method: str,
    model: str,
    labels: list[str],
    data: list[tuple],
    tau2_estimator: str = "DL",
    hartung_knapp: bool = False,
    subgroups: list[str] | None = None,
) -> Recomputation:
    """Pool `data` (2x2 tables `(events_t, n_t, events_c, n_c)` for RR/OR/RD, or group summaries
    `(mean_t, sd_t, n_t, mean_c, sd_c, n_c)` for MD/SMD) and return the pooled result with each
    study's effect, 95% CI and percentage weight, as a forest plot shows them.

    Weights follow RevMan 5: inverse variance `1/v` (fixed) or `1/(v + τ²)` (random); for
    Mantel-Haenszel fixed effect, the M-H weights. `tau2_estimator` and `hartung_knapp` go to
    stats.pooling (see `effective_options`). `subgroups` gives each row's subgroup label: when any
    is set, each subgroup is pooled on its own and the subgroups are compared
    (stats.pooling.subgroup_difference). Bad data gives `error`, never an exception.
    """
    if not data:
        return Recomputation()
    tau2_estimator, hartung_knapp = effective_options(
        method=method, model=model, tau2_estimator=tau2_estimator, hartung_knapp=hartung_knapp
    )
    groups = list(subgroups) if subgroups and any(subgroups) else [""] * len(data)
    if any(groups):
        groups = [group or NOT_IN_A_SUBGROUP for group in groups]
    try:
        pooled = _pool(measure, method, model, data, tau2_estimator, hartung_knapp)
    except ValueError as error:
        return Recomputation(error=str(error))
    studies = _weighted(measure, method, model, labels, data, groups, pooled.tau2)
    result = Recomputation(pooled=pooled, studies=studies)
    estimable = [s for s in studies if s.estimable]
    if any(groups):
        result.subgroups, result.subgroup_test = _subgroups(
            measure, method, model, data, groups, tau2_estimator, hartung_knapp, estimable
        )
    variances = [s.variance for s in estimable]
    if len(estimable) >= FUNNEL_MINIMUM_STUDIES and min(variances) != max(variances):
        result.egger = egger_test([s.y for s in estimable], variances)
    return result


def _subgroups(measure, method, model, data, groups, tau2_estimator, hartung_knapp, estimable):
    """Each subgroup pooled on its own (in order of first appearance), and the test for differences.

    The test follows RevMan 5 (stats.pooling.subgroup_difference): with random effects, a
    DerSimonian–Laird estimate within each subgroup. A subgroup whose studies cannot be pooled, or
    a single-study subgroup asked for Hartung–Knapp, is pooled without the adjustment.
    """
    found = []
    for label in dict.fromkeys(groups):
        indices = [i for i, group in enumerate(groups) if group == label]
        rows = [data[i] for i in indices]
        adjust = hartung_knapp and len(rows) >= 2
        try:
            pooled = _pool(measure, method, model, rows, tau2_estimator, adjust)
        except ValueError:
            continue
        weight = math.fsum(s.weight for s in estimable if s.subgroup == label)
        found.append(Subgroup(label, pooled, weight))
    test = None
    if len({s.subgroup for s in estimable}) >= 2:
        test = subgroup_difference(
            [s.y for s in estimable], [s.variance for s in estimable], [s.subgroup for s in estimable], model=model
        )
    return found, test


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
        tau2_estimator=analysis.tau2_estimator,
        hartung_knapp=analysis.hartung_knapp,
        subgroups=[row.subgroup for row in rows],
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


def plain_number(value, null: float) -> str:
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
    interval = f"95% confidence interval {plain_number(ci_low, null)} to {plain_number(ci_high, null)}"
    name = MEASURE_NAMES[measure]
    value = f"{name} {plain_number(estimate, null)}"
    if measure in _RATIOS:
        what = "likely" if measure == "RR" else "likely (in odds)"
        if estimate >= 1:
            size = f"{plain_number(estimate, null)} times as {what}"
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
            f"{plain_number(analysis.reported_estimate, 1.0 if analysis.effect_measure in _RATIOS else 0.0)} "
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

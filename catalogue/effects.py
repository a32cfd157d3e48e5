"""A finding's numbers: its effect size, 95% CI and improvement index, from its raw group data
(means and SDs, or events) or as published, and the warnings when what an analyst typed
contradicts them. Plain functions over a mapping of the finding's fields; the maths is in
`stats.effects`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from stats import effects as statistics

from .choices import Direction, EffectSizeType, EffectSource

MEANS_FIELDS = ("mean_t", "sd_t", "n_t", "mean_c", "sd_c", "n_c")
EVENTS_FIELDS = ("events_t", "n_t", "events_c", "n_c")
FIELD_LABELS = {
    "mean_t": "programme group mean",
    "sd_t": "programme group SD",
    "n_t": "programme group size",
    "mean_c": "comparison group mean",
    "sd_c": "comparison group SD",
    "n_c": "comparison group size",
    "events_t": "programme group events",
    "events_c": "comparison group events",
}
# Effect sizes are stored as DecimalField(max_digits=7, decimal_places=4).
_LARGEST_STORABLE_EFFECT = 999.9999
_FOUR_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class ComputedEffect:
    """What a finding stores after computation: effect size and CI (or None), index, and how."""

    source: str
    effect_size_type: str
    effect_size: Decimal | None
    ci_low: Decimal | None
    ci_high: Decimal | None
    improvement_index: int
    formula: str


def compute_finding_effect(fields: Mapping[str, object]) -> ComputedEffect | None:
    """Compute a finding's effect size, CI and improvement index from its field values.

    ``fields`` maps Finding field names to values (None for empty). In order:

    * means, SDs and sizes of both groups → Hedges' g (WWC), with the sign flipped when
      ``lower_is_better``;
    * events and sizes of both groups → Cox index (the WWC/EIF convention for yes/no outcomes);
    * otherwise a published ``effect_size`` → kept as typed, improvement index computed from it;
    * otherwise None: nothing to compute (a published improvement index typed alone is kept).

    Raises:
        ValueError: for partial raw data (naming what is missing), means and events both entered,
            or raw data the statistics module rejects (its message is passed on unchanged).
    """
    lower_is_better = bool(fields.get("lower_is_better"))
    means_entered = [name for name in ("mean_t", "sd_t", "mean_c", "sd_c") if fields.get(name) is not None]
    events_entered = [name for name in ("events_t", "events_c") if fields.get(name) is not None]
    if means_entered and events_entered:
        raise ValueError("Enter either group means and SDs (for a score) or events (for a yes/no outcome), not both.")
    if means_entered:
        _require(fields, MEANS_FIELDS, "Hedges' g")
        return _effect_from_means(fields, lower_is_better=lower_is_better)
    if events_entered:
        _require(fields, EVENTS_FIELDS, "the Cox index")
        return _effect_from_events(fields, lower_is_better=lower_is_better)
    if fields.get("effect_size") is not None:
        return _effect_as_published(fields)
    return None


def _require(fields: Mapping[str, object], names: Iterable[str], measure: str) -> None:
    missing = [FIELD_LABELS[name] for name in names if fields.get(name) is None]
    if missing:
        raise ValueError(f"To compute {measure} from the raw group data, also enter: {', '.join(missing)}.")


def _effect_from_means(fields: Mapping[str, object], *, lower_is_better: bool) -> ComputedEffect:
    values = {name: fields[name] for name in MEANS_FIELDS}
    effect = statistics.hedges_g(**values, lower_is_better=lower_is_better)
    n_t, n_c = float(values["n_t"]), float(values["n_c"])
    sd_t, sd_c = float(values["sd_t"]), float(values["sd_c"])
    total = n_t + n_c
    omega = statistics.small_sample_correction(total)
    pooled_sd = math.sqrt(((n_t - 1) * sd_t**2 + (n_c - 1) * sd_c**2) / (total - 2))
    index = statistics.improvement_index(effect.estimate)
    formula = (
        "Hedges' g (WWC): g = ω × (programme mean − comparison mean) / pooled SD, "
        "with ω = 1 − 3/(4N − 9) and pooled SD = √(((n_t − 1)·SD_t² + (n_c − 1)·SD_c²) / (N − 2)). "
        f"Here N = {total:g}, ω = {omega:.4f}, pooled SD = {pooled_sd:.4g}, "
        f"g = {omega:.4f} × ({float(values['mean_t']):g} − {float(values['mean_c']):g}) / {pooled_sd:.4g}"
        f"{' with the sign flipped because lower scores are better' if lower_is_better else ''}"
        f" = {effect.estimate:.4f}. "
        f"95% CI = g ± 1.96 × √(1/n_t + 1/n_c + g²/(2N)) = {effect.ci_low:.4f} to {effect.ci_high:.4f}. "
        + _index_formula(effect.estimate, index)
    )
    return _stored(EffectSource.MEANS, EffectSizeType.HEDGES_G, effect, index, formula)


def _effect_from_events(fields: Mapping[str, object], *, lower_is_better: bool) -> ComputedEffect:
    values = {name: fields[name] for name in EVENTS_FIELDS}
    effect = statistics.cox_index(**values, lower_is_better=lower_is_better)
    index = statistics.improvement_index(effect.estimate)
    cells = [values["events_t"], values["n_t"], values["events_c"], values["n_c"]]
    events_t, n_t, events_c, n_c = (float(v) for v in cells)
    zero_cell = 0 in (events_t, n_t - events_t, events_c, n_c - events_c)
    formula = (
        "Cox index (WWC/EIF, for yes/no outcomes): d = ω × ln(odds ratio) / 1.65, with ω = 1 − 3/(4N − 9). "
        f"Here {events_t:g} of {n_t:g} in the programme group and {events_c:g} of {n_c:g} in the comparison "
        "group had the outcome"
        f"{'; a table cell is zero, so 0.5 was added to all four cells' if zero_cell else ''}"
        f"{'; the sign is flipped because the outcome counted is the bad result' if lower_is_better else ''}"
        f", giving d = {effect.estimate:.4f} (95% CI {effect.ci_low:.4f} to {effect.ci_high:.4f}). "
        + _index_formula(effect.estimate, index)
    )
    return _stored(EffectSource.EVENTS, EffectSizeType.COX_INDEX, effect, index, formula)


def _effect_as_published(fields: Mapping[str, object]) -> ComputedEffect:
    effect_size = fields["effect_size"]
    index = statistics.improvement_index(effect_size)
    formula = "Effect size as published in the study. " + _index_formula(float(effect_size), index)
    return ComputedEffect(
        source=EffectSource.PUBLISHED,
        effect_size_type=str(fields.get("effect_size_type") or ""),
        effect_size=Decimal(str(effect_size)),
        ci_low=fields.get("ci_low"),
        ci_high=fields.get("ci_high"),
        improvement_index=index,
        formula=formula,
    )


def _index_formula(g: float, index: int) -> str:
    return f"Improvement index = 100 × Φ(g) − 50 = 100 × Φ({g:.4f}) − 50 = {index:+d}."


def _stored(source, effect_size_type, effect: statistics.Effect, index: int, formula: str) -> ComputedEffect:
    if max(abs(effect.ci_low), abs(effect.ci_high)) > _LARGEST_STORABLE_EFFECT:
        raise ValueError(
            f"The computed effect size ({effect.estimate:.4g}) is implausibly large; check the means and SDs "
            "(an SE entered as an SD is a common cause)."
        )
    return ComputedEffect(
        source=source,
        effect_size_type=effect_size_type,
        effect_size=_four_places(effect.estimate),
        ci_low=_four_places(effect.ci_low),
        ci_high=_four_places(effect.ci_high),
        improvement_index=index,
        formula=formula,
    )


def _four_places(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP) + 0


@dataclass(frozen=True)
class IndexRange:
    """An improvement index and the range its effect size's 95% CI implies (``low`` ≤ ``index`` ≤ ``high``)."""

    index: int
    low: int
    high: int


def improvement_index_range(effect_size, ci_low, ci_high) -> IndexRange | None:
    """The improvement index at the effect size and at each end of its 95% confidence interval.

    The index is a monotone function of the effect size (100·Φ(g) − 50), so the indices at the
    interval's ends bound the indices the data are compatible with: g = 0.50 (95% CI 0.10 to 0.88)
    gives +19, plausible range +4 to +31. None when the effect size or either limit is missing.
    """
    if effect_size is None or ci_low is None or ci_high is None:
        return None
    return IndexRange(
        index=statistics.improvement_index(float(effect_size)),
        low=statistics.improvement_index(float(ci_low)),
        high=statistics.improvement_index(float(ci_high)),
    )


def reported_effect_difference(reported, computed) -> str:
    """A warning when the effect size a paper reports and the one computed from its raw data differ by
    more than rounding, or "" when they agree (or either is missing).

    Rounding allows half a unit in the last place the paper printed, assuming at least two places
    (0.5 may have been printed 0.50): 0.42 reported agrees with 0.4249 computed, not with 0.4251.
    """
    if reported is None or computed is None:
        return ""
    reported, computed = Decimal(str(reported)), Decimal(str(computed))
    exponent = reported.normalize().as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 0)
    allowed = Decimal(5).scaleb(-places - 1)
    if abs(reported - computed) <= allowed:
        return ""
    flipped = " (the opposite sign: check “lower is better”)" if reported * computed < 0 else ""
    return (
        f"The paper reports an effect size of {_signed(reported)}, but its raw group data give "
        f"{_signed(computed)}{flipped}: more than rounding to {places} decimal places allows. Check the means, "
        "SDs, group sizes and events against the paper, and which groups and time point it compares."
    )


def finding_consistency_warnings(
    *, significant: bool | None, direction: str, effect_size: Decimal | None, ci_low, ci_high
) -> list[str]:
    """Warnings for a finding whose labels contradict its numbers (the effect size and 95% CI).

    Never errors: a paper may report significance from a different test than the CI, so the
    analyst is asked to check the paper, not stopped. Positive effects always favour the programme.

    * marked significant while the CI crosses zero, or not significant while it excludes zero;
    * marked favourable with a negative effect size, or unfavourable with a positive one.

    A CI with a bound at exactly zero is borderline (p ≈ 0.05) and gives no warning.
    """
    warnings = []
    if ci_low is not None and ci_high is not None and significant is not None:
        interval = f"The 95% CI ({_signed(ci_low)} to {_signed(ci_high)})"
        if significant and ci_low < 0 < ci_high:
            warnings.append(f"{interval} includes zero, but the finding is marked significant: check the paper.")
        elif not significant and (ci_low > 0 or ci_high < 0):
            warnings.append(f"{interval} excludes zero, but the finding is marked not significant: check the paper.")
    if effect_size is not None:
        wrong_way = {Direction.FAVOURABLE: effect_size < 0, Direction.UNFAVOURABLE: effect_size > 0}
        if wrong_way.get(direction):
            sign = "negative" if effect_size < 0 else "positive"
            warnings.append(
                f"The effect size ({_signed(effect_size)}) is {sign}, but the finding is marked "
                f"{Direction(direction).label.lower()}: positive always favours the programme. Check the paper "
                "(and “lower is better” when the effect is computed from group data)."
            )
    return warnings


def _signed(value) -> str:
    """A stored number as a reader writes it: at least two decimals, a real minus sign ("−0.15")."""
    number = Decimal(str(value)).normalize()
    if number.as_tuple().exponent > -2:
        number = number.quantize(Decimal("0.01"))
    return f"{number:f}".replace("-", "−")

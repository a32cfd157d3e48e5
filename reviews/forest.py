"""Forest plot geometry: where each study's square, line and the pooled diamond go.

A pure function of numbers, so it is tested on its own; the template
`reviews/_forest_plot.svg.html` only places what this returns, with SVG presentation attributes
(no `style`), so the plot passes a strict Content Security Policy and prints as a vector.
Ratios (RR, OR) are drawn on a log scale, as RevMan and metafor draw them; differences on a
linear scale. Square areas are proportional to the study's weight. With subgroups, each group has a
heading and its own diamond; a random-effects result with a prediction interval gets a bar under
its diamond (Higgins, Thompson & Spiegelhalter 2009; IntHout et al. 2016, BMJ Open 6:e010247).

Every label is at least 12 units high and the template fixes the drawing's width at WIDTH pixels
on screen (scrolling sideways in its region on a phone), so a label is never smaller than 12 px.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from stats.pooling import Pooled, SubgroupDifference

from .recompute import StudyEffect, Subgroup

WIDTH = 760
ROW_HEIGHT = 26
TOP = 44  # room for the column headings
PLOT_LEFT = 230
PLOT_RIGHT = 510
EFFECT_TEXT_X = 600  # centre of the "estimate [CI]" column
WEIGHT_TEXT_X = 740  # right edge of the weight column
MAX_BOX = 18
MIN_BOX = 5
# Log-scale ticks RevMan uses; the axis keeps those within the data's range.
LOG_TICKS = (0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 1000)
LOG_LIMITS = (0.001, 1000.0)


@dataclass(frozen=True)
class ForestRow:
    label: str
    y: float
    effect_text: str
    weight_text: str
    estimable: bool
    x: float = 0.0
    x_low: float = 0.0
    x_high: float = 0.0
    box: float = 0.0
    clipped_low: bool = False
    clipped_high: bool = False

    @property
    def box_x(self) -> float:
        return self.x - self.box / 2

    @property
    def box_y(self) -> float:
        return self.y - self.box / 2


@dataclass(frozen=True)
class Heading:
    """A subgroup's name above its studies."""

    label: str
    y: float


@dataclass(frozen=True)
class Diamond:
    """A pooled estimate (a subgroup's or the total) drawn as a diamond across its 95% CI."""

    label: str
    y: float
    points: str
    text: str
    weight_text: str


@dataclass(frozen=True)
class PredictionBar:
    """The 95% prediction interval: where the effect in a new setting like these is expected to lie."""

    y: float
    x_low: float
    x_high: float
    text: str
    clipped_low: bool
    clipped_high: bool


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class ForestPlot:
    width: int
    height: int
    plot_left: int
    plot_right: int
    effect_text_x: int
    weight_text_x: int
    header_y: float
    rows: list[ForestRow]
    pooled_label: str
    pooled_y: float
    pooled_text: str
    diamond_points: str
    null_x: float
    axis_y: float
    ticks: list[Tick]
    left_label: str
    right_label: str
    measure_heading: str
    log_scale: bool
    headings: tuple[Heading, ...] = ()
    subtotals: tuple[Diamond, ...] = ()
    prediction: PredictionBar | None = None
    subgroup_test_text: str = ""

    # Derived positions, so the template does no arithmetic.
    @property
    def null_line_top(self) -> float:
        return self.header_y + 8

    @property
    def tick_end_y(self) -> float:
        return self.axis_y + 5

    @property
    def tick_label_y(self) -> float:
        return self.axis_y + 18

    @property
    def favours_y(self) -> float:
        return self.axis_y + 36

    @property
    def subgroup_test_y(self) -> float:
        return self.axis_y + 58

    @property
    def left_label_x(self) -> float:
        return self.null_x - 8

    @property
    def right_label_x(self) -> float:
        return self.null_x + 8


def _fmt(value: float, decimals: int = 2) -> str:
    return f"{value:.{decimals}f}".replace("-", "−")


def _effect_text(estimate: float, low: float, high: float) -> str:
    return f"{_fmt(estimate)} [{_fmt(low)}, {_fmt(high)}]"


def _nice_step(span: float) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about five ticks over `span`."""
    raw = span / 5
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * power:
            return multiple * power
    return 10 * power


def _diamond(label: str, y: float, pooled: Pooled, x_of, weight_text: str) -> Diamond:
    half = 7
    centre, left, right = x_of(pooled.estimate), x_of(pooled.ci_low), x_of(pooled.ci_high)
    corners = [(left, y), (centre, y - half), (right, y), (centre, y + half)]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)
    return Diamond(label, y, points, _effect_text(pooled.estimate, pooled.ci_low, pooled.ci_high), weight_text)


def subgroup_test_text(test: SubgroupDifference) -> str:
    """RevMan's line under a forest plot with subgroups."""
    p = "P < 0.001" if test.p_value < 0.001 else f"P = {test.p_value:.2f}"
    return f"Test for subgroup differences: Chi² = {_fmt(test.q)}, df = {test.df} ({p}), I² = {test.i2:.0f}%"


def forest_geometry(
    studies: Sequence[StudyEffect],
    pooled: Pooled,
    *,
    measure: str,
    model: str,
    intervention: str = "intervention",
    control: str = "control",
    higher_is_better: bool | None = True,
    subgroups: Sequence[Subgroup] = (),
    subgroup_test: SubgroupDifference | None = None,
) -> ForestPlot:
    """Lay out a forest plot of `studies` and their `pooled` result.

    Returns pixel positions in a WIDTH-wide coordinate system: one row per study (square at the
    estimate, sized so its area is proportional to the weight; a line for the 95% CI, clipped with
    a flag when it runs off the axis), a diamond for the pooled estimate and CI, a bar under it for
    the prediction interval when `pooled` has one, the line of no effect, axis ticks, and the
    "favours" labels under each side of it.

    With `subgroups`, `studies` must come grouped (each subgroup's studies together, in the order of
    `subgroups`): each group gets a heading above its studies and its diamond below them, and
    `subgroup_test` is printed under the axis.
    """
    log_scale = measure in ("RR", "OR")
    null = 1.0 if log_scale else 0.0
    transform = math.log10 if log_scale else (lambda v: v)
    has_prediction = pooled.pi_low is not None and pooled.pi_high is not None

    values = [null, pooled.ci_low, pooled.ci_high]
    for study in studies:
        if study.estimable:
            values += [study.ci_low, study.ci_high]
    for subgroup in subgroups:
        values += [subgroup.pooled.ci_low, subgroup.pooled.ci_high]
    # The prediction interval does not stretch the axis (with three studies it spans t(0.975, 1) = 12.7
    # standard errors): it is clipped, with an arrow, where it runs off the axis.
    if log_scale:
        low_value = max(min(values), LOG_LIMITS[0])
        high_value = min(max(values), LOG_LIMITS[1])
        ticks = [t for t in LOG_TICKS if low_value <= t <= high_value]
        # Extend to the nearest tick outside the data on each side so every square sits inside the axis.
        lower_ticks = [t for t in LOG_TICKS if t <= low_value]
        upper_ticks = [t for t in LOG_TICKS if t >= high_value]
        axis_min = lower_ticks[-1] if lower_ticks else LOG_LIMITS[0]
        axis_max = upper_ticks[0] if upper_ticks else LOG_LIMITS[1]
        ticks = sorted({axis_min, *ticks, axis_max})
        # A long axis gets crowded: keep 1 and the powers of ten, plus the ends.
        if len(ticks) > 7:
            ticks = [t for t in ticks if t in (axis_min, axis_max) or math.log10(t).is_integer()]
    else:
        low_value, high_value = min(values), max(values)
        step = _nice_step((high_value - low_value) or 1.0)
        axis_min = math.floor(low_value / step) * step
        axis_max = math.ceil(high_value / step) * step
        count = round((axis_max - axis_min) / step)
        ticks = [axis_min + i * step for i in range(count + 1)]

    lo_t, hi_t = transform(axis_min), transform(axis_max)

    def x_of(value: float) -> float:
        clamped = min(max(value, axis_min), axis_max)
        return PLOT_LEFT + (transform(clamped) - lo_t) / (hi_t - lo_t) * (PLOT_RIGHT - PLOT_LEFT)

    max_weight = max((s.weight for s in studies if s.estimable), default=1.0) or 1.0
    by_label = {subgroup.label: subgroup for subgroup in subgroups}
    rows, headings, subtotals = [], [], []
    line = 0  # rows of ROW_HEIGHT used so far

    def close_group(label: str) -> None:
        nonlocal line
        subgroup = by_label.get(label)
        if subgroup is not None:
            y = TOP + ROW_HEIGHT * line + ROW_HEIGHT / 2
            subtotals.append(_diamond(f"Subtotal: {label}", y, subgroup.pooled, x_of, f"{subgroup.weight:.1f}%"))
            line += 1

    current = None
    for study in studies:
        if subgroups and study.subgroup != current:
            if current is not None:
                close_group(current)
            current = study.subgroup
            headings.append(Heading(current, TOP + ROW_HEIGHT * line + ROW_HEIGHT / 2))
            line += 1
        y = TOP + ROW_HEIGHT * line + ROW_HEIGHT / 2
        line += 1
        if not study.estimable:
            rows.append(ForestRow(study.label, y, "Not estimable", "", False))
            continue
        box = max(MIN_BOX, MAX_BOX * math.sqrt(study.weight / max_weight))
        rows.append(
            ForestRow(
                label=study.label,
                y=y,
                effect_text=_effect_text(study.estimate, study.ci_low, study.ci_high),
                weight_text=f"{study.weight:.1f}%",
                estimable=True,
                x=x_of(study.estimate),
                x_low=x_of(study.ci_low),
                x_high=x_of(study.ci_high),
                box=box,
                clipped_low=study.ci_low < axis_min,
                clipped_high=study.ci_high > axis_max,
            )
        )
    if subgroups and current is not None:
        close_group(current)

    model_text = "Random" if model == "random" else "Fixed"
    pooled_label = f"Total ({model_text.lower()} effect{'s' if model == 'random' else ''})"
    pooled_y = TOP + ROW_HEIGHT * line + ROW_HEIGHT * 0.9
    total = _diamond(pooled_label, pooled_y, pooled, x_of, "100%")
    prediction = None
    axis_y = pooled_y + ROW_HEIGHT
    if has_prediction:
        bar_y = pooled_y + ROW_HEIGHT
        prediction = PredictionBar(
            y=bar_y,
            x_low=x_of(pooled.pi_low),
            x_high=x_of(pooled.pi_high),
            text=f"[{_fmt(pooled.pi_low)}, {_fmt(pooled.pi_high)}]",
            clipped_low=pooled.pi_low < axis_min,
            clipped_high=pooled.pi_high > axis_max,
        )
        axis_y = bar_y + ROW_HEIGHT
    favours_intervention = f"Favours {intervention}"
    favours_control = f"Favours {control}"
    if higher_is_better is None:
        # The review does not say which side is good news: label the sides by group, not by "favours".
        left_label, right_label = (f"Lower in {intervention}", f"Higher in {intervention}")
    elif higher_is_better:
        left_label, right_label = favours_control, favours_intervention
    else:
        left_label, right_label = favours_intervention, favours_control
    test_text = subgroup_test_text(subgroup_test) if subgroup_test is not None else ""
    return ForestPlot(
        width=WIDTH,
        height=round(axis_y + (66 if test_text else 44)),
        plot_left=PLOT_LEFT,
        plot_right=PLOT_RIGHT,
        effect_text_x=EFFECT_TEXT_X,
        weight_text_x=WEIGHT_TEXT_X,
        header_y=TOP - 16,
        rows=rows,
        pooled_label=pooled_label,
        pooled_y=pooled_y,
        pooled_text=total.text,
        diamond_points=total.points,
        null_x=x_of(null),
        axis_y=axis_y,
        ticks=[Tick(x_of(t), f"{t:g}".replace("-", "−")) for t in ticks],
        left_label=left_label,
        right_label=right_label,
        measure_heading=f"{measure} (95% CI), {model_text}",
        log_scale=log_scale,
        headings=tuple(headings),
        subtotals=tuple(subtotals),
        prediction=prediction,
        subgroup_test_text=test_text,
    )

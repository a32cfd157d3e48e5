"""Forest plot geometry: where each study's square, line and the pooled diamond go.

A pure function of numbers, so it is tested on its own; the template
`reviews/_forest_plot.svg.html` only places what this returns, with SVG presentation attributes
(no `style`), so the plot passes a strict Content Security Policy and prints as a vector.
Ratios (RR, OR) are drawn on a log scale, as RevMan and metafor draw them; differences on a
linear scale. Square areas are proportional to the study's weight.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from stats.pooling import Pooled

from .recompute import StudyEffect

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


def forest_geometry(
    studies: Sequence[StudyEffect],
    pooled: Pooled,
    *,
    measure: str,
    model: str,
    intervention: str = "intervention",
    control: str = "control",
    higher_is_better: bool | None = True,
) -> ForestPlot:
    """Lay out a forest plot of `studies` and their `pooled` result.

    Returns pixel positions in a WIDTH-wide coordinate system: one row per study (square at the
    estimate, sized so its area is proportional to the weight; a line for the 95% CI, clipped with
    a flag when it runs off the axis), a diamond for the pooled estimate and CI, the line of no
    effect, axis ticks, and the "favours" labels under each side of it.
    """
    log_scale = measure in ("RR", "OR")
    null = 1.0 if log_scale else 0.0
    transform = math.log10 if log_scale else (lambda v: v)

    values = [null, pooled.ci_low, pooled.ci_high]
    for study in studies:
        if study.estimable:
            values += [study.ci_low, study.ci_high]
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
    rows = []
    for index, study in enumerate(studies):
        y = TOP + ROW_HEIGHT * index + ROW_HEIGHT / 2
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

    pooled_y = TOP + ROW_HEIGHT * len(studies) + ROW_HEIGHT * 0.9
    half = 7
    centre, left, right = x_of(pooled.estimate), x_of(pooled.ci_low), x_of(pooled.ci_high)
    corners = [(left, pooled_y), (centre, pooled_y - half), (right, pooled_y), (centre, pooled_y + half)]
    diamond = " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)
    axis_y = pooled_y + ROW_HEIGHT
    favours_intervention = f"Favours {intervention}"
    favours_control = f"Favours {control}"
    if higher_is_better is None:
        # The review does not say which side is good news: label the sides by group, not by "favours".
        left_label, right_label = (f"Lower in {intervention}", f"Higher in {intervention}")
    elif higher_is_better:
        left_label, right_label = favours_control, favours_intervention
    else:
        left_label, right_label = favours_intervention, favours_control
    model_text = "Random" if model == "random" else "Fixed"
    return ForestPlot(
        width=WIDTH,
        height=round(axis_y + 44),
        plot_left=PLOT_LEFT,
        plot_right=PLOT_RIGHT,
        effect_text_x=EFFECT_TEXT_X,
        weight_text_x=WEIGHT_TEXT_X,
        header_y=TOP - 16,
        rows=rows,
        pooled_label=f"Total ({model_text.lower()} effect{'s' if model == 'random' else ''})",
        pooled_y=pooled_y,
        pooled_text=_effect_text(pooled.estimate, pooled.ci_low, pooled.ci_high),
        diamond_points=diamond,
        null_x=x_of(null),
        axis_y=axis_y,
        ticks=[Tick(x_of(t), f"{t:g}".replace("-", "−")) for t in ticks],
        left_label=left_label,
        right_label=right_label,
        measure_heading=f"{measure} (95% CI), {model_text}",
        log_scale=log_scale,
    )

"""Geometry of a programme page's small effect plot: one outcome, one line per finding.

A pure function of numbers; `catalogue.presenters.outcome_effect_plots` feeds it and the template
`catalogue/_effect_plot.svg.html` places what it returns with SVG presentation attributes only
(no `style`), so the plot passes the Content Security Policy. The drawing is WIDTH units wide and
shown at no less than that many pixels, so its 12-unit labels are never under 12 px, on a phone
(whose content column is about 360 px) as in print.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 360
LEFT = 12
RIGHT = WIDTH - 12
TOP = 8
LINE_HEIGHT = 40  # a label above, the estimate and its interval below
DETAIL_HEIGHT = 15  # a second label line, when a finding has one


@dataclass(frozen=True)
class EffectLine:
    """One finding: its label (drawn at the left) and its numbers (at the right, "0.50 (0.10 to 0.88)"),
    and where its estimate and 95% CI fall (None when it has no CI)."""

    label: str
    text: str
    label_y: float
    y: float
    x: float
    x_low: float | None
    x_high: float | None
    detail: str = ""  # a second line under the label, e.g. which measure of the outcome
    detail_y: float = 0.0


@dataclass(frozen=True)
class AxisTick:
    x: float
    label: str


@dataclass(frozen=True)
class EffectPlot:
    width: int
    height: int
    lines: list[EffectLine]
    zero_x: float
    top: int
    axis_y: float
    ticks: list[AxisTick]

    @property
    def tick_label_y(self) -> float:
        return self.axis_y + 17

    @property
    def favours_y(self) -> float:
        return self.axis_y + 35

    @property
    def left_label_x(self) -> float:
        return self.zero_x - 6

    @property
    def right_label_x(self) -> float:
        return self.zero_x + 6

    @property
    def right_edge(self) -> int:
        return RIGHT

    @property
    def left_edge(self) -> int:
        return LEFT


def _step(span: float) -> float:
    raw = span / 2
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if raw <= m * power)


def _fmt(value: float) -> str:
    return f"{value:.2f}".replace("-", "−")


def effect_plot_geometry(
    findings: Sequence[tuple[str, float, float | None, float | None]], details: Sequence[str] = ()
) -> EffectPlot:
    """Lay out `(label, effect size, ci_low, ci_high)` rows on one effect-size axis with zero marked;
    `details`, when given, adds a second label line under each row that has one.

    The axis is symmetric about zero and reaches the furthest estimate or limit, rounded out to a
    tick; an effect size without an interval is drawn as a dot alone.
    """
    values = [0.0]
    for _, estimate, low, high in findings:
        values += [estimate] + [v for v in (low, high) if v is not None]
    details = list(details) or [""] * len(findings)
    # Symmetric about zero, so "Favours comparison" and "Favours programme" each have half the width.
    step = _step(max(abs(v) for v in values) or 1.0)
    axis_max = math.ceil(max(abs(v) for v in values) / step) * step or step
    axis_min = -axis_max

    def x_of(value: float) -> float:
        return LEFT + (value - axis_min) / (axis_max - axis_min) * (RIGHT - LEFT)

    lines = []
    top = TOP
    for (label, estimate, low, high), detail in zip(findings, details, strict=True):
        label_y = top + 14
        detail_y = label_y + DETAIL_HEIGHT if detail else label_y
        interval = f" ({_fmt(low)} to {_fmt(high)})" if low is not None and high is not None else ""
        lines.append(
            EffectLine(
                label=label,
                text=f"{_fmt(estimate)}{interval}",
                label_y=label_y,
                y=detail_y + 14,
                x=x_of(estimate),
                x_low=x_of(low) if low is not None else None,
                x_high=x_of(high) if high is not None else None,
                detail=detail,
                detail_y=detail_y,
            )
        )
        top += LINE_HEIGHT + (DETAIL_HEIGHT if detail else 0)
    axis_y = top + 4
    count = round((axis_max - axis_min) / step)
    ticks = [
        AxisTick(x_of(axis_min + i * step), f"{axis_min + i * step:g}".replace("-", "−")) for i in range(count + 1)
    ]
    return EffectPlot(
        width=WIDTH,
        height=round(axis_y + 44),
        lines=lines,
        zero_x=x_of(0.0),
        top=TOP,
        axis_y=axis_y,
        ticks=ticks,
    )

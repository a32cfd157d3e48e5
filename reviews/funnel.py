"""Funnel plot geometry: each study's effect against its standard error, with the 95% funnel.

A pure function of numbers, like `reviews.forest`; the template `reviews/_funnel_plot.svg.html`
places what this returns with SVG presentation attributes only (no `style`), so it passes the CSP.
The standard error runs down the vertical axis from 0 at the top, so large, precise studies sit
at the top and small ones spread out below (Sterne et al. 2011, BMJ 343:d4002). The dashed lines
are the pseudo 95% confidence limits around the pooled estimate: without small-study effects or
heterogeneity about 95% of studies fall between them. Ratios are drawn on a log scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from stats.effects import Z_95

from .forest import LOG_TICKS, Tick, _nice_step
from .recompute import StudyEffect

WIDTH = 560
LEFT = 70
RIGHT = 540
TOP = 20
BOTTOM = 300
HEIGHT = BOTTOM + 60


@dataclass(frozen=True)
class FunnelPoint:
    label: str
    x: float
    y: float
    effect_text: str
    se_text: str


@dataclass(frozen=True)
class FunnelPlot:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: list[FunnelPoint]
    centre_x: float
    funnel_points: str  # the dashed pseudo-confidence limits, as one polyline
    x_ticks: list[Tick]
    y_ticks: list[Tick]  # Tick.x holds the y position here
    x_label: str
    log_scale: bool

    @property
    def x_tick_label_y(self) -> int:
        return self.bottom + 18

    @property
    def x_label_y(self) -> int:
        return self.bottom + 42

    @property
    def x_label_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def y_label_x(self) -> int:
        return 16

    @property
    def y_label_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def y_label_transform(self) -> str:
        return f"rotate(-90 {self.y_label_x} {self.y_label_y:.1f})"


def _fmt(value: float) -> str:
    return f"{value:.2f}".replace("-", "−")


def funnel_geometry(studies: Sequence[StudyEffect], centre: float, *, measure: str, measure_name: str) -> FunnelPlot:
    """Lay out a funnel plot of the estimable `studies` around `centre` (the pooled estimate, on the
    analysis scale: a log ratio for RR and OR)."""
    log_scale = measure in ("RR", "OR")
    shown = [s for s in studies if s.estimable]
    ses = [math.sqrt(s.variance) for s in shown]
    se_step = _nice_step(max(ses))
    se_max = math.ceil(max(ses) / se_step) * se_step
    xs = [s.y for s in shown] + [centre - Z_95 * se_max, centre + Z_95 * se_max]
    if log_scale:
        low, high = math.exp(min(xs)), math.exp(max(xs))
        below = [t for t in LOG_TICKS if t <= low]
        above = [t for t in LOG_TICKS if t >= high]
        axis_min, axis_max = (below[-1] if below else LOG_TICKS[0]), (above[0] if above else LOG_TICKS[-1])
        tick_values = [t for t in LOG_TICKS if axis_min <= t <= axis_max]
        lo, hi = math.log(axis_min), math.log(axis_max)
        tick_positions = [(math.log(t), f"{t:g}") for t in tick_values]
    else:
        step = _nice_step((max(xs) - min(xs)) or 1.0)
        lo, hi = math.floor(min(xs) / step) * step, math.ceil(max(xs) / step) * step
        tick_positions = [(lo + i * step, f"{lo + i * step:g}") for i in range(round((hi - lo) / step) + 1)]

    def x_of(value: float) -> float:
        return LEFT + (value - lo) / (hi - lo) * (RIGHT - LEFT)

    def y_of(se: float) -> float:
        return TOP + se / se_max * (BOTTOM - TOP)

    points = [
        FunnelPoint(s.label, x_of(s.y), y_of(se), _fmt(s.estimate), f"{se:.3f}")
        for s, se in zip(shown, ses, strict=True)
    ]
    corners = [
        (x_of(centre - Z_95 * se_max), y_of(se_max)),
        (x_of(centre), y_of(0.0)),
        (x_of(centre + Z_95 * se_max), y_of(se_max)),
    ]
    y_ticks = [Tick(y_of(i * se_step), f"{i * se_step:g}") for i in range(round(se_max / se_step) + 1)]
    return FunnelPlot(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=RIGHT,
        top=TOP,
        bottom=BOTTOM,
        points=points,
        centre_x=x_of(centre),
        funnel_points=" ".join(f"{x:.1f},{y:.1f}" for x, y in corners),
        x_ticks=[Tick(x_of(v), label.replace("-", "−")) for v, label in tick_positions],
        y_ticks=y_ticks,
        x_label=f"{measure_name[0].upper()}{measure_name[1:]}{' (log scale)' if log_scale else ''}",
        log_scale=log_scale,
    )

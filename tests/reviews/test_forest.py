"""Forest plot geometry: log scale for ratios, square areas by weight, clipped intervals, the diamond."""

import pytest

from reviews.forest import PLOT_LEFT, PLOT_RIGHT, forest_geometry
from reviews.recompute import StudyEffect, recompute

TABLES = [(4, 123, 11, 139), (6, 306, 29, 303), (180, 1541, 372, 1451)]


def plot_for(measure="RR", higher_is_better=False, tables=TABLES):
    result = recompute(measure=measure, method="IV", model="random", labels=["A", "B", "C"], data=tables)
    return result, forest_geometry(
        result.studies, result.pooled, measure=measure, model="random", intervention="BCG",
        control="no vaccine", higher_is_better=higher_is_better,
    )  # fmt: skip


def test_forest_ratio_uses_log_scale_with_null_line_at_one():
    _, plot = plot_for()

    one = next(t for t in plot.ticks if t.label == "1")
    assert plot.log_scale is True
    assert plot.null_x == pytest.approx(one.x)
    # On a log axis each doubling takes the same width.
    ticks = {t.label: t.x for t in plot.ticks}
    assert ticks["1"] - ticks["0.5"] == pytest.approx(ticks["0.2"] - ticks["0.1"])


def test_forest_squares_have_area_proportional_to_weight():
    result, plot = plot_for()

    weights = [s.weight for s in result.studies]
    boxes = [row.box for row in plot.rows]
    heaviest = weights.index(max(weights))
    for weight, box in zip(weights, boxes, strict=True):
        assert (box / boxes[heaviest]) ** 2 == pytest.approx(weight / max(weights))


def test_forest_rows_sit_inside_the_axis_and_intervals_contain_estimates():
    _, plot = plot_for()

    for row in plot.rows:
        assert PLOT_LEFT <= row.x_low <= row.x <= row.x_high <= PLOT_RIGHT


def test_forest_diamond_spans_the_pooled_interval():
    result, plot = plot_for()

    xs = [float(point.split(",")[0]) for point in plot.diamond_points.split()]
    assert min(xs) < plot.null_x  # the pooled RR is below 1
    assert plot.pooled_text.startswith(f"{result.pooled.estimate:.2f}")


def test_forest_favours_labels_follow_the_outcome_direction():
    _, lower_good = plot_for(higher_is_better=False)
    _, higher_good = plot_for(higher_is_better=True)

    assert lower_good.left_label == "Favours BCG"
    assert higher_good.left_label == "Favours no vaccine"


def test_forest_difference_uses_linear_scale_with_null_at_zero():
    groups = [(10.0, 2.0, 30, 9.0, 2.0, 30), (11.0, 3.0, 40, 10.5, 3.0, 40)]
    result = recompute(measure="SMD", method="IV", model="fixed", labels=["A", "B"], data=groups)

    plot = forest_geometry(result.studies, result.pooled, measure="SMD", model="fixed")

    zero = next(t for t in plot.ticks if float(t.label.replace("−", "-")) == 0)
    assert plot.log_scale is False
    assert plot.null_x == pytest.approx(zero.x)


def test_forest_clips_an_interval_beyond_the_axis_limit():
    wide = StudyEffect("Tiny trial", 5.0, 0.0005, 5000.0, 10.0)
    steady = StudyEffect("Big trial", 1.2, 1.0, 1.4, 90.0)
    result = recompute(measure="RR", method="IV", model="fixed", labels=["x"], data=[(10, 50, 8, 50)])

    plot = forest_geometry([wide, steady], result.pooled, measure="RR", model="fixed")

    assert plot.rows[0].clipped_low and plot.rows[0].clipped_high
    assert plot.rows[0].x_low == pytest.approx(PLOT_LEFT)
    assert plot.rows[0].x_high == pytest.approx(PLOT_RIGHT)


def test_forest_shows_a_non_estimable_trial_without_a_square():
    result = recompute(
        measure="RR", method="IV", model="fixed", labels=["A", "None"], data=[(10, 50, 8, 50), (0, 9, 0, 9)]
    )

    plot = forest_geometry(result.studies, result.pooled, measure="RR", model="fixed")

    assert plot.rows[1].estimable is False
    assert plot.rows[1].effect_text == "Not estimable"

"""Forest plot extras (prediction interval bar, subgroup diamonds) and funnel plot geometry."""

import math

import pytest

from reviews.forest import forest_geometry
from reviews.funnel import funnel_geometry
from reviews.recompute import recompute

from .test_recompute import BCG, LABELS


def test_forest_draws_the_prediction_interval_under_the_diamond():
    result = recompute(measure="RR", method="IV", model="random", labels=LABELS, data=BCG, tau2_estimator="REML")

    plot = forest_geometry(result.studies, result.pooled, measure="RR", model="random")

    bar = plot.prediction
    assert bar.y > plot.pooled_y and bar.y < plot.axis_y
    diamond_xs = [float(point.split(",")[0]) for point in plot.diamond_points.split()]
    assert bar.x_low < min(diamond_xs) and bar.x_high > max(diamond_xs)  # wider than the CI
    assert bar.text == f"[{result.pooled.pi_low:.2f}, {result.pooled.pi_high:.2f}]"


def test_forest_fixed_effect_has_no_prediction_bar():
    result = recompute(measure="RR", method="IV", model="fixed", labels=LABELS, data=BCG)

    plot = forest_geometry(result.studies, result.pooled, measure="RR", model="fixed")

    assert plot.prediction is None


def test_forest_clips_a_prediction_interval_wider_than_the_axis():
    result = recompute(measure="RR", method="IV", model="random", labels=LABELS[:3], data=BCG[:3])

    plot = forest_geometry(result.studies, result.pooled, measure="RR", model="random")

    assert plot.prediction.clipped_low or plot.prediction.clipped_high


def test_forest_with_subgroups_puts_a_heading_above_and_a_diamond_below_each_group():
    groups = ["North"] * 6 + ["South"] * 7
    result = recompute(measure="RR", method="IV", model="random", labels=LABELS, data=BCG, subgroups=groups)

    plot = forest_geometry(
        result.studies,
        result.pooled,
        measure="RR",
        model="random",
        subgroups=result.subgroups,
        subgroup_test=result.subgroup_test,
    )

    north, south = plot.headings
    assert (north.label, south.label) == ("North", "South")
    assert north.y < plot.rows[0].y < plot.rows[5].y < plot.subtotals[0].y < south.y < plot.rows[6].y
    assert plot.subtotals[1].y < plot.pooled_y
    assert plot.subtotals[0].label == "Subtotal: North"
    assert plot.subgroup_test_text.startswith("Test for subgroup differences: Chi² = ")
    assert plot.subgroup_test_y > plot.favours_y


def test_funnel_puts_precise_studies_at_the_top_and_centres_the_funnel_on_the_pooled_estimate():
    result = recompute(measure="RR", method="IV", model="random", labels=LABELS, data=BCG)
    centre = math.log(result.pooled.estimate)

    plot = funnel_geometry(result.studies, centre, measure="RR", measure_name="risk ratio")

    ses = [math.sqrt(s.variance) for s in result.studies]
    ys = [point.y for point in plot.points]
    assert ys.index(min(ys)) == ses.index(min(ses))
    assert all(plot.top <= y <= plot.bottom for y in ys)
    assert all(plot.left <= point.x <= plot.right for point in plot.points)
    apex_x = float(plot.funnel_points.split()[1].split(",")[0])
    assert apex_x == pytest.approx(plot.centre_x, abs=0.1)
    assert plot.x_label == "Risk ratio (log scale)"

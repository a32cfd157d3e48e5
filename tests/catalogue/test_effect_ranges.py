"""Findings' effect sizes with their 95% CI, the improvement index with the range its CI implies, and the
small effect plot of each outcome, on the programme and compare pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalogue.effect_plot import effect_plot_geometry
from catalogue.effects import IndexRange, improvement_index_range
from catalogue.models import EffectSizeType
from catalogue.presenters import effect_size_text, index_with_range, outcome_effect_plots
from stats.effects import improvement_index
from tests.factories import FindingFactory, ProgrammeFactory, StudyFactory

from .test_views import COMPARE, count_queries, full_programme


# --------------------------------------------------------------------------- the one function
def test_improvement_index_range_is_the_index_at_each_end_of_the_interval():
    found = improvement_index_range(Decimal("0.50"), Decimal("0.10"), Decimal("0.88"))

    assert found == IndexRange(index=19, low=4, high=31)
    assert (found.low, found.high) == (improvement_index(0.10), improvement_index(0.88))


def test_improvement_index_range_crossing_zero_runs_from_negative_to_positive():
    assert improvement_index_range(0.2, -0.15, 0.55) == IndexRange(index=8, low=-6, high=21)


@pytest.mark.parametrize("missing", ["effect_size", "ci_low", "ci_high"])
def test_improvement_index_range_needs_the_effect_and_both_limits(missing):
    values = {"effect_size": 0.5, "ci_low": 0.1, "ci_high": 0.88, missing: None}

    assert improvement_index_range(**values) is None


# --------------------------------------------------------------------------- presenters
@pytest.mark.django_db
def test_index_with_range_reads_like_a_sentence():
    finding = FindingFactory(effect_size=Decimal("0.50"), ci_low=Decimal("0.10"), ci_high=Decimal("0.88"))

    assert finding.improvement_index == 19
    assert index_with_range(finding) == "+19, plausible range +4 to +31"
    assert effect_size_text(finding) == "Effect size 0.50 (95% CI 0.10 to 0.88)"


@pytest.mark.django_db
def test_index_without_an_interval_is_shown_alone():
    finding = FindingFactory(effect_size=Decimal("0.50"), effect_size_type=EffectSizeType.HEDGES_G)

    assert index_with_range(finding) == "+19"
    assert effect_size_text(finding) == "Hedges' g 0.50 (no confidence interval reported)"


@pytest.mark.django_db
def test_index_computed_from_raw_data_has_the_range_of_its_computed_interval():
    finding = FindingFactory(mean_t=12.0, sd_t=4.0, n_t=60, mean_c=10.0, sd_c=4.0, n_c=60)

    found = improvement_index_range(finding.effect_size, finding.ci_low, finding.ci_high)

    assert index_with_range(finding) == f"+{finding.improvement_index}, plausible range +{found.low} to +{found.high}"


@pytest.mark.django_db
def test_outcome_effect_plots_draw_one_line_per_finding_of_each_outcome():
    study_1, study_2 = StudyFactory(number=1), StudyFactory(number=2)
    first = FindingFactory(study=study_1, effect_size=Decimal("0.5"), ci_low=Decimal("0.1"), ci_high=Decimal("0.9"))
    FindingFactory(study=study_2, outcome=first.outcome, effect_size=Decimal("-0.2"))
    other = FindingFactory(study=study_1, effect_size=Decimal("0.3"), ci_low=Decimal("0.0"), ci_high=Decimal("0.6"))
    FindingFactory(study=study_1)  # no effect size: no plot

    plots = outcome_effect_plots([first, *first.outcome.findings.exclude(pk=first.pk), other])

    assert [len(p.plot.lines) for p in plots] == [2, 1]
    assert plots[0].title == f"Effect sizes: {first.outcome.name}"
    assert "Study 1, at the end: Effect size 0.50 (95% CI 0.10 to 0.90)" in plots[0].description
    assert plots[0].plot.lines[1].x_low is None  # a dot alone without an interval


def test_effect_plot_marks_zero_in_the_middle_and_keeps_every_interval_on_the_axis():
    plot = effect_plot_geometry([("A", 0.5, 0.1, 0.88), ("B", -0.3, -0.9, 0.2)])

    assert plot.zero_x == pytest.approx(plot.width / 2)
    assert [t.label for t in plot.ticks][len(plot.ticks) // 2] == "0"
    for line in plot.lines:
        assert plot.left_edge <= line.x_low <= line.x <= line.x_high <= plot.right_edge
    assert plot.lines[0].x > plot.zero_x > plot.lines[1].x


# --------------------------------------------------------------------------- pages
def programme_with_effects(name="Effects", studies=1):
    programme = full_programme(name, studies=studies)
    for study in programme.studies.all():
        for finding in study.findings.all():
            finding.effect_size, finding.ci_low, finding.ci_high = Decimal("0.50"), Decimal("0.10"), Decimal("0.88")
            finding.effect_size_type = EffectSizeType.HEDGES_G
            finding.save()
    return programme


@pytest.mark.django_db
def test_programme_page_shows_each_effect_with_its_interval_and_the_index_range(client):
    programme = programme_with_effects()

    content = client.get(programme.get_absolute_url()).content.decode()

    assert "Hedges&#x27; g 0.50 (95% CI 0.10 to 0.88)" in content
    assert "+19, plausible range +4 to +31" in content
    assert 'role="img"' in content and '<title id="effects-' in content
    assert "Favours programme" in content and "Favours comparison" in content
    assert 'style="' not in content


@pytest.mark.django_db
def test_compare_shows_the_same_ranges(client):
    a, b = programme_with_effects("A"), programme_with_effects("B")

    content = client.get(f"{COMPARE}?p={a.slug}&p={b.slug}").content.decode()

    assert content.count("+19, plausible range +4 to +31") >= 2


@pytest.mark.django_db
def test_programme_page_query_count_is_unchanged_by_effect_plots(client):
    one, ten = programme_with_effects("One", studies=1), programme_with_effects("Ten", studies=10)
    bare = full_programme("Bare", studies=1)

    counts = {count_queries(client, p.get_absolute_url()) for p in (one, ten, bare)}

    assert len(counts) == 1


@pytest.mark.django_db
def test_improvement_index_guidance_explains_the_range(client):
    content = client.get(reverse("pages:improvement-index")).content.decode()

    assert "The plausible range" in content
    assert "+19, plausible range +4 to +31" in content
    assert "not proof that the programme does not work" in content


@pytest.mark.django_db
def test_programme_without_effect_sizes_has_no_effect_plot(client):
    programme = ProgrammeFactory()
    FindingFactory(study=StudyFactory(programme=programme), improvement_index=12)

    response = client.get(programme.get_absolute_url())

    assert response.status_code == 200
    assert "+12" in response.content.decode()
    assert "Effect sizes:" not in response.content.decode()

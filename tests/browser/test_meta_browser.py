"""Meta-analysis pages in a real browser: a review with subgroups, a prediction interval and a funnel
plot, and a programme page with effect plots, axe-clean, and readable on a 390 px phone (labels of
at least 12 px; a wide plot scrolls inside its labelled region, never the page)."""

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe

from catalogue.models import EffectSizeType
from tests.factories import AnalysisFactory, AnalysisRowFactory, FindingFactory, ProgrammeFactory, StudyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BCG = [
    (4, 123, 11, 139), (6, 306, 29, 303), (3, 231, 11, 220), (62, 13598, 248, 12867), (33, 5069, 47, 5808),
    (180, 1541, 372, 1451), (8, 2545, 10, 629), (505, 88391, 499, 88391), (29, 7499, 45, 7277),
    (17, 1716, 65, 1665), (186, 50634, 141, 27338), (5, 2498, 3, 2341), (27, 16913, 29, 17854),
]  # fmt: skip

# For every SVG: its rendered width, the smallest label in CSS pixels, and whether its region scrolls.
MEASURE = """() => [...document.querySelectorAll('svg[viewBox][role=img]')].map(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize));
  const region = svg.closest('[role=region]');
  return {smallest: Math.min(...sizes) * scale, scrolls: region ? region.scrollWidth > region.clientWidth : false,
          inRegion: region !== null && region.tabIndex === 0 && !!region.getAttribute('aria-label')};
})"""
PAGE_SCROLLS_SIDEWAYS = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"


@pytest.fixture
def review_path():
    analysis = AnalysisFactory(number="1", reported_estimate=Decimal("0.49"), reported_ci_low=Decimal("0.34"),
                               reported_ci_high=Decimal("0.70"))  # fmt: skip
    for index, (a, n1, c, n2) in enumerate(BCG):
        group = "Before 1950" if index < 5 else "From 1950"
        AnalysisRowFactory(analysis=analysis, events_t=a, n_t=n1, events_c=c, n_c=n2, subgroup=group, order=index)
    return analysis.review.get_absolute_url()


@pytest.fixture
def programme_path():
    programme = ProgrammeFactory(name="Effects Programme")
    for number, (g, low, high) in enumerate([("0.50", "0.10", "0.88"), ("0.20", "-0.15", "0.55")], start=1):
        study = StudyFactory(programme=programme, number=number)
        FindingFactory(study=study, effect_size=Decimal(g), ci_low=Decimal(low), ci_high=Decimal(high),
                       effect_size_type=EffectSizeType.HEDGES_G)  # fmt: skip
    return programme.get_absolute_url()


def test_review_with_subgroups_prediction_interval_and_funnel_is_axe_clean(page, review_path, shots):
    page.goto(review_path)

    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()
    assert page.get_by_role("img", name="Funnel plot: Secure attachment, Programme vs control").is_visible()
    assert page.get_by_text("Test for subgroup differences:").first.is_visible()
    page.screenshot(path=shots / "meta-review-1280.png", full_page=True)


def test_review_plots_read_on_a_phone(phone, review_path, shots):
    phone.goto(review_path)

    plots = phone.evaluate(MEASURE)

    assert len(plots) == 2  # forest and funnel
    assert all(plot["smallest"] >= 12 for plot in plots), plots
    assert all(plot["inRegion"] and plot["scrolls"] for plot in plots), plots
    assert not phone.evaluate(PAGE_SCROLLS_SIDEWAYS)
    phone.screenshot(path=shots / "meta-review-390.png", full_page=True)


def test_programme_effect_plot_is_axe_clean_and_reads_on_a_phone(page, phone, programme_path, shots):
    page.goto(programme_path)
    results = Axe().run(page)
    phone.goto(programme_path)

    plots = phone.evaluate(MEASURE)

    assert results.violations_count == 0, results.generate_report()
    assert page.get_by_role("img", name="Effect sizes:").first.is_visible()
    assert page.get_by_text("+19, plausible range +4 to +31").is_visible()
    assert plots and all(plot["smallest"] >= 12 for plot in plots), plots
    assert not phone.evaluate(PAGE_SCROLLS_SIDEWAYS)
    phone.screenshot(path=shots / "meta-programme-390.png", full_page=True)

"""A review page in a real browser: no axe-core violations, and the forest plot is announced and prints.

Uses the `page` (Playwright Page) and `live_server` fixtures from tests/browser/conftest.py (written on
the public branch). Until that conftest is merged there is no `page` fixture and these tests skip.
"""

import re
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe

from reviews.models import BIAS_DOMAIN_ORDER, BiasJudgement
from tests.factories import AnalysisFactory, AnalysisRowFactory, IncludedStudyFactory, RiskOfBiasFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLES = [(4, 123, 11, 139), (6, 306, 29, 303), (3, 231, 11, 220)]


@pytest.fixture
def browser_page(request):
    """The conftest's Playwright `page`; a skip (not an error) on a branch without tests/browser/conftest.py."""
    try:
        return request.getfixturevalue("page")
    except pytest.FixtureLookupError:
        pytest.skip("needs the Playwright `page` fixture from tests/browser/conftest.py")


@pytest.fixture
def review_url(live_server):
    inclusion = IncludedStudyFactory(label="Cicchetti 1999")
    for domain, judgement in zip(BIAS_DOMAIN_ORDER, BiasJudgement.values * 3, strict=False):
        RiskOfBiasFactory(included_study=inclusion, domain=domain, judgement=judgement)
    # Two analyses, so repeated regions (plot, numbers) must carry distinct names.
    for number in ("1", "2"):
        analysis = AnalysisFactory(review=inclusion.review, number=number, reported_estimate=Decimal("0.26"),
                                   reported_ci_low=Decimal("0.14"), reported_ci_high=Decimal("0.48"))  # fmt: skip
        for a, n1, c, n2 in TABLES:
            AnalysisRowFactory(analysis=analysis, events_t=a, n_t=n1, events_c=c, n_c=n2)
    return live_server.url + inclusion.review.get_absolute_url()


def test_review_page_has_no_axe_violations(browser_page, review_url):
    page = browser_page
    page.goto(review_url)

    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()


def test_review_page_forest_plot_is_an_image_with_a_name(browser_page, review_url):
    page = browser_page
    page.goto(review_url)

    plot = page.get_by_role("img", name=re.compile(r"^Forest plot: Secure attachment")).first

    assert plot.is_visible()
    assert plot.bounding_box()["width"] > 300


def test_review_page_forest_plot_prints(browser_page, review_url):
    page = browser_page
    page.goto(review_url)
    page.emulate_media(media="print")

    plot = page.get_by_role("img", name=re.compile(r"^Forest plot")).first

    assert plot.is_visible()


@pytest.mark.parametrize("query", ["?page=2", "?programme=no-such-programme&page=2"])
def test_review_list_with_pages_and_a_filter_error_has_no_axe_violations(browser_page, live_server, query):
    from tests.factories import ReviewFactory

    for n in range(25):
        ReviewFactory(title=f"Review {n:02}", short_citation=f"Author {n:02} (2020)")
    page = browser_page
    page.goto(f"{live_server.url}/reviews/{query}")

    assert page.locator(".govuk-pagination").count() == 1
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

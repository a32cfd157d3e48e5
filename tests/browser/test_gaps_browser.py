"""The evidence-gap map in a real browser: axe at desktop and phone widths, no sideways page scroll on a phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser


def assert_accessible(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("path", ["/evidence-gaps/", "/evidence-gaps/?axis=age", "/evidence-gaps/?collection=nope"])
def test_axe_finds_no_violations_on_the_map_at_desktop_width(page, catalogue, path):
    page.goto(path)
    assert page.get_by_role("heading", name="Evidence-gap map").is_visible()
    assert_accessible(page)
    assert page.console_errors == []


@pytest.mark.parametrize(("name", "path"), [("need", "/evidence-gaps/"), ("age", "/evidence-gaps/?axis=age")])
def test_map_is_accessible_and_scrolls_only_inside_its_tables_on_a_phone(phone, catalogue, shots, name, path):
    phone.goto(path)
    phone.screenshot(path=shots / f"evidence-gaps-{name}-phone.png", full_page=True)

    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_cell_link_opens_the_programme_list_filtered_to_it(page, catalogue):
    page.goto("/evidence-gaps/")
    page.locator(".app-gap-map a", has_text="programme").first.click()

    assert page.get_by_role("heading", name="Programmes", exact=True).is_visible()
    assert "domain=" in page.url and "need=" in page.url


@pytest.fixture
def rated(catalogue):
    """Other clearinghouses' grades of two of the catalogue's programmes."""
    from catalogue.models import Programme
    from tests.factories import ClearinghouseFactory, ClearinghouseGradeFactory, ClearinghouseRatingFactory

    clearinghouse = ClearinghouseFactory(name="Title IV-E Prevention Services Clearinghouse", short_name="Title IV-E")
    promising = ClearinghouseGradeFactory(clearinghouse=clearinghouse, label="Promising", rank=3, meaning="One study.")
    supported = ClearinghouseGradeFactory(clearinghouse=clearinghouse, label="Supported", rank=2)
    ipp = Programme.objects.get(slug="infant-parent-psychotherapy")
    ClearinghouseRatingFactory(programme=ipp, grade=promising, applies_to="Children aged 0 to 5 and their caregivers")
    ClearinghouseRatingFactory(programme=Programme.objects.get(slug="child-first"), grade=supported)
    return catalogue


@pytest.mark.parametrize(
    "path",
    ["/programmes/infant-parent-psychotherapy/", "/programmes/compare/?p=infant-parent-psychotherapy&p=child-first"],
)
def test_what_other_clearinghouses_say_is_accessible_at_desktop_and_phone_widths(page, phone, rated, path):
    for tab in (page, phone):
        tab.goto(path)
        assert tab.get_by_text("What other clearinghouses say").first.is_visible()
        assert_accessible(tab)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

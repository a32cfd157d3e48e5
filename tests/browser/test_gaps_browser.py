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

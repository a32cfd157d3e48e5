"""The programme page in a browser: key facts, "On this page" beside the sections (or above them on a phone and on
paper), study details that open on demand and print open; and axe on the programme page, its updates page and the
404 page at desktop and phone widths."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

IPP = "/programmes/infant-parent-psychotherapy/"


def assert_accessible(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize(
    ("name", "path"),
    [("programme", IPP), ("updates", IPP + "updates/"), ("not-found", "/programmes/no-such-programme/")],
)
def test_axe_finds_nothing_at_desktop_and_phone_widths(browser, live_server, catalogue, shots, name, path, width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(path)
    page.screenshot(path=shots / f"{name}-{width}.png", full_page=True)

    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # A 404 logs its own status in the console; anything else (a CSP violation, say) is a defect.
    assert [error for error in errors if "404" not in error] == []
    context.close()


def test_contents_stay_in_view_beside_the_sections_on_a_desktop(page, catalogue):
    page.goto(IPP)
    contents = page.get_by_role("navigation", name="On this page")
    main_column = page.locator(".app-programme-layout__sections").bounding_box()
    assert contents.bounding_box()["x"] > main_column["x"] + main_column["width"]  # to the right of the sections

    page.get_by_role("link", name="Cite this page").click()

    assert page.url.endswith("#cite")
    box = contents.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 900  # still in view after jumping to the foot of the page


def test_contents_come_before_the_key_facts_on_a_phone(phone, catalogue):
    phone.goto(IPP)

    contents = phone.get_by_role("navigation", name="On this page").bounding_box()
    facts = phone.locator(".app-key-facts").bounding_box()
    assert contents["y"] < facts["y"] < 1800
    assert phone.locator(".app-key-facts dd").first.inner_text().startswith("3+")


def test_study_details_open_on_demand_and_print_open(page, catalogue):
    page.goto(IPP)
    study = page.locator("#study-1")
    facts = study.locator(".govuk-details__text")
    assert study.locator(".app-study__summary").is_visible()
    assert not facts.is_visible()

    study.locator("summary").click()
    assert facts.is_visible()

    page.reload()
    page.emulate_media(media="print")
    assert page.locator("#study-2 .govuk-details__text").is_visible()
    assert not page.locator("#study-2 summary").is_visible()


def test_study_details_work_without_javascript(browser, live_server, catalogue):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(IPP)

    page.locator("#study-1 summary").click()

    assert page.locator("#study-1 .govuk-details__text").is_visible()
    context.close()


def test_get_updates_leads_to_the_feed_address(page, catalogue):
    page.goto(IPP)

    page.get_by_role("link", name="Get updates when this rating changes").first.click()

    assert page.url.endswith(IPP + "updates/")
    assert page.get_by_label("Feed address (Atom)").input_value().endswith(IPP + "feed/")

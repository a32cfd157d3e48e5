"""The shortlist in a real browser, with and without JavaScript; the pack printed to PDF; no console
errors on the main pages; axe on the shortlist and pack at desktop and phone widths."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def assert_no_axe_violations(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def pdf_page_count(pdf: bytes) -> int:
    """Pages in a PDF: its page objects ("/Type /Page", not the "/Type /Pages" tree). Chromium writes them
    uncompressed, so no PDF library is needed for this."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def new_page(browser, live_server, *, javascript=True, **options):
    options = {"viewport": {"width": 1280, "height": 900}, **options}
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    # An uncaught exception in a script is a "pageerror", not a console message: count it too.
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return page


def button(page, action: str, name: str):
    """A shortlist button: its accessible name is "Add to shortlist : Name" (the name is visually hidden)."""
    return page.get_by_role("button", name=re.compile(rf"^{action}\s*: {re.escape(name)}$"))


def shortlist_count(page) -> int:
    """The count in the header's "Shortlist (2 programmes)" link."""
    link = page.locator(".govuk-service-navigation").get_by_role("link", name=re.compile("Shortlist"))
    return int(re.search(r"\((\d+)", link.inner_text()).group(1))


def add_two_and_keep_them_across_pages(page, catalogue, *, javascript):
    page.goto("/programmes/")
    page.evaluate("window.appMarker = 'same page'")
    button(page, "Add to shortlist", "Infant-Parent Psychotherapy").click()
    expect(button(page, "Remove from shortlist", "Infant-Parent Psychotherapy")).to_be_visible()
    expect(page.get_by_text("Infant-Parent Psychotherapy has been added to your shortlist.")).to_have_count(1)
    assert shortlist_count(page) == 1
    # With JavaScript the page is not reloaded, so the reader keeps their place in the list.
    assert page.evaluate("window.appMarker") == ("same page" if javascript else None)
    if javascript:
        assert page.evaluate("document.activeElement.innerText").startswith("Remove from shortlist")
        assert_no_axe_violations(page)

    page.goto(catalogue["child_first"].get_absolute_url())
    button(page, "Add to shortlist", "Child First").click()
    expect(button(page, "Remove from shortlist", "Child First")).to_be_visible()
    assert page.url.endswith(catalogue["child_first"].get_absolute_url())
    assert shortlist_count(page) == 2

    page.goto("/collections/attachment/")
    assert shortlist_count(page) == 2
    page.get_by_role("link", name=re.compile("Shortlist")).click()
    assert page.locator(".app-programme-card h3").all_inner_texts() == [
        "Infant-Parent Psychotherapy (IPP)",
        "Child First",
    ]


def test_shortlist_works_without_javascript(browser, live_server, catalogue):
    page = new_page(browser, live_server, javascript=False)

    add_two_and_keep_them_across_pages(page, catalogue, javascript=False)

    button(page, "Remove from shortlist", "Child First").click()
    assert page.locator(".app-programme-card h3").all_inner_texts() == ["Infant-Parent Psychotherapy (IPP)"]
    page.context.close()


def test_shortlist_with_javascript_prints_a_pack_of_one_page_per_programme(browser, live_server, catalogue, shots):
    page = new_page(browser, live_server)

    add_two_and_keep_them_across_pages(page, catalogue, javascript=True)
    page.get_by_role("link", name="Compare all 2 side by side").click()
    assert page.locator("table thead th").all_inner_texts() == ["Infant-Parent Psychotherapy (IPP)", "Child First"]
    page.goto("/shortlist/")
    page.get_by_role("link", name="Open the commissioning pack").click()

    assert page.get_by_role("button", name="Print or save as PDF").is_visible()
    page.screenshot(path=shots / "pack.png", full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=shots / "pack-print.png", full_page=True)
    assert not page.locator(".govuk-template__header").is_visible()
    assert not page.get_by_role("button", name="Print or save as PDF").is_visible()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (shots / "pack.pdf").write_bytes(pdf)

    assert pdf_page_count(pdf) == 2
    assert page.console_errors == []
    page.context.close()


def test_filter_form_with_javascript_sends_no_empty_parameters(page, catalogue):
    page.goto("/programmes/")
    page.locator("#facet-age summary").click()
    page.get_by_label("Infants (under 1)").check()
    with page.expect_request(lambda request: "age=infants" in request.url) as sent:
        page.get_by_role("button", name="Apply filters").click()

    assert sent.value.url.endswith("/programmes/?age=infants")
    page.go_back()
    assert page.get_by_label("Search programmes").is_enabled()


def test_home_search_left_blank_asks_for_the_canonical_list_address(page, catalogue):
    page.goto("/")
    with page.expect_request(lambda request: "/programmes/" in request.url) as sent:
        page.get_by_role("button", name="Search").click()

    # A form with no field left to send still ends its address with "?": the list treats it as no query.
    assert "q=" not in sent.value.url


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/programmes/",
        "/programmes/?q=atachment",
        "/programmes/?q=attachment",
        "/programmes/?collection=attachment",
        "/programmes/?age=infants&min_evidence=3&uk_provision=no",
        "/programmes/infant-parent-psychotherapy/",
        "/programmes/compare/?p=infant-parent-psychotherapy&p=child-first",
        "/collections/",
        "/collections/attachment/",
        "/shortlist/",
        "/shortlist/pack/",
        "/reviews/",
        "/guidance/",
        "/guidance/evidence-ratings/",
    ],
)
def test_main_pages_log_no_console_errors(browser, live_server, catalogue, path):
    page = new_page(browser, live_server)
    page.goto("/programmes/")
    button(page, "Add to shortlist", "Child First").click()

    page.goto(path)
    page.wait_for_load_state("networkidle")

    assert page.console_errors == []
    page.context.close()


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("path", ["/shortlist/", "/shortlist/pack/"])
def test_axe_finds_nothing_on_the_shortlist_and_pack(browser, live_server, catalogue, shots, device, path):
    page = new_page(browser, live_server, **(PHONE if device == "phone" else {}))
    page.goto("/programmes/")
    for name in ("Infant-Parent Psychotherapy", "Child First"):
        button(page, "Add to shortlist", name).click()

    page.goto(path)
    page.screenshot(path=shots / f"{path.strip('/').replace('/', '-')}-{device}.png", full_page=True)

    assert_no_axe_violations(page)
    if device == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.close()

"""The guidance pages, about and the accessibility statement: each renders with its facts."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from catalogue.statistics import improvement_index
from tests.conftest import ON_CI

pytestmark = pytest.mark.django_db

PAGES = {
    "guidance": "Guidance",
    "how-to-read": "How to read a programme page",
    "evidence-ratings": "Evidence ratings",
    "cost-ratings": "Cost ratings",
    "improvement-index": "The improvement index",
    "glossary": "Glossary",
    "about": "About Evidence Guidebook",
    "accessibility": "Accessibility statement for Evidence Guidebook",
}


class _PageOutline(HTMLParser):
    """Collects what the tests check: headings in order, ids, inline styles and inline scripts."""

    def __init__(self):
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.ids: set[str] = set()
        self.inline_styles = 0
        self.inline_scripts = 0
        self._heading_level = None
        self._heading_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if "style" in attributes or tag == "style":
            self.inline_styles += 1
        if tag == "script" and "src" not in attributes:
            self.inline_scripts += 1
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self._heading_level, self._heading_text = int(tag[1]), []

    def handle_data(self, data):
        if self._heading_level is not None:
            self._heading_text.append(data)

    def handle_endtag(self, tag):
        if self._heading_level is not None and tag == f"h{self._heading_level}":
            self.headings.append((self._heading_level, " ".join("".join(self._heading_text).split())))
            self._heading_level = None


def outline(response) -> _PageOutline:
    parser = _PageOutline()
    parser.feed(response.content.decode())
    return parser


def get_page(client, name):
    return client.get(reverse(f"pages:{name}"))


@pytest.mark.parametrize(("name", "h1"), PAGES.items())
def test_page_renders_with_its_heading_and_title(client, name, h1):
    response = get_page(client, name)

    assert response.status_code == 200
    page = outline(response)
    assert [text for level, text in page.headings if level == 1] == [h1]
    assert "<title>" in response.content.decode() and "– Evidence Guidebook</title>" in response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_page_headings_never_skip_a_level(client, name):
    levels = [level for level, _ in outline(get_page(client, name)).headings]

    assert levels[0] == 1
    assert all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:], strict=False)), levels


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_inline_style_or_script(client, name):
    page = outline(get_page(client, name))

    assert page.inline_styles == 0
    assert page.inline_scripts == 0


@pytest.mark.parametrize(
    "url",
    [
        "/guidance/",
        "/guidance/how-to-read/",
        "/guidance/evidence-ratings/",
        "/guidance/cost-ratings/",
        "/guidance/improvement-index/",
        "/guidance/glossary/",
        "/about/",
        "/accessibility/",
    ],
)
def test_page_lives_at_the_address_other_pages_link_to(client, url):
    assert client.get(url).status_code == 200


def test_guidance_index_links_to_every_guidance_page(client):
    content = get_page(client, "guidance").content.decode()

    for name in ["how-to-read", "evidence-ratings", "cost-ratings", "improvement-index", "glossary", "about"]:
        assert f'href="{reverse(f"pages:{name}")}"' in content


def test_guidance_side_links_mark_the_current_page(client):
    content = get_page(client, "cost-ratings").content.decode()

    assert f'href="{reverse("pages:cost-ratings")}" aria-current="page"' in content
    assert f'href="{reverse("pages:evidence-ratings")}" aria-current' not in content


def test_how_to_read_walks_through_each_section(client):
    page = outline(get_page(client, "how-to-read"))

    sections = [text for level, text in page.headings if level == 2]
    assert "4. Child outcomes" in sections
    assert "9. About the evidence" in sections
    assert {"ratings", "child-outcomes", "characteristics", "about-evidence"} <= page.ids


def test_evidence_ratings_explains_every_level_and_the_plus(client):
    content = get_page(client, "evidence-ratings").content.decode()

    for label in ["Level 4", "Level 3", "Level 2", "NL2", "NE", "3+", "4+"]:
        assert label in content
    assert "two rigorous evaluations" in content
    assert "12 months or more" in content
    assert "measures independent of the participants" in content
    assert "independently of the people who developed the programme" in content


def test_evidence_ratings_says_what_a_rating_is_not(client):
    content = get_page(client, "evidence-ratings").content.decode()

    assert "It is not the size of the effect." in content
    assert "It is not an endorsement." in content
    assert "NE does <strong>not</strong> mean the programme will never work" in content
    assert "A study's rating and a programme's rating" in content


def test_cost_ratings_lists_every_band_and_input(client):
    content = get_page(client, "cost-ratings").content.decode()

    for band in ["Under £100", "£100 to £499", "£500 to £999", "£1,000 to £2,000", "Over £2,000", "Not available"]:
        assert band in content
    for cost_input in [
        "number of sessions",
        "session",
        "practitioners",
        "qualification level",
        "training",
        "supervision",
        "licence",
    ]:
        assert cost_input in content
    assert "your own local salaries" in content


def test_improvement_index_gives_the_formula_and_worked_examples(client):
    content = get_page(client, "improvement-index").content.decode()

    assert "100 × Φ(g) − 50" in content
    assert "g = 0.25" in content and "<strong>+10</strong>" in content
    assert "83rd percentile" in content
    assert "not a measure of cost-effectiveness" in content
    assert "It depends on the measure." in content


@pytest.mark.parametrize(("g", "printed"), [(0.25, 10), (0.5, 19), (-0.25, -10), (0.95, 33)])
def test_improvement_index_worked_examples_match_the_calculation(g, printed):
    assert improvement_index(g) == printed


def test_glossary_gives_each_term_an_anchor(client):
    page = outline(get_page(client, "glossary"))

    expected = {
        "rct",
        "cluster-rct",
        "qed",
        "pre-post",
        "effect-size",
        "hedges-g",
        "cox-index",
        "confidence-interval",
        "statistical-significance",
        "improvement-index",
        "long-term",
        "independent-measure",
        "level-of-need",
        "universal",
        "targeted-selective",
        "targeted-indicated",
        "delivery-model",
        "fidelity",
        "licence",
        "systematic-review",
        "meta-analysis",
        "risk-of-bias",
        "forest-plot",
        "fixed-effect",
        "random-effects",
        "i-squared",
    }
    assert expected <= page.ids


def test_glossary_links_resolve_to_its_anchors(client):
    glossary_ids = outline(get_page(client, "glossary")).ids
    content = get_page(client, "improvement-index").content.decode()

    anchors = [part.split('"')[0] for part in content.split(f"{reverse('pages:glossary')}#")[1:]]
    assert anchors
    assert set(anchors) <= glossary_ids


def test_about_carries_the_disclaimer(client):
    content = get_page(client, "about").content.decode()

    assert "gives information, not endorsement" in content
    assert "Evidence of past impact is no guarantee of future results." in content
    assert "It is not a market comparison site." in content
    assert "It is not a substitute for professional judgement." in content


def test_about_says_where_the_information_comes_from(client):
    content = get_page(client, "about").content.decode()

    assert "Early Intervention Foundation" in content
    assert "our own words" in content


def test_accessibility_statement_gives_standard_testing_and_date(client):
    content = get_page(client, "accessibility").content.decode()

    assert "WCAG" in content and "2.2" in content and "AA" in content
    assert "axe" in content
    assert "keyboard" in content
    assert "without JavaScript" in content
    assert "Forest plots" in content
    assert '<time datetime="2026-11-21">21 November 2026</time>' in content


def test_accessibility_statement_hides_contact_address_when_not_configured(client, settings):
    settings.CONTACT_EMAIL = ""

    content = get_page(client, "accessibility").content.decode()

    assert "mailto:" not in content
    assert "through the organisation that runs this copy" in content


def test_accessibility_statement_shows_contact_address_when_configured(client, settings):
    settings.CONTACT_EMAIL = "team@guidebook.test"

    content = get_page(client, "accessibility").content.decode()

    assert 'href="mailto:team@guidebook.test"' in content
    assert "through the organisation that runs this copy" not in content


# --------------------------------------------------------------------------- in a real browser

CHROMIUM = Path("/usr/bin/chromium")
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGE_PATHS = [
    "/guidance/",
    "/guidance/how-to-read/",
    "/guidance/evidence-ratings/",
    "/guidance/cost-ratings/",
    "/guidance/improvement-index/",
    "/guidance/glossary/",
    "/about/",
    "/accessibility/",
]


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        if ON_CI:
            pytest.fail(f"Chromium is missing at {CHROMIUM}")
        pytest.skip(f"needs Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.mark.browser
def test_pages_have_no_axe_violations(live_server, browser):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    axe = Axe()
    failures = {}
    for path in PAGE_PATHS:
        page.goto(live_server.url + path)
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
        if results.violations_count:
            failures[path] = results.generate_report()

    assert failures == {}


@pytest.mark.browser
def test_details_open_without_javascript(live_server, browser):
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + "/guidance/improvement-index/")
    details = page.locator("details.govuk-details").first

    details.locator("summary").click()

    assert details.get_attribute("open") is not None
    assert details.locator(".govuk-details__text").is_visible()


@pytest.mark.browser
def test_skip_link_is_the_first_keyboard_stop(live_server, browser):
    page = browser.new_page()
    page.goto(live_server.url + "/guidance/improvement-index/")

    page.keyboard.press("Tab")  # the skip link comes first
    focused = page.evaluate("document.activeElement.textContent.trim()")

    assert focused == "Skip to main content"


def test_favicon_ico_redirects_to_the_svg_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")


def test_cost_ratings_page_lists_every_band_from_the_one_band_table(client):
    from catalogue.choices import COST_BANDS

    body = client.get("/guidance/cost-ratings/").content.decode()

    for band in COST_BANDS:
        assert f'<th scope="row" class="govuk-table__header">{band.rating}</th>' in body
        assert band.words[0].upper() + band.words[1:] in body

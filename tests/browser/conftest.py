"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

One browser for the whole session keeps the suite quick. Without /usr/bin/chromium the tests
skip, except under CI (CI=true), where they fail: a green CI means they really ran.
"""

import datetime
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# Screenshots for a person to look at; not test output, so a fixed, well-known place.
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots"))  # noqa: S108


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module (the whole suite lives in one module, so one per run).

    Module rather than session scope so the browser and its event loop are gone before the
    non-database tests, which pytest-django runs last, start.
    """
    if not CHROMIUM.exists():
        message = f"Browser tests need Chromium at {CHROMIUM} (apt-get install chromium)."
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio loop in this thread; Django's ORM (building test data,
    # flushing the database) refuses to run "inside" a loop unless told this is deliberate. Only
    # while the browser runs: `manage.py check --deploy` rightly rejects the variable.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    """A fresh desktop-sized tab whose relative URLs go to the live server.

    `page.console_errors` collects what the browser logged as errors, e.g. a CSP violation.
    """
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized tab (390 by 844, an iPhone 12-14)."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture
def catalogue(transactional_db):
    """The Done-when story's programmes: two attachment programmes for infants at level 3, and others."""
    from catalogue.models import OutcomeDomain
    from catalogue.services import refresh_search_documents
    from tests.factories import (
        AgeGroupFactory,
        CollectionFactory,
        CountryFactory,
        DeliveryModelFactory,
        FindingFactory,
        LevelOfNeedFactory,
        OutcomeFactory,
        ProgrammeFactory,
        PublicationFactory,
        SettingFactory,
        StudyFactory,
    )

    infants = AgeGroupFactory(slug="infants", name="Infants (under 1)")
    toddlers = AgeGroupFactory(slug="toddlers", name="Toddlers (1 to 2)")
    indicated = LevelOfNeedFactory(slug="targeted-indicated", name="Targeted indicated")
    selective = LevelOfNeedFactory(slug="targeted-selective", name="Targeted selective")
    home = SettingFactory(slug="home", name="Home")
    individual = DeliveryModelFactory(slug="individual", name="Individual")
    usa = CountryFactory(slug="united-states", name="United States")
    attachment = OutcomeFactory(name="Improved attachment security", slug="improved-attachment-security")
    empathy = OutcomeFactory(name="Increased empathic behaviour", slug="empathy", domain=OutcomeDomain.FAMILY)

    def programme(name, acronym, summary, level, plus=False, ages=(infants,), need=indicated, **kwargs):
        p = ProgrammeFactory(
            name=name,
            acronym=acronym,
            summary=summary,
            evidence_level=level,
            evidence_plus=plus,
            last_reviewed_on=datetime.date(2025, 6, 1),
            **kwargs,
        )
        p.age_groups.set(ages)
        p.levels_of_need.set([need])
        p.settings.set([home])
        p.delivery_models.set([individual])
        p.countries.set([usa])
        return p

    ipp = programme(
        "Infant-Parent Psychotherapy",
        "IPP",
        "A psychoanalytic programme for mothers and babies at risk of an insecure attachment.",
        3,
        plus=True,
        uk_provision=False,
        uk_evaluation=False,
    )
    child_first = programme(
        "Child First",
        "",
        "Home visits for highly vulnerable families, to build secure attachment and reduce maltreatment.",
        3,
        need=selective,
        cost_rating=5,
        estimated_unit_cost=2500,
    )
    programme("Social Baby", "", "Home visits about a baby's social abilities and attachment.", 0)
    programme(
        "Family Foundations", "", "A group programme for couples expecting their first child.", 2, ages=(toddlers,)
    )
    for number, (prog, index) in enumerate([(ipp, 50), (ipp, 33), (child_first, 20)], start=1):
        study = StudyFactory(programme=prog, number=number, citation_label=f"Cicchetti et al ({2000 + number})")
        study.countries.set([usa])
        PublicationFactory(study=study, doi=f"10.1017/S09545794060603{number}", title="Fostering secure attachment")
        FindingFactory(
            study=study,
            outcome=attachment,
            improvement_index=index,
            statement="40.9-percentage-point increase in the proportion securely attached",
        )
        FindingFactory(study=study, outcome=empathy)
    collection = CollectionFactory(name="Supporting the attachment relationship", slug="attachment")
    collection.programmes.set([ipp, child_first])
    refresh_search_documents()
    return {"ipp": ipp, "child_first": child_first, "collection": collection}

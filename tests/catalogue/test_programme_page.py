"""The programme page's scanning aids: key facts at the top, "On this page" with working anchors, study details
closed until asked for (templates/catalogue/programme_detail.html and its includes)."""

import re

import pytest

from tests.factories import (
    AgeGroupFactory,
    DraftProgrammeFactory,
    IncludedStudyFactory,
    ProgrammeFactory,
    PublicationFactory,
    ReviewFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def between(body: str, start: str, end: str) -> str:
    begin = body.index(start)
    return body[begin : body.index(end, begin)]


def test_key_facts_come_first_with_ratings_who_it_is_for_uk_evidence_and_dates(client):
    programme = ProgrammeFactory(evidence_level=3, evidence_plus=True, uk_evaluation=True, uk_provision=None)
    programme.age_groups.set([AgeGroupFactory(slug="infants", name="Infants (under 1)")])

    body = text(client.get(programme.get_absolute_url()))

    facts = between(body, 'id="key-facts"', "</dl>")
    labels = re.findall(r'<dt class="govuk-summary-list__key">([^<]+)</dt>', facts)
    assert labels == [
        "Evidence rating",
        "Cost rating",
        "Age groups",
        "Level of need",
        "Delivery model",
        "UK evidence",
        "Published",
        "Last reviewed",
    ]
    assert "Evidence of efficacy" in facts  # the rating's plain meaning
    assert "Infants (under 1)" in facts
    assert "includes an evaluation conducted in the UK.<br>Not known" in facts
    assert body.index('id="key-facts"') < body.index('id="evidence-rating"')


def test_on_this_page_links_to_every_section_and_each_link_has_its_target(client):
    programme = ProgrammeFactory()
    study = StudyFactory(programme=programme, number=1)
    IncludedStudyFactory(review=ReviewFactory(), study=study)

    body = text(client.get(programme.get_absolute_url()))

    contents = between(body, 'aria-labelledby="contents-title"', "</nav>")
    anchors = re.findall(r'href="#([^"]+)"', contents)
    assert len(anchors) == 12  # every section, with the reviews that include its studies
    for anchor in anchors:
        assert f'id="{anchor}"' in body, anchor
    assert "On this page" in contents


def test_study_facts_and_narrative_are_in_a_details_under_a_summary_line(client):
    programme = ProgrammeFactory()
    study = StudyFactory(programme=programme, number=1, sample_size=137, design_narrative="Mothers were randomised.")
    PublicationFactory(study=study, title="Fostering secure attachment")

    body = text(client.get(programme.get_absolute_url()))

    block = between(body, 'id="study-1"', 'id="rating-history"')
    assert '<p class="govuk-body app-study__summary">' in block
    assert "137 participants" in between(block, "app-study__summary", "</p>")
    details = between(block, '<details class="govuk-details app-study__details">', "</details>")
    assert "Mothers were randomised." in details
    assert "Fostering secure attachment" in details


def test_draft_preview_offers_no_feed(analyst_client):
    programme = DraftProgrammeFactory()

    body = text(analyst_client.get(programme.get_absolute_url()))

    assert "application/atom+xml" not in body
    assert "Get updates when this rating changes" not in body

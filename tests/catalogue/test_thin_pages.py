"""A programme page with thin data says so once, plainly, instead of a "Not available" row per field."""

import pytest

from tests.factories import ProgrammeFactory, StudyFactory

pytestmark = pytest.mark.django_db


def about_section(body: str) -> str:
    return body.split('id="about"')[1].split('id="theory-of-change"')[0]


def test_programme_page_collapses_missing_requirements_and_study_facts_to_one_line(client):
    programme = ProgrammeFactory(who_can_deliver="Health visitors", licence_required=None)
    StudyFactory(programme=programme, number=1, timing="Post-test")

    body = client.get(programme.get_absolute_url()).content.decode()

    assert "Health visitors" in about_section(body)
    assert "Training, supervision, systems for maintaining fidelity, licensing" in about_section(body)
    assert "Country, sample, outcomes" in body
    assert "Not available" not in about_section(body)
    assert "Not stated" not in body


def test_programme_page_without_studies_says_where_its_evidence_is_described(client):
    programme = ProgrammeFactory(evidence_level=None, evidence_overview="Five trials, not named.")

    body = client.get(programme.get_absolute_url()).content.decode()

    assert "No studies are listed" not in body
    assert "describe its evidence without naming or detailing the studies" in body
    assert "No measured child outcome is recorded for this programme yet." in body

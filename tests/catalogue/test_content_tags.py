"""Pages say once what their sources leave out, instead of a row of "Not stated" per field."""

import pytest

from catalogue.templatetags.content_tags import unstated
from tests.factories import ProgrammeFactory, StudyFactory

pytestmark = pytest.mark.django_db


def test_unstated_names_empty_fields_and_treats_false_as_a_value():
    programme = ProgrammeFactory(who_can_deliver="Nurses", training_requirements="", licence_required=False)

    missing = unstated(
        programme, "who_can_deliver:who", "training_requirements:training", "licensing|licence_required:licensing"
    )

    assert missing == ["training"]


def test_unstated_reads_related_rows():
    study = StudyFactory(timing="", sample_size=None, sample_description="")

    assert unstated(study, "countries:country", "sample_description|sample_size:sample", "timing:timing") == [
        "country",
        "sample",
        "timing",
    ]


def test_programme_page_collapses_missing_requirements_and_study_facts_to_one_line(client):
    programme = ProgrammeFactory(who_can_deliver="Health visitors")
    StudyFactory(programme=programme, number=1, timing="Post-test")

    body = client.get(programme.get_absolute_url()).content.decode()

    assert "Health visitors" in body
    assert "Not given by our sources: training, supervision, systems for maintaining fidelity, licensing." in body
    assert "Not given by our sources: country, sample, outcome findings." in body
    assert "Not available" not in body.split('id="about"')[1].split('id="theory-of-change"')[0]

"""A source's classification of a programme we have not rated: recorded as theirs, shown as theirs."""

import csv
import datetime
import io

import pytest
from django.db import IntegrityError
from django.urls import reverse

from catalogue.models import ClassificationKind, SourceClassification
from tests.factories import CollectionFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

WORKSHOP = "EIF workshop A, 'What does the evidence tell us? Parent-child interactions and the Healthy Child Programme'"


def classified(name="Family Foundations", classification="Established evidence", **programme):
    programme = ProgrammeFactory(name=name, evidence_level=None, **programme)
    SourceClassification.objects.create(
        programme=programme,
        source=WORKSHOP,
        source_label="EIF workshop on parent-child interactions",
        classification=classification,
        statement="Two randomised trials in the United States.",
    )
    return programme


def test_classification_label_names_the_source_and_keeps_a_printed_rating_as_printed():
    programme = ProgrammeFactory()
    category = SourceClassification(programme=programme, source_label="EIF workshop", classification="No effect")
    rating = SourceClassification(
        programme=programme, source_label="EIF Guidebook", classification="3+", kind=ClassificationKind.RATING
    )

    assert category.label == "EIF workshop: no effect"
    assert rating.label == "EIF Guidebook: 3+"


def test_classification_needs_its_source_and_its_words():
    programme = ProgrammeFactory()

    with pytest.raises(IntegrityError):
        SourceClassification.objects.create(
            programme=programme, source="", source_label="X", classification="No effect"
        )


def test_card_of_unrated_programme_shows_the_source_classification_not_our_rating(client):
    programme = classified()
    collection = CollectionFactory()
    collection.programmes.add(programme)

    for url in (reverse("catalogue:programme-list"), collection.get_absolute_url()):
        body = client.get(url).content.decode()
        assert "EIF workshop on parent-child interactions: established evidence" in body
        assert "we have not yet rated this programme ourselves" in body


def test_programme_page_explains_the_classification_with_its_source_and_date(client):
    programme = classified()
    programme.source_classifications.update(source_date=datetime.date(2016, 1, 1))

    body = client.get(programme.get_absolute_url()).content.decode()

    assert "What the sources say about its evidence" in body
    assert "Two randomised trials in the United States." in body
    assert "January 2016" in body
    assert "not a rating on our scale" in body


def test_rated_programme_shows_our_rating_not_the_classification(client):
    programme = classified(name="Rated")
    programme.evidence_level = 3
    programme.save()

    body = client.get(reverse("catalogue:programme-list")).content.decode()

    assert "EIF workshop on parent-child interactions: established evidence" not in body


def test_compare_and_csv_show_the_classification(client):
    first, second = classified("First"), classified("Second", classification="No effect")

    compare = client.get(reverse("catalogue:programme-compare") + f"?p={first.slug}&p={second.slug}")
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("catalogue:programme-list") + "?format=csv").getvalue().decode("utf-8-sig"))
        )
    )

    assert "EIF workshop on parent-child interactions: no effect" in compare.content.decode()
    assert {row["Name"]: row["Source classification (not our rating)"] for row in rows} == {
        "First": "EIF workshop on parent-child interactions: established evidence",
        "Second": "EIF workshop on parent-child interactions: no effect",
    }


def test_classification_of_a_published_programme_is_shown_by_it():
    from catalogue.permissions import public_record

    programme = classified()
    draft = classified(name="Draft", status="draft", published_on=None)

    assert public_record(programme.source_classifications.get()) == programme
    assert public_record(draft.source_classifications.get()) is None

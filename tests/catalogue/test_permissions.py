"""Which public record shows a row, and so who may change it (catalogue.permissions)."""

import pytest

from catalogue.models import Country
from catalogue.permissions import may_change, public_record, refusal
from tests.factories import (
    AnalysisFactory,
    AnalysisRowFactory,
    CollectionFactory,
    DraftProgrammeFactory,
    FindingFactory,
    IncludedStudyFactory,
    OutcomeFactory,
    ProgrammeFactory,
    PublicationFactory,
    ReviewFactory,
    RiskOfBiasFactory,
    StudyFactory,
    TheoryOfChangeStepFactory,
)

pytestmark = pytest.mark.django_db


def test_evidence_on_a_published_programme_is_shown_by_it():
    programme = ProgrammeFactory()
    study = StudyFactory(programme=programme)
    rows = [
        study,
        PublicationFactory(study=study),
        FindingFactory(study=study),
        TheoryOfChangeStepFactory(programme=programme),
    ]

    assert [public_record(row) for row in rows] == [programme] * 4
    assert public_record(programme) == programme


def test_evidence_on_a_draft_programme_is_not_public():
    study = StudyFactory(programme=DraftProgrammeFactory())

    assert public_record(study) is None
    assert public_record(FindingFactory(study=study)) is None


def test_collection_lookup_and_outcome_are_public_while_a_published_programme_uses_them():
    draft, published = DraftProgrammeFactory(), ProgrammeFactory()
    country = Country.objects.create(name="Atlantis", slug="atlantis")
    outcome = OutcomeFactory()
    collection = CollectionFactory()
    collection.programmes.set([draft])
    draft.countries.set([country])
    FindingFactory(study=StudyFactory(programme=draft), outcome=outcome)
    assert [public_record(collection), public_record(country), public_record(outcome)] == [None, None, None]

    collection.programmes.add(published)
    FindingFactory(study=StudyFactory(programme=published), outcome=outcome)
    StudyFactory(programme=published).countries.set([country])

    assert [public_record(collection), public_record(country), public_record(outcome)] == [published] * 3


def test_everything_under_a_published_review_is_shown_by_it():
    review = ReviewFactory()
    included = IncludedStudyFactory(review=review, study=StudyFactory(programme=None))
    analysis = AnalysisFactory(review=review)
    rows = [included, RiskOfBiasFactory(included_study=included), analysis, AnalysisRowFactory(analysis=analysis)]

    assert [public_record(row) for row in rows] == [review] * 4
    assert public_record(included.study) == review


def test_a_draft_review_shows_nothing():
    review = ReviewFactory(status="draft", published_on=None)

    assert public_record(AnalysisFactory(review=review)) is None


def test_only_a_publisher_may_change_a_public_row(role_analyst, publisher):
    finding = FindingFactory(study=StudyFactory(programme=ProgrammeFactory(name="Calm Homes")))

    assert not may_change(role_analyst, finding)
    assert may_change(publisher, finding)
    assert may_change(None, finding)  # an operator's script
    assert "Calm Homes" in refusal(finding)


def test_a_review_is_published_by_the_review_publish_permission(role_analyst, publisher):
    review = ReviewFactory()

    assert not may_change(role_analyst, review)
    assert may_change(publisher, review)
    assert refusal(review).endswith("is published: only a publisher can change or delete it.")

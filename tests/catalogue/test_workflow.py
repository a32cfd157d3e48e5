"""The editorial workflow's services (catalogue/workflow.py), for programmes and reviews alike."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalogue import workflow
from catalogue.models import (
    PendingRevision,
    Programme,
    PublicationEvent,
    PublicationEventKind,
    PublicationStatus,
)
from reviews.models import Review
from tests.factories import DraftProgrammeFactory, ProgrammeFactory, ReviewFactory, StudyFactory

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- publishing service
def test_publish_draft_records_who_when_why_and_ratings(publisher):
    programme = DraftProgrammeFactory(evidence_level=3)

    event = workflow.publish(obj=programme, user=publisher, change_note="First published.")

    programme.refresh_from_db()
    assert programme.status == PublicationStatus.PUBLISHED
    assert programme.published_on is not None
    assert event.published_by == publisher
    assert (event.evidence_rating_before, event.evidence_rating_after) == ("", "3")
    assert (event.cost_rating_before, event.cost_rating_after) == ("", "NA")
    assert programme.history.first().history_change_reason == "First published."
    assert programme.history.first().history_user == publisher


def test_publish_by_analyst_is_refused(role_analyst):
    programme = DraftProgrammeFactory()

    with pytest.raises(PermissionDenied):
        workflow.publish(obj=programme, user=role_analyst, change_note="Sneaky.")

    programme.refresh_from_db()
    assert programme.status == PublicationStatus.DRAFT
    assert not PublicationEvent.objects.exists()


def test_publish_without_change_note_is_refused(publisher):
    programme = DraftProgrammeFactory()

    with pytest.raises(ValidationError, match="change note"):
        workflow.publish(obj=programme, user=publisher, change_note="  ")

    programme.refresh_from_db()
    assert programme.status == PublicationStatus.DRAFT


def test_publish_published_programme_without_revision_is_refused(publisher):
    programme = ProgrammeFactory()

    with pytest.raises(ValidationError, match="no pending changes"):
        workflow.publish(obj=programme, user=publisher, change_note="Again.")


def test_publish_name_and_summary_only_is_refused_and_writes_nothing(publisher):
    programme = DraftProgrammeFactory(name="Bare Programme", description="", evidence_overview="", evidence_level=None)

    with pytest.raises(ValidationError, match="needs a description or an overview of the evidence"):
        workflow.publish(obj=programme, user=publisher, change_note="First published.")

    programme.refresh_from_db()
    assert (programme.status, programme.published_on) == (PublicationStatus.DRAFT, None)
    assert not programme.publication_events.exists()


def test_publish_blank_summary_is_refused(publisher):
    programme = DraftProgrammeFactory(summary="  ", description="Sessions at home.")

    with pytest.raises(ValidationError, match="needs a summary"):
        workflow.publish(obj=programme, user=publisher, change_note="First published.")


def test_publish_unrated_programme_with_evidence_overview_is_allowed(publisher):
    # Unrated programmes stay publishable: the real data has published programmes without a rating.
    programme = DraftProgrammeFactory(description="", evidence_overview="One RCT in the US.", evidence_level=None)

    workflow.publish(obj=programme, user=publisher, change_note="First published.")

    programme.refresh_from_db()
    assert programme.status == PublicationStatus.PUBLISHED


def test_publishing_revision_that_empties_the_page_is_refused(publisher):
    programme = ProgrammeFactory(description="Sessions at home.", evidence_overview="")
    working_copy = Programme.objects.get(pk=programme.pk)
    working_copy.description = ""
    workflow.save_revision(obj=working_copy, m2m={}, user=publisher)

    with pytest.raises(ValidationError, match="needs a description"):
        workflow.publish(obj=programme, user=publisher, change_note="Shorter.")

    programme.refresh_from_db()
    assert programme.description == "Sessions at home."


def test_status_moves_draft_review_published_archived(role_analyst, publisher):
    programme = DraftProgrammeFactory()

    workflow.submit_for_review(obj=programme, user=role_analyst)
    assert programme.status == PublicationStatus.IN_REVIEW
    workflow.publish(obj=programme, user=publisher, change_note="First published.")
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.PUBLISHED
    workflow.archive(obj=programme, user=publisher, change_note="Provider closed.")
    programme.refresh_from_db()

    assert programme.status == PublicationStatus.ARCHIVED
    kinds = list(programme.publication_events.values_list("kind", flat=True))
    assert kinds == [PublicationEventKind.ARCHIVED, PublicationEventKind.PUBLISHED]


def test_archive_and_unpublish_by_analyst_are_refused(role_analyst):
    programme = ProgrammeFactory()

    with pytest.raises(PermissionDenied):
        workflow.archive(obj=programme, user=role_analyst, change_note="x")
    with pytest.raises(PermissionDenied):
        workflow.unpublish(obj=programme, user=role_analyst, change_note="x")
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.PUBLISHED


def test_republishing_archived_programme_compares_with_last_published_ratings(publisher):
    programme = DraftProgrammeFactory(evidence_level=2)
    workflow.publish(obj=programme, user=publisher, change_note="First published.")
    workflow.archive(obj=Programme.objects.get(pk=programme.pk), user=publisher, change_note="Paused.")
    Programme.objects.filter(pk=programme.pk).update(evidence_level=3)
    archived = Programme.objects.get(pk=programme.pk)  # the service refuses a copy read before the archiving

    event = workflow.publish(obj=archived, user=publisher, change_note="Back, now level 3.")

    assert (event.evidence_rating_before, event.evidence_rating_after) == ("2", "3")


# --------------------------------------------------------------------------- every publishable model
FACTORIES = {"programme": ProgrammeFactory, "review": ReviewFactory}
MODELS = {"programme": Programme, "review": Review}
PUBLISHER_STEPS = {
    "publish": (workflow.publish, PublicationStatus.DRAFT),
    "unpublish": (workflow.unpublish, PublicationStatus.PUBLISHED),
    "archive": (workflow.archive, PublicationStatus.PUBLISHED),
}


@pytest.fixture(params=FACTORIES)
def kind(request):
    return request.param


def record(kind, status, **fields):
    """A programme or a review in `status`; published and archived ones were first published on 1 January 2024."""
    was_published = status in {PublicationStatus.PUBLISHED, PublicationStatus.ARCHIVED}
    published_on = datetime.date(2024, 1, 1) if was_published else None
    return FACTORIES[kind](status=status, published_on=published_on, **fields)


def status_of(obj):
    return type(obj).objects.get(pk=obj.pk).status


@pytest.mark.parametrize("step", PUBLISHER_STEPS, ids=PUBLISHER_STEPS)
def test_publisher_step_by_an_analyst_is_refused(kind, role_analyst, step):
    service, status = PUBLISHER_STEPS[step]
    obj = record(kind, status)

    with pytest.raises(PermissionDenied):
        service(obj=obj, user=role_analyst, change_note="Sneaky.")

    assert status_of(obj) == status
    assert not obj.publication_events.exists()


@pytest.mark.parametrize("step", PUBLISHER_STEPS, ids=PUBLISHER_STEPS)
def test_publisher_step_without_change_note_is_refused_and_writes_nothing(kind, publisher, step):
    service, status = PUBLISHER_STEPS[step]
    obj = record(kind, status)

    with pytest.raises(ValidationError, match="change note"):
        service(obj=obj, user=publisher, change_note="   ")

    assert status_of(obj) == status
    assert not obj.publication_events.exists()


def test_publish_records_the_decision_and_the_first_published_date(kind, publisher):
    obj = record(kind, PublicationStatus.DRAFT)

    event = workflow.publish(obj=obj, user=publisher, change_note="  First published.  ")

    obj.refresh_from_db()
    assert obj.status == PublicationStatus.PUBLISHED
    assert obj.published_on == datetime.date.today()
    assert (event.kind, event.published_by, event.change_note) == (
        PublicationEventKind.PUBLISHED,
        publisher,
        "First published.",
    )
    assert obj.history.first().history_change_reason == "First published."


def test_republishing_an_archived_record_keeps_its_first_published_date(kind, publisher):
    obj = FACTORIES[kind](status=PublicationStatus.ARCHIVED, published_on=datetime.date(2020, 5, 1))

    workflow.publish(obj=obj, user=publisher, change_note="Back: the withdrawal was a mistake.")

    obj.refresh_from_db()
    assert obj.status == PublicationStatus.PUBLISHED
    assert obj.published_on == datetime.date(2020, 5, 1)


def test_publishing_a_published_record_without_changes_is_refused(kind, publisher):
    obj = record(kind, PublicationStatus.PUBLISHED)

    with pytest.raises(ValidationError, match="cannot be published"):
        workflow.publish(obj=obj, user=publisher, change_note="Again.")

    assert not obj.publication_events.exists()


def test_unpublish_returns_record_to_draft_and_off_the_public_site(kind, publisher, client):
    obj = record(kind, PublicationStatus.PUBLISHED)

    workflow.unpublish(obj=obj, user=publisher, change_note="Superseded by the 2024 update.")

    assert status_of(obj) == PublicationStatus.DRAFT
    assert obj.publication_events.get().kind == PublicationEventKind.UNPUBLISHED
    assert client.get(obj.get_absolute_url()).status_code == 404


def test_analyst_submits_and_returns_to_draft_with_the_same_copy(kind, role_analyst):
    obj = record(kind, PublicationStatus.DRAFT)

    workflow.submit_for_review(obj=obj, user=role_analyst)
    submitted = status_of(obj)
    workflow.return_to_draft(obj=obj, user=role_analyst)  # the caller's copy followed the first step

    assert submitted == PublicationStatus.IN_REVIEW
    assert status_of(obj) == PublicationStatus.DRAFT
    assert obj.history.first().history_change_reason == "Returned to draft"


def test_submitting_a_published_record_is_refused(kind, role_analyst):
    with pytest.raises(ValidationError, match="Only a draft"):
        workflow.submit_for_review(obj=record(kind, PublicationStatus.PUBLISHED), user=role_analyst)


def test_step_chosen_on_a_copy_that_changed_since_is_refused(kind, publisher):
    obj = record(kind, PublicationStatus.PUBLISHED)
    seen_by_me, seen_by_them = type(obj).objects.get(pk=obj.pk), type(obj).objects.get(pk=obj.pk)
    workflow.archive(obj=seen_by_them, user=publisher, change_note="Provider closed.")

    with pytest.raises(ValidationError, match="was changed by role-publisher at .* since you opened it"):
        workflow.unpublish(obj=seen_by_me, user=publisher, change_note="Taken down.")

    assert status_of(obj) == PublicationStatus.ARCHIVED
    assert obj.publication_events.count() == 1


def test_step_writes_the_workflow_fields_only_never_the_callers_copy(kind, publisher):
    obj = record(kind, PublicationStatus.PUBLISHED, summary="Old summary.")
    type(obj).objects.filter(pk=obj.pk).update(summary="Edited meanwhile.")

    workflow.unpublish(obj=obj, user=publisher, change_note="Taken down.")

    saved = type(obj).objects.get(pk=obj.pk)
    assert (saved.status, saved.summary) == (PublicationStatus.DRAFT, "Edited meanwhile.")
    assert obj.summary == "Edited meanwhile."  # the caller's copy now shows the row


def test_every_transition_has_its_service_and_publisher_steps_need_a_note():
    for transition in workflow.TRANSITIONS.values():
        assert callable(getattr(workflow, transition.service))
        assert transition.change_note == (transition.role is workflow.Role.PUBLISHER)
    assert {t.action for t in workflow.TRANSITIONS.values() if t.change_note} == {"publish", "unpublish", "archive"}


def test_discarding_on_a_review_is_refused(role_analyst):
    with pytest.raises(ValidationError, match="no pending changes"):
        workflow.discard_revision(obj=ReviewFactory(), user=role_analyst)


def test_a_model_outside_the_workflow_is_refused(publisher):
    with pytest.raises(TypeError, match="not registered"):
        workflow.publish(obj=StudyFactory(), user=publisher, change_note="No.")


# --------------------------------------------------------------------------- a programme's pending revision
def with_revision(programme, user, **changes):
    working_copy = Programme.objects.get(pk=programme.pk)
    for name, value in changes.items():
        setattr(working_copy, name, value)
    return workflow.save_revision(obj=working_copy, m2m={}, user=user)


def test_save_revision_leaves_the_live_row_and_replaces_the_previous_revision(publisher):
    programme = ProgrammeFactory(summary="Live.")

    with_revision(programme, publisher, summary="First try.")
    revision = with_revision(programme, publisher, summary="Second try.")

    assert Programme.objects.get(pk=programme.pk).summary == "Live."
    assert PendingRevision.objects.get() == revision
    assert revision.field_values()["summary"] == "Second try."


def test_save_revision_of_a_draft_is_refused(publisher):
    with pytest.raises(ValidationError, match="Only a published programme"):
        workflow.save_revision(obj=DraftProgrammeFactory(), m2m={}, user=publisher)


def test_archive_deletes_the_pending_revision_and_unpublish_keeps_it(publisher):
    archived, unpublished = ProgrammeFactory(), ProgrammeFactory()
    with_revision(archived, publisher, summary="Never published.")
    with_revision(unpublished, publisher, summary="Waiting.")

    workflow.archive(obj=archived, user=publisher, change_note="Provider closed.")
    workflow.unpublish(obj=unpublished, user=publisher, change_note="Paused.")

    assert list(PendingRevision.objects.values_list("programme", flat=True)) == [unpublished.pk]


def test_publishing_an_unpublished_programme_applies_its_revision(publisher):
    programme = ProgrammeFactory(summary="Live.")
    with_revision(programme, publisher, summary="Revised.")
    workflow.unpublish(obj=programme, user=publisher, change_note="Paused.")

    workflow.publish(obj=programme, user=publisher, change_note="Back, revised.")

    assert Programme.objects.get(pk=programme.pk).summary == "Revised."
    assert not PendingRevision.objects.exists()


def test_discard_revision_leaves_the_programme_row_alone(role_analyst, publisher):
    programme = ProgrammeFactory(summary="Live.")
    with_revision(programme, publisher, summary="Unwanted.")
    updated_at = Programme.objects.get(pk=programme.pk).updated_at

    workflow.discard_revision(obj=programme, user=role_analyst)

    assert not PendingRevision.objects.exists()
    assert Programme.objects.get(pk=programme.pk).updated_at == updated_at

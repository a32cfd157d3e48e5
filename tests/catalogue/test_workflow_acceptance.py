"""Defects found by the acceptance test: pending-revision line endings, the changes feed's
wording, the rating history, and the admin history's empty change reason."""

import pytest

from catalogue import publishing
from catalogue.models import PendingRevision
from tests.catalogue.test_workflow import change_url, programme_form
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

TEXT = "First paragraph.\n\nSecond paragraph."


# --------------------------------------------------------------------------- revision line endings
def test_revision_changes_ignore_line_endings_posted_by_the_browser(role_analyst_client):
    programme = ProgrammeFactory(description=TEXT, what_happens=TEXT, summary="Old summary.")
    posted = TEXT.replace("\n", "\r\n")

    role_analyst_client.post(
        change_url(programme),
        programme_form(programme, description=posted, what_happens=posted, summary="New summary."),
    )

    revision = PendingRevision.objects.get(programme=programme)
    assert [label for label, _, _ in publishing.revision_changes(revision)] == ["summary"]
    assert revision.data["fields"]["description"] == TEXT


def test_revision_changes_ignore_line_endings_in_stored_revision(role_analyst_client):
    programme = ProgrammeFactory(description=TEXT)
    role_analyst_client.post(change_url(programme), programme_form(programme, summary="New summary."))
    revision = PendingRevision.objects.get(programme=programme)
    revision.data["fields"]["description"] = TEXT.replace("\n", "\r\n")  # saved before the fix
    revision.save()

    assert [label for label, _, _ in publishing.revision_changes(revision)] == ["summary"]


@pytest.mark.parametrize("live", [TEXT, TEXT.replace("\n", "\r\n")], ids=["stored-lf", "stored-crlf"])
def test_publishing_revision_does_not_rewrite_unchanged_text(role_analyst_client, publisher, live):
    programme = ProgrammeFactory(description=live, summary="Old summary.")
    role_analyst_client.post(
        change_url(programme),
        programme_form(programme, description=TEXT.replace("\n", "\r\n"), summary="New summary."),
    )

    publishing.publish(programme=programme, user=publisher, change_note="Summary reworded.")

    programme.refresh_from_db()
    assert (programme.summary, programme.description) == ("New summary.", live)
    latest, previous = programme.history.all()[:2]
    assert latest.diff_against(previous).changed_fields == ["summary"]


def test_revision_keeps_a_real_text_change(role_analyst_client):
    programme = ProgrammeFactory(description=TEXT)

    role_analyst_client.post(
        change_url(programme), programme_form(programme, description="Rewritten.\r\n\r\nEntirely.")
    )

    changes = publishing.revision_changes(PendingRevision.objects.get(programme=programme))
    assert changes == [("description", TEXT, "Rewritten.\n\nEntirely.")]


def test_change_form_lists_only_really_changed_fields(role_analyst_client):
    programme = ProgrammeFactory(description="Unchanged words.\nSecond line.", summary="Old summary.")
    role_analyst_client.post(
        change_url(programme),
        programme_form(programme, description="Unchanged words.\r\nSecond line.", summary="New summary."),
    )

    response = role_analyst_client.get(change_url(programme))

    assert [label for label, _, _ in response.context["pending_changes"]] == ["summary"]

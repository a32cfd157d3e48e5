"""Defects found by the acceptance test: pending-revision line endings, the changes feed's
wording, the rating history, and the admin history's empty change reason."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from catalogue import workflow
from catalogue.feeds import describe_publication
from catalogue.models import PendingRevision, Programme
from catalogue.revisions import revision_changes
from catalogue.templatetags.workflow_tags import rating_changes
from tests.catalogue.test_admin_workflow import change_url, programme_form
from tests.factories import DraftProgrammeFactory, ProgrammeFactory, PublicationEventFactory, StudyFactory

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
    assert [label for label, _, _ in revision_changes(revision)] == ["summary"]
    assert revision.data["fields"]["description"] == TEXT


def test_revision_changes_ignore_line_endings_in_stored_revision(role_analyst_client):
    programme = ProgrammeFactory(description=TEXT)
    role_analyst_client.post(change_url(programme), programme_form(programme, summary="New summary."))
    revision = PendingRevision.objects.get(programme=programme)
    revision.data["fields"]["description"] = TEXT.replace("\n", "\r\n")  # saved before the fix
    revision.save()

    assert [label for label, _, _ in revision_changes(revision)] == ["summary"]


@pytest.mark.parametrize("live", [TEXT, TEXT.replace("\n", "\r\n")], ids=["stored-lf", "stored-crlf"])
def test_publishing_revision_does_not_rewrite_unchanged_text(role_analyst_client, publisher, live):
    programme = ProgrammeFactory(description=live, summary="Old summary.")
    role_analyst_client.post(
        change_url(programme),
        programme_form(programme, description=TEXT.replace("\n", "\r\n"), summary="New summary."),
    )

    workflow.publish(obj=programme, user=publisher, change_note="Summary reworded.")

    programme.refresh_from_db()
    assert (programme.summary, programme.description) == ("New summary.", live)
    latest, previous = programme.history.all()[:2]
    assert latest.diff_against(previous).changed_fields == ["summary"]


def test_revision_keeps_a_real_text_change(role_analyst_client):
    programme = ProgrammeFactory(description=TEXT)

    role_analyst_client.post(
        change_url(programme), programme_form(programme, description="Rewritten.\r\n\r\nEntirely.")
    )

    changes = revision_changes(PendingRevision.objects.get(programme=programme))
    assert changes == [("description", TEXT, "Rewritten.\n\nEntirely.")]


def test_change_form_lists_only_really_changed_fields(role_analyst_client):
    programme = ProgrammeFactory(description="Unchanged words.\nSecond line.", summary="Old summary.")
    role_analyst_client.post(
        change_url(programme),
        programme_form(programme, description="Unchanged words.\r\nSecond line.", summary="New summary."),
    )

    response = role_analyst_client.get(change_url(programme))

    assert [label for label, _, _ in response.context["pending_changes"]] == ["summary"]


# --------------------------------------------------------------------------- changes feed and rating history
def event(**ratings):
    """A publication event; by default an update after an earlier publication (cost rating seen: NA)."""
    values = {"evidence_rating_before": "3", "evidence_rating_after": "3", "cost_rating_before": "NA"}
    return PublicationEventFactory.build(change_note="Typo fixed.", **{**values, **ratings})


@pytest.mark.parametrize(
    ("ratings", "summary"),
    [
        (
            {"evidence_rating_before": "", "cost_rating_before": ""},
            "First published: evidence rating 3, cost rating NA",
        ),
        (
            {"evidence_rating_before": "", "evidence_rating_after": "", "cost_rating_before": ""},
            "First published: evidence rating not yet given, cost rating NA",
        ),
        ({"evidence_rating_after": "3+"}, "Evidence rating raised from 3 to 3+"),
        ({"evidence_rating_before": "4", "evidence_rating_after": "NL2"}, "Evidence rating lowered from 4 to NL2"),
        ({"evidence_rating_before": ""}, "Evidence rating set at 3"),
        ({"cost_rating_after": "2"}, "Cost rating changed from NA to 2"),
        (
            {"evidence_rating_after": "3+", "cost_rating_before": "2", "cost_rating_after": "3"},
            "Evidence rating raised from 3 to 3+; cost rating raised from 2 to 3",
        ),
        ({}, "Updated: Typo fixed."),
    ],
)
def test_describe_publication_says_what_changed_in_plain_words(ratings, summary):
    assert describe_publication(event(**ratings)) == summary


def test_changes_feed_first_publication_never_shows_an_unchanged_arrow(client, role_analyst_client, publisher):
    programme = DraftProgrammeFactory(name="Unrated Programme", evidence_level=None, cost_rating=None)
    workflow.publish(obj=programme, user=publisher, change_note="First published.")
    rated = DraftProgrammeFactory(name="Rated Programme", evidence_level=3)
    workflow.publish(obj=rated, user=publisher, change_note="First published.")
    role_analyst_client.post(change_url(rated), programme_form(rated, summary="Typo fixed."))
    workflow.publish(obj=rated, user=publisher, change_note="Typo fixed.")

    content = client.get("/feeds/changes/").content.decode()

    assert "→" not in content
    assert "Unrated Programme – First published: evidence rating not yet given, cost rating NA" in content
    assert "Rated Programme – First published: evidence rating 3, cost rating NA" in content
    assert "Rated Programme – Updated: Typo fixed." in content


def test_rating_history_lists_first_publication_and_real_rating_changes_only(publisher, role_analyst_client):
    programme = DraftProgrammeFactory(evidence_level=3)
    workflow.publish(obj=programme, user=publisher, change_note="First published.")
    role_analyst_client.post(change_url(programme), programme_form(programme, summary="Typo fixed."))
    workflow.publish(obj=programme, user=publisher, change_note="Typo fixed.")
    role_analyst_client.post(change_url(programme), programme_form(programme, evidence_plus="on"))
    workflow.publish(obj=programme, user=publisher, change_note="Stronach (2013) follow-up.")

    programme = Programme.objects.prefetch_related("publication_events").get(pk=programme.pk)
    html = render_to_string("catalogue/_rating_history.html", {"programme": programme})

    assert [e.change_note for e in rating_changes(programme)] == ["Stronach (2013) follow-up.", "First published."]
    assert "First published: evidence rating 3, cost rating NA" in html
    assert "Evidence rating raised from 3 to 3+" in html
    assert "Typo fixed." not in html
    assert "(unchanged)" not in html


# --------------------------------------------------------------------------- admin history page
def test_admin_history_shows_no_none_for_a_missing_change_reason(publisher_client, publisher):
    programme = DraftProgrammeFactory(name="Reasonless Programme")  # created with no change reason
    workflow.publish(obj=programme, user=publisher, change_note="First published at level 3.")

    response = publisher_client.get(reverse("admin:catalogue_programme_history", args=[programme.pk]))

    content = response.content.decode()
    reasons = [record.history_change_reason for record in response.context["page_obj"]]
    assert response.status_code == 200
    assert reasons == ["First published at level 3.", ""]
    assert "First published at level 3." in content
    assert "<td>\n          None\n        </td>" not in content


def test_admin_history_of_a_study_shows_no_none(publisher_client):
    study = StudyFactory()

    response = publisher_client.get(reverse("admin:catalogue_study_history", args=[study.pk]))

    assert [record.history_change_reason for record in response.context["page_obj"]] == [""]
    assert "<td>\n          None\n        </td>" not in response.content.decode()

"""What the workflow shows the public: drafts hidden and previewed, the rating history, the changes feed."""

import datetime

import pytest
from django.template.loader import render_to_string

from catalogue.models import (
    Programme,
    PublicationEventKind,
    PublicationStatus,
)
from tests.factories import (
    DraftProgrammeFactory,
    ProgrammeFactory,
    PublicationEventFactory,
)

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- public side
def test_visible_to_public_is_published_only(rf, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    published, draft = ProgrammeFactory(), DraftProgrammeFactory()
    plain_user = django_user_model.objects.create_user("reader")

    assert list(Programme.objects.visible_to(AnonymousUser())) == [published]
    assert list(Programme.objects.visible_to(plain_user)) == [published]
    assert draft.pk not in Programme.objects.published().values_list("pk", flat=True)


def test_visible_to_staff_includes_drafts(role_analyst):
    published, draft = ProgrammeFactory(), DraftProgrammeFactory()

    assert set(Programme.objects.visible_to(role_analyst)) == {published, draft}


def test_draft_banner_shows_for_unpublished_programme():
    html = render_to_string("_includes/draft_banner.html", {"programme": DraftProgrammeFactory()})

    assert "Draft preview: this page is not public." in html
    assert "govuk-notification-banner" in html


def test_programme_page_template_carries_the_banner_for_a_draft(rf):
    request = rf.get("/")
    html = render_to_string(
        "catalogue/programme_detail.html", {"programme": DraftProgrammeFactory(), "is_preview": True}, request=request
    )

    assert "Draft preview: this page is not public." in html


def test_draft_banner_shows_when_view_says_preview():
    assert "Draft preview" in render_to_string("_includes/draft_banner.html", {"is_preview": True})


def test_draft_banner_hidden_for_published_programme_and_other_pages():
    assert "Draft preview" not in render_to_string("_includes/draft_banner.html", {"programme": ProgrammeFactory()})
    assert "Draft preview" not in render_to_string("_includes/draft_banner.html", {})


def test_rating_history_lists_rating_changes_with_date_and_note():
    programme = ProgrammeFactory()
    PublicationEventFactory(
        programme=programme,
        published_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC),
        change_note="Rating raised from 3 to 3+ after Stronach 2013 follow-up",
        evidence_rating_before="3",
        evidence_rating_after="3+",
        cost_rating_before="NA",
    )
    PublicationEventFactory(
        programme=programme,
        change_note="Typo fixed.",
        evidence_rating_before="3+",
        evidence_rating_after="3+",
        cost_rating_before="NA",
    )

    html = render_to_string("catalogue/_rating_history.html", {"programme": programme})

    assert "Rating history" in html
    assert "1 March 2024" in html
    assert "3 to 3+" in html
    assert "Rating raised from 3 to 3+ after Stronach 2013 follow-up" in html
    assert "Typo fixed." not in html  # a publication that changed no rating is not rating history


def test_rating_history_without_changes_says_so():
    programme = ProgrammeFactory(published_on=datetime.date(2021, 6, 1))

    html = render_to_string("catalogue/_rating_history.html", {"programme": programme})

    assert "have not changed since this page was first published on 1 June 2021" in html


def test_rating_history_costs_no_query_when_prefetched(django_assert_num_queries):
    PublicationEventFactory(programme=ProgrammeFactory())
    programme = Programme.objects.prefetch_related("publication_events").get()

    with django_assert_num_queries(0):
        render_to_string("catalogue/_rating_history.html", {"programme": programme})


def test_changes_feed_lists_published_events_only(client):
    live = ProgrammeFactory(name="Family Foundations")
    archived = ProgrammeFactory(name="Withdrawn Programme", status=PublicationStatus.ARCHIVED)
    PublicationEventFactory(
        programme=live,
        change_note="Rating raised to 3+.",
        evidence_rating_before="3",
        evidence_rating_after="3+",
        cost_rating_before="NA",
    )
    PublicationEventFactory(programme=archived, change_note="Old news.")
    PublicationEventFactory(programme=live, kind=PublicationEventKind.UNPUBLISHED, change_note="Taken down briefly.")

    response = client.get("/feeds/changes/")

    content = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Family Foundations – Evidence rating raised from 3 to 3+" in content
    assert "Rating raised to 3+." in content
    assert "urn:evidence-guidebook:publication-event:" in content
    assert "Withdrawn Programme" not in content
    assert "Taken down briefly." not in content


def test_changes_feed_hides_drafts(client, publisher):
    draft = DraftProgrammeFactory(name="Secret Draft")
    PublicationEventFactory(programme=draft, change_note="Draft note.")

    content = client.get("/feeds/changes/").content.decode()

    assert "Secret Draft" not in content


def test_changes_feed_sends_change_notes_as_text_not_html(client):
    PublicationEventFactory(
        programme=ProgrammeFactory(),
        change_note='Corrected <b>typo</b> & <a href="https://example.org">link</a>.',
        cost_rating_before="NA",
    )

    content = client.get("/feeds/changes/").content.decode()

    assert '<summary type="text">' in content
    assert 'type="html"' not in content
    # Escaped once, as text: a reader shows the angle brackets instead of rendering a link.
    assert "Corrected &lt;b&gt;typo&lt;/b&gt; &amp; &lt;a href=" in content

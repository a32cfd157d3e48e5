"""The Atom feeds (catalogue/feeds.py): every change, one programme's, one collection's; valid Atom, and
nothing about a draft or withdrawn page. Also the page that says how to follow a programme."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from catalogue import workflow
from catalogue.models import PublicationEvent, PublicationEventKind, PublicationStatus
from tests.factories import (
    CollectionFactory,
    DraftProgrammeFactory,
    ProgrammeFactory,
    PublicationEventFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def when(day):
    return timezone.make_aware(datetime.datetime(2025, 1, day, 9))


def atom_root(response):
    """The response parsed as XML: our own server's output, so the standard library's parser is safe here."""
    return ET.fromstring(response.content)  # noqa: S314


def parse_atom(response):
    """The feed as Atom, checked: a feed with id, title and updated, each entry with id, title, updated and
    an absolute link. Returns [(title, summary, link)] in feed order."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = atom_root(response)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{name}") or "").strip(), name
    datetime.datetime.fromisoformat(feed.findtext(f"{ATOM}updated"))
    entries = []
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
        assert entry.findtext(f"{ATOM}id").startswith("urn:evidence-guidebook:publication-event:")
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.get("href").startswith("http://testserver/")
        entries.append((entry.findtext(f"{ATOM}title"), entry.findtext(f"{ATOM}summary"), link.get("href")))
    return entries


@pytest.fixture
def ipp():
    """A published programme first published, re-rated, taken down for a while and published again."""
    programme = ProgrammeFactory(name="Infant-Parent Psychotherapy", slug="infant-parent-psychotherapy")
    PublicationEventFactory(programme=programme, published_at=when(1), evidence_rating_after="3")
    PublicationEventFactory(
        programme=programme,
        published_at=when(2),
        change_note="Rating raised after a follow-up study.",
        evidence_rating_before="3",
        evidence_rating_after="3+",
        cost_rating_before="NA",
    )
    PublicationEventFactory(
        programme=programme,
        kind=PublicationEventKind.UNPUBLISHED,
        published_at=when(3),
        change_note="Taken down while a study is checked.",
    )
    return programme


def test_programme_feed_is_atom_with_its_publications_rating_changes_and_withdrawals(client, ipp):
    PublicationEventFactory(programme=ProgrammeFactory(name="Child First"), change_note="Other programme.")

    entries = parse_atom(client.get("/programmes/infant-parent-psychotherapy/feed/"))

    assert [title for title, _summary, _link in entries] == [
        "Infant-Parent Psychotherapy – Taken off the site for now",
        "Infant-Parent Psychotherapy – Evidence rating raised from 3 to 3+",
        "Infant-Parent Psychotherapy – First published: evidence rating 3, cost rating NA",
    ]
    assert entries[1][1] == "Rating raised after a follow-up study."
    assert entries[0][2] == "http://testserver/programmes/infant-parent-psychotherapy/#rating-history"


def test_programme_feed_names_the_programme_and_links_its_page(client, ipp):
    feed = atom_root(client.get("/programmes/infant-parent-psychotherapy/feed/"))

    assert feed.findtext(f"{ATOM}title") == "Evidence Guidebook: Infant-Parent Psychotherapy"
    assert feed.find(f"{ATOM}link").get("href") == "http://testserver/programmes/infant-parent-psychotherapy/"
    assert feed.findtext(f"{ATOM}updated").startswith("2025-01-03")


@pytest.mark.parametrize("status", [PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, PublicationStatus.ARCHIVED])
def test_programme_feed_of_a_page_that_is_not_public_is_404(client, status):
    programme = ProgrammeFactory(name="Secret Draft", status=status, published_on=None)
    PublicationEventFactory(programme=programme, change_note="Secret note.")

    response = client.get(f"/programmes/{programme.slug}/feed/")

    assert response.status_code == 404
    assert "Secret" not in response.content.decode()


def test_unknown_programme_feed_is_404(client):
    assert client.get("/programmes/no-such-programme/feed/").status_code == 404


def test_collection_feed_lists_its_published_programmes_only(client, ipp):
    draft = DraftProgrammeFactory(name="Secret Draft")
    PublicationEventFactory(programme=draft, change_note="Secret note.")
    outside = ProgrammeFactory(name="Not In The Collection")
    PublicationEventFactory(programme=outside)
    collection = CollectionFactory(name="Supporting the attachment relationship", slug="attachment")
    collection.programmes.set([ipp, draft])

    response = client.get("/collections/attachment/feed/")

    entries = parse_atom(response)
    assert len(entries) == 3
    assert all(title.startswith("Infant-Parent Psychotherapy – ") for title, _summary, _link in entries)
    assert b"Secret" not in response.content
    assert atom_root(response).findtext(f"{ATOM}title") == (
        "Evidence Guidebook: Supporting the attachment relationship"
    )


def test_collection_feed_without_events_is_still_valid_atom(client):
    CollectionFactory(slug="empty")

    assert parse_atom(client.get("/collections/empty/feed/")) == []


def test_unknown_collection_feed_is_404(client):
    assert client.get("/collections/no-such-collection/feed/").status_code == 404


def test_changes_feed_is_valid_atom(client, ipp):
    entries = parse_atom(client.get("/feeds/changes/"))

    # The changes feed lists publications only, not the withdrawal.
    assert len(entries) == 2


def test_programme_page_links_its_feed_and_names_it_in_the_head(client, ipp):
    body = client.get(ipp.get_absolute_url()).content.decode()

    head = body[: body.index("</head>")]
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Infant-Parent Psychotherapy: rating changes and '
        'updates" href="/programmes/infant-parent-psychotherapy/feed/">' in head
    )
    assert '<a class="govuk-link" href="/programmes/infant-parent-psychotherapy/updates/">Get updates when this' in body


def test_collection_page_links_its_feed(client, ipp):
    CollectionFactory(slug="attachment").programmes.set([ipp])

    body = client.get("/collections/attachment/").content.decode()

    assert 'type="application/atom+xml"' in body[: body.index("</head>")]
    assert 'href="/collections/attachment/feed/"' in body


def test_updates_page_gives_the_feed_address_and_the_updates_so_far(client, ipp):
    response = client.get("/programmes/infant-parent-psychotherapy/updates/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Get updates when this rating changes" in body
    assert 'value="http://testserver/programmes/infant-parent-psychotherapy/feed/"' in body
    assert "Evidence rating raised from 3 to 3+" in body
    assert "Taken down while a study is checked." in body


def test_updates_page_of_a_draft_is_404(client):
    draft = DraftProgrammeFactory()

    assert client.get(f"/programmes/{draft.slug}/updates/").status_code == 404


# --------------------------------------------------------------------------- first publications of loaded data
def test_record_first_publications_dates_each_published_record_once():
    published = ProgrammeFactory(published_on=datetime.date(2023, 1, 1), evidence_level=3, evidence_plus=True)
    DraftProgrammeFactory()
    review = ReviewFactory(published_on=datetime.date(2024, 5, 1))

    assert workflow.record_first_publications() == 2
    assert workflow.record_first_publications() == 0  # again: nothing new

    event = PublicationEvent.objects.get()
    assert event.programme == published
    assert timezone.localtime(event.published_at).date() == datetime.date(2023, 1, 1)
    assert (event.evidence_rating_before, event.evidence_rating_after) == ("", "3+")
    assert (event.cost_rating_before, event.cost_rating_after) == ("", "NA")
    assert event.published_by is None
    assert timezone.localtime(review.publication_events.get().published_at).date() == datetime.date(2024, 5, 1)


def test_record_first_publications_skips_a_programme_already_published_through_the_workflow(publisher):
    programme = DraftProgrammeFactory()
    workflow.publish(obj=programme, user=publisher, change_note="First published.")

    assert workflow.record_first_publications() == 0


def test_programme_feed_gives_the_rating_difference_note_on_the_publication_not_the_withdrawal(client):
    programme = ProgrammeFactory(
        slug="noted", evidence_level=3, rating_difference_note="Rated in an assessment not yet entered."
    )
    PublicationEventFactory(programme=programme, published_at=when(1), change_note="First published.")
    PublicationEventFactory(
        programme=programme, kind=PublicationEventKind.UNPUBLISHED, published_at=when(2), change_note="Taken down."
    )

    entries = parse_atom(client.get("/programmes/noted/feed/"))

    assert entries[0][1] == "Taken down."
    assert "Rated in an assessment not yet entered." in entries[1][1]

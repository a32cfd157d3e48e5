"""Nothing unpublished reaches the public: pages, search, counts, downloads, the API and the feed.

Staff can still preview a draft at its public address, under a clear banner.
"""

import pytest
from django.urls import reverse

from catalogue import workflow
from catalogue.models import PublicationStatus
from tests.factories import (
    CollectionFactory,
    DraftProgrammeFactory,
    FindingFactory,
    OutcomeFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

HIDDEN_STATUSES = [PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, PublicationStatus.ARCHIVED]


@pytest.fixture(params=HIDDEN_STATUSES)
def hidden(request, publisher):
    """A published programme, and one in a hidden status sharing its collection and outcome."""
    outcome = OutcomeFactory(name="Improved attachment security", slug="attachment")
    shown = DraftProgrammeFactory(name="Shown Programme", slug="shown", acronym="SHOWN")
    secret = DraftProgrammeFactory(name="Zebra Secret Programme", slug="zebra-secret", acronym="ZEBRA")
    for programme in (shown, secret):
        FindingFactory(study__programme=programme, outcome=outcome)
        workflow.publish(obj=programme, user=publisher, change_note="First published.")
    collection = CollectionFactory(name="Attachment", slug="attachment-collection")
    collection.programmes.add(shown, secret)
    published_on = None if request.param != PublicationStatus.ARCHIVED else secret.published_on
    secret.__class__.objects.filter(pk=secret.pk).update(status=request.param, published_on=published_on)
    return secret


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/programmes/",
        "/programmes/?q=zebra",
        "/programmes/?outcome=attachment",
        "/programmes/export.csv",
        "/programmes/?format=csv",
        "/collections/",
        "/collections/attachment-collection/",
        "/api/programmes/",
        "/api/collections/attachment-collection/",
        "/feeds/changes/",
    ],
)
def test_unpublished_programme_is_absent_from_public_output(client, hidden, url):
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Zebra" not in body
    if url not in {"/", "/collections/", "/programmes/?q=zebra"}:
        assert b"Shown Programme" in body  # the page did list programmes: just not the hidden one


def test_unpublished_programme_is_not_counted(client, hidden):
    response = client.get("/programmes/")
    assert response.context["page"].paginator.count == 1
    assert client.get("/programmes/?q=zebra").context["page"].paginator.count == 0


@pytest.mark.parametrize("url", ["/programmes/zebra-secret/", "/api/programmes/zebra-secret/"])
def test_unpublished_programme_page_is_not_found_for_the_public(client, hidden, url):
    assert client.get(url).status_code == 404


def test_staff_preview_unpublished_programme_with_banner(publisher_client, hidden):
    response = publisher_client.get("/programmes/zebra-secret/")
    assert response.status_code == 200
    assert b"Draft preview: this page is not public." in response.content


def test_published_programme_has_no_preview_banner(publisher_client, hidden):
    response = publisher_client.get("/programmes/shown/")
    assert b"Draft preview" not in response.content


def test_draft_review_is_hidden_from_the_public(client):
    ReviewFactory(title="Visible review", slug="visible-review")
    ReviewFactory(
        title="Unfinished review", slug="unfinished-review", status=PublicationStatus.DRAFT, published_on=None
    )
    listing = client.get(reverse("reviews:review-list"))
    assert b"Visible review" in listing.content
    assert b"Unfinished review" not in listing.content
    assert client.get(reverse("reviews:review-detail", args=["unfinished-review"])).status_code == 404

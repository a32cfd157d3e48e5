"""Nothing unpublished reaches the public: pages, search, counts, downloads, the API and the feeds.

Staff can still preview a draft at its public address, under a clear banner.
"""

import datetime

import pytest
from django.urls import reverse

from catalogue import workflow
from catalogue.models import PublicationStatus
from tests.factories import (
    CollectionFactory,
    DraftProgrammeFactory,
    FindingFactory,
    IncludedStudyFactory,
    OutcomeFactory,
    ProgrammeFactory,
    ReviewFactory,
    StudyFactory,
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
        "/api/v1/programmes/",
        "/api/v1/collections/attachment-collection/",
        "/feeds/changes/",
        "/collections/attachment-collection/feed/",
        "/programmes/shown/feed/",
        "/programmes/shown/updates/",
    ],
)
def test_unpublished_programme_is_absent_from_public_output(client, hidden, url):
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Zebra" not in body
    if url not in {"/", "/collections/", "/programmes/?q=zebra"}:
        assert b"Shown Programme" in body  # the page did list programmes: just not the hidden one


@pytest.mark.parametrize("url", ["/programmes/zebra-secret/feed/", "/programmes/zebra-secret/updates/"])
def test_unpublished_programme_has_no_feed_or_updates_page(client, hidden, url):
    response = client.get(url)

    assert response.status_code == 404
    assert b"Zebra" not in response.content


def test_unpublished_programme_is_not_counted(client, hidden):
    response = client.get("/programmes/")
    assert response.context["page"].paginator.count == 1
    assert client.get("/programmes/?q=zebra").context["page"].paginator.count == 0


@pytest.mark.parametrize("url", ["/programmes/zebra-secret/", "/api/v1/programmes/zebra-secret/"])
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


# --------------------------------------------------------------------------- through relations
# Each public record below is linked to an unpublished one ("Zebra ..."). Whatever relation a page
# or response reads, the unpublished record's name and address must not appear.
@pytest.fixture(params=HIDDEN_STATUSES)
def status(request):
    return request.param


def _unpublished(status):
    return {"status": status, "published_on": None if status == PublicationStatus.DRAFT else datetime.date(2024, 1, 1)}


def _body(response):
    assert response.status_code == 200
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


@pytest.fixture
def linked(status):
    """A published programme and review, each linked through every relation to unpublished counterparts."""
    shown = ProgrammeFactory(name="Shown Programme", slug="shown")
    secret = ProgrammeFactory(name="Zebra Secret Programme", slug="zebra-secret", **_unpublished(status))
    shown_study = StudyFactory(programme=shown, number=1, citation_label="Shown et al (2001)")
    secret_study = StudyFactory(programme=secret, number=1, citation_label="Zebra et al (2002)")
    FindingFactory(study=shown_study, outcome=OutcomeFactory(name="Shown outcome"))
    FindingFactory(study=secret_study, outcome=OutcomeFactory(name="Zebra only outcome"))
    collection = CollectionFactory(name="Attachment", slug="attachment")
    collection.programmes.add(shown, secret)

    review = ReviewFactory(title="Shown review", slug="shown-review", short_citation="Shown (2015)")
    review.programmes.add(shown, secret)
    review.collections.add(collection)
    IncludedStudyFactory(review=review, study=shown_study)
    IncludedStudyFactory(review=review, study=secret_study)
    hidden_review = ReviewFactory(title="Zebra hidden review", short_citation="Zebra (2019)", **_unpublished(status))
    hidden_review.programmes.add(shown)
    IncludedStudyFactory(review=hidden_review, study=shown_study)
    summarised = ReviewFactory(title="Summarised review", short_citation="Summarised (2010)")
    review.reviews_summarised.add(summarised, hidden_review)
    ReviewFactory(title="Zebra summary of reviews", **_unpublished(status)).reviews_summarised.add(review)
    return {"programme": shown, "review": review, "collection": collection, "secret": secret}


PUBLIC_URLS = [
    "/",
    "/programmes/",
    "/programmes/?q=zebra",
    "/programmes/?format=csv",
    "/programmes/export.csv",
    "/programmes/?outcome=zebra-only-outcome&outcome=shown-outcome",
    "/programmes/shown/",
    "/programmes/compare/?p=shown&p=zebra-secret",
    "/collections/",
    "/collections/attachment/",
    "/reviews/",
    "/reviews/?programme=zebra-secret",
    "/reviews/shown-review/",
    "/api/v1/programmes/",
    "/api/v1/programmes/shown/",
    "/api/v1/programmes/?collection=attachment",
    "/api/v1/outcomes/",
    "/api/v1/collections/",
    "/api/v1/collections/attachment/",
    "/feeds/changes/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_nothing_unpublished_appears_through_a_relation(client, linked, url):
    body = _body(client.get(url))

    assert "Zebra" not in body
    assert "/programmes/zebra-secret/" not in body
    if url not in {"/", "/collections/", "/programmes/?q=zebra", "/feeds/changes/"}:  # these list no names
        assert "Shown" in body


def test_review_page_lists_only_published_reviews_it_summarises_and_is_summarised_in(client, linked):
    body = _body(client.get("/reviews/shown-review/"))

    assert "Reviews it summarises" in body
    assert "Summarised (2010)</a>: Summarised review" in body
    assert "Summarised in:" not in body  # only an unpublished review summarises it


def test_review_page_names_an_unpublished_programmes_study_only_as_the_review_does(client, linked):
    body = _body(client.get("/reviews/shown-review/"))

    assert "A trial not yet published in this catalogue" in body  # the review gave it no name of its own

    assert 'href="/programmes/shown/#study-1">Shown Programme: Shown et al (2001)</a>' in body
    assert "/programmes/zebra-secret/" not in body
    assert "Zebra Secret Programme" not in body
    assert "Programmes it covers" in body and "Shown Programme</a></li></ul>" in body


def test_programme_page_names_only_published_reviews(client, linked):
    body = _body(client.get("/programmes/shown/"))

    assert "Shown (2015)" in body  # included in, and the reviews section
    assert "Zebra (2019)" not in body


def test_api_collection_lists_only_its_published_programmes(client, linked):
    data = client.get("/api/v1/collections/attachment/").json()

    assert [p["slug"] for p in data["programmes"]] == ["shown"]


def test_review_list_programme_filter_finds_no_unpublished_programme(client, linked):
    shown = client.get("/reviews/", {"programme": "shown"})
    secret = client.get("/reviews/", {"programme": "Zebra Secret"})

    assert [card.review.title for card in shown.context["cards"]] == ["Shown review"]
    assert secret.context["filter"].form.errors["programme"]  # as if it did not exist


@pytest.mark.parametrize(("url", "count"), [("/", "(1 programme)"), ("/collections/", ">1 programme</p>")])
def test_collection_counts_leave_out_unpublished_programmes(client, linked, url, count):
    body = _body(client.get(url))

    assert count in body
    assert "2 programmes" not in body


def test_api_refuses_an_outcome_only_unpublished_programmes_report_without_naming_it(client, linked):
    response = client.get("/api/v1/programmes/", {"outcome": "zebra-only-outcome"})

    assert response.status_code == 400
    assert response.json() == {
        "outcome": ['"zebra-only-outcome" is not a valid choice for outcome: use one of "shown-outcome".']
    }

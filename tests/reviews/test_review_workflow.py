"""The review workflow: only publishers publish, unpublish and archive (reviews/workflow.py), with a
change note; status is never edited in the form; published reviews are archived, not deleted.

The public list and draft detail are covered in test_views.py; here, what the workflow adds."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from catalogue import workflow
from catalogue.models import PublicationStatus
from reviews.models import Review, ReviewPublicationEvent
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def draft_review(**kwargs):
    return ReviewFactory(status=PublicationStatus.DRAFT, published_on=None, **kwargs)


def status_of(review):
    review.refresh_from_db()
    return review.status


def change_url(review):
    return reverse("admin:reviews_review_change", args=[review.pk])


def workflow_url(review, action):
    return reverse("admin:reviews_review_workflow", args=[review.pk, action])


def management(prefix):
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def review_form(review, **overrides):
    """The review change form as posted, for a review with no included studies, analyses or events."""
    data = {
        "title": review.title,
        "slug": review.slug,
        "short_citation": review.short_citation,
        "authors": review.authors,
        "year": str(review.year),
        "kind": review.kind,
        **management("included_studies"),
        **management("analyses"),
        **management("publication_events"),
    }
    data.update(overrides)
    return data


# --------------------------------------------------------------------------- roles
# The services themselves are tested for reviews and programmes alike in tests/catalogue/test_workflow.py.
def test_roles_give_publishers_the_publish_permission_and_nobody_edits_events():
    analyst, publisher = Group.objects.get(name="analyst"), Group.objects.get(name="publisher")

    analyst_perms = set(analyst.permissions.values_list("codename", flat=True))
    publisher_perms = set(publisher.permissions.values_list("codename", flat=True))

    assert "publish_review" in publisher_perms and "publish_review" not in analyst_perms
    assert "view_reviewpublicationevent" in analyst_perms
    assert not {"add_reviewpublicationevent", "change_reviewpublicationevent"} & publisher_perms


# --------------------------------------------------------------------------- admin
def test_review_status_is_not_editable_in_the_change_form(role_analyst_client):
    review = draft_review()

    response = role_analyst_client.post(
        change_url(review), review_form(review, title="New title", status="published", published_on="2024-01-01")
    )

    review.refresh_from_db()
    assert response.status_code == 302
    assert review.title == "New title"
    assert (review.status, review.published_on) == (PublicationStatus.DRAFT, None)


def test_analyst_sees_submit_but_not_publish_button(role_analyst_client):
    review = draft_review()

    content = role_analyst_client.get(change_url(review)).content.decode()

    assert workflow_url(review, "submit") in content
    assert workflow_url(review, "publish") not in content


def test_publisher_sees_unpublish_and_archive_but_no_publish_on_a_published_review(publisher_client):
    review = ReviewFactory()

    content = publisher_client.get(change_url(review)).content.decode()

    assert workflow_url(review, "unpublish") in content
    assert workflow_url(review, "archive") in content
    assert workflow_url(review, "publish") not in content
    assert "saving this form changes its public page at once" in content


def test_analyst_posting_the_publish_button_is_refused(role_analyst_client):
    review = draft_review()

    response = role_analyst_client.post(workflow_url(review, "publish"), {"change_note": "Sneaky."})

    assert response.status_code == 403
    assert status_of(review) == PublicationStatus.DRAFT


def test_analyst_posting_the_publish_list_action_is_refused(role_analyst_client):
    review = draft_review()

    role_analyst_client.post(
        reverse("admin:reviews_review_changelist"),
        {"action": "publish_action", "_selected_action": [review.pk], "apply": "1", "change_note": "Sneaky."},
    )

    assert status_of(review) == PublicationStatus.DRAFT


def test_analyst_submits_review_from_the_change_form(role_analyst_client):
    review = draft_review()

    response = role_analyst_client.post(workflow_url(review, "submit"), follow=True)

    assert status_of(review) == PublicationStatus.IN_REVIEW
    assert "Submit for review: “" in response.content.decode()


def test_publisher_publishes_review_from_the_change_form_button(publisher_client):
    review = draft_review()

    confirm = publisher_client.get(workflow_url(review, "publish"))
    done = publisher_client.post(workflow_url(review, "publish"), {"change_note": "First published."}, follow=True)

    assert b"Change note" in confirm.content
    assert status_of(review) == PublicationStatus.PUBLISHED
    assert "Publish: “" in done.content.decode()
    assert ReviewPublicationEvent.objects.get(review=review).change_note == "First published."


def test_publish_button_without_change_note_shows_the_form_again(publisher_client):
    review = draft_review()

    response = publisher_client.post(workflow_url(review, "publish"), {"change_note": ""})

    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert status_of(review) == PublicationStatus.DRAFT


def test_publisher_publishes_selected_reviews_with_one_change_note(publisher_client):
    first, second = draft_review(), draft_review()
    changelist = reverse("admin:reviews_review_changelist")
    selected = {"action": "publish_action", "_selected_action": [first.pk, second.pk]}

    confirm = publisher_client.post(changelist, selected)
    done = publisher_client.post(changelist, {**selected, "apply": "1", "change_note": "Batch."}, follow=True)

    assert b"Change note" in confirm.content
    assert "Publish: 2 review(s)." in done.content.decode()
    assert Review.objects.published().count() == 2
    assert ReviewPublicationEvent.objects.filter(change_note="Batch.").count() == 2


def test_archive_action_skips_an_archived_review_with_a_message(publisher_client):
    live, archived = ReviewFactory(), ReviewFactory(status=PublicationStatus.ARCHIVED)

    response = publisher_client.post(
        reverse("admin:reviews_review_changelist"),
        {"action": "archive_action", "_selected_action": [live.pk, archived.pk], "apply": "1", "change_note": "Old."},
        follow=True,
    )

    assert status_of(live) == PublicationStatus.ARCHIVED
    assert "cannot be archived" in response.content.decode()
    assert ReviewPublicationEvent.objects.count() == 1


def test_editing_a_published_review_says_it_is_live(publisher_client):
    review = ReviewFactory()

    response = publisher_client.post(change_url(review), review_form(review, title="Corrected title"), follow=True)

    review.refresh_from_db()
    assert review.title == "Corrected title"
    assert review.status == PublicationStatus.PUBLISHED
    assert "this change is live now" in response.content.decode()


def test_review_change_form_shows_its_publication_log(publisher, publisher_client):
    review = draft_review()
    workflow.publish(obj=review, user=publisher, change_note="Checked by Sam.")

    response = publisher_client.get(change_url(review))

    assert "Checked by Sam." in response.content.decode()


# --------------------------------------------------------------------------- delete guard
def test_published_review_cannot_be_deleted_even_by_publisher(publisher_client):
    review = ReviewFactory()

    response = publisher_client.post(reverse("admin:reviews_review_delete", args=[review.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Review.objects.filter(pk=review.pk).exists()


def test_bulk_delete_refuses_published_reviews(publisher_client):
    published, draft = ReviewFactory(), draft_review()

    response = publisher_client.post(
        reverse("admin:reviews_review_changelist"),
        {"action": "delete_selected", "_selected_action": [published.pk, draft.pk], "post": "yes"},
    )

    assert "is published: archive it instead" in response.content.decode()
    assert Review.objects.count() == 2


def test_publisher_deletes_draft_review(publisher_client):
    review = draft_review()

    publisher_client.post(reverse("admin:reviews_review_delete", args=[review.pk]), {"post": "yes"})

    assert not Review.objects.filter(pk=review.pk).exists()


# --------------------------------------------------------------------------- public pages
def test_archived_review_is_neither_listed_nor_shown(client):
    review = ReviewFactory(title="Withdrawn review", status=PublicationStatus.ARCHIVED)

    listing = client.get(reverse("reviews:review-list"))
    detail = client.get(review.get_absolute_url())

    assert b"Withdrawn review" not in listing.content
    assert detail.status_code == 404


def test_review_published_through_the_workflow_is_listed_and_shown(publisher, client):
    review = draft_review(title="Newly published review")

    workflow.publish(obj=review, user=publisher, change_note="First published.")

    assert b"Newly published review" in client.get(reverse("reviews:review-list")).content
    assert client.get(review.get_absolute_url()).status_code == 200


def test_analyst_sees_a_published_review_read_only_and_told_why(role_analyst_client):
    review = ReviewFactory(title="Old title")

    content = role_analyst_client.get(change_url(review)).content.decode()
    response = role_analyst_client.post(change_url(review), review_form(review, title="New title"))

    assert "only a publisher can change it" in content
    assert 'name="title"' not in content
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.title == "Old title"

"""Two publishers at the same moment, on PostgreSQL: no lost revision, no deadlock, no error.

Each step runs in its own thread with its own database connection; both threads read the record
first (what each publisher saw), then are released together. The loser may be refused with a
ValidationError saying the record changed: that is a clean outcome. Anything else is a failure.
"""

import threading
from functools import partial

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from catalogue import workflow
from catalogue.models import PendingRevision, Programme, PublicationEvent, PublicationEventKind, PublicationStatus
from catalogue.roles import grant_role_permissions
from reviews.models import Review, ReviewPublicationEvent
from tests.factories import ProgrammeFactory, ReviewFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 20
STATUS_AFTER = {
    PublicationEventKind.PUBLISHED: PublicationStatus.PUBLISHED,
    PublicationEventKind.UNPUBLISHED: PublicationStatus.DRAFT,
    PublicationEventKind.ARCHIVED: PublicationStatus.ARCHIVED,
}


@pytest.fixture(autouse=True)
def editorial_roles(transactional_db):
    """The analyst and publisher groups. Transactional tests run on a flushed database, where the
    data migration's groups are gone (serialized_rollback would clash with the content types that
    the flush recreates after other transactional tests), so make them again."""
    grant_role_permissions()


def run_together(model, pk, *steps):
    """Run each `step(obj)` in its own thread on its own copy of the record; 'done', 'refused' or the exception."""
    barrier = threading.Barrier(len(steps))
    outcomes = [None] * len(steps)

    def run(index, step):
        try:
            obj = model.objects.get(pk=pk)  # what this publisher saw
            barrier.wait(timeout=10)
            step(obj)
            outcomes[index] = "done"
        except (ValidationError, PermissionDenied):
            outcomes[index] = "refused"
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, step)) for index, step in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a step never finished (deadlock?)"
    assert all(outcome in {"done", "refused"} for outcome in outcomes), outcomes
    assert "done" in outcomes, outcomes
    return outcomes


def post_together(posts):
    """POST each (client, url, data) from its own thread, released together."""
    barrier = threading.Barrier(len(posts))
    responses = [None] * len(posts)

    def post(index, client, url, data):
        try:
            barrier.wait(timeout=10)
            responses[index] = client.post(url, data)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(index, *each)) for index, each in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request never finished (deadlock?)"
    return responses


def confirmed(client, programme, action):
    """What the confirmation page the publisher opened posts back: the status and version it showed."""
    form = client.get(reverse("admin:catalogue_programme_workflow", args=[programme.pk, action])).context["form"]
    return {name: form[name].value() for name in ("seen_status", "seen_version")}


def publish(user):
    return lambda obj: workflow.publish(obj=obj, user=user, change_note="Revision approved.")


def unpublish(user):
    return lambda obj: workflow.unpublish(obj=obj, user=user, change_note="Taken down.")


def archive(user):
    return lambda obj: workflow.archive(obj=obj, user=user, change_note="Provider closed.")


def published_with_revision(publisher, number):
    programme = ProgrammeFactory(summary="Old summary.")
    working_copy = Programme.objects.get(pk=programme.pk)
    working_copy.summary = f"Revised summary {number}."
    workflow.save_revision(obj=working_copy, m2m={}, user=publisher)
    return programme


def assert_no_lost_revision(programme, number):
    row = Programme.objects.get(pk=programme.pk)
    events = PublicationEvent.objects.filter(programme=programme)
    revision_published = events.filter(kind=PublicationEventKind.PUBLISHED).exists()
    if revision_published:
        # The log says the revision was published: the row has its text, and it is gone.
        assert row.summary == f"Revised summary {number}."
        assert not PendingRevision.objects.filter(programme=programme).exists()
    else:
        # Not published: the revision still waits, or went with the archived programme.
        assert row.summary == "Old summary."
        assert PendingRevision.objects.filter(programme=programme).exists() or row.status == "archived"
    if events.exists():
        assert row.status == STATUS_AFTER[events.first().kind]  # the latest decision is the row's state


@pytest.mark.parametrize("other", [archive, unpublish, publish], ids=["vs-archive", "vs-unpublish", "vs-publish"])
def test_publish_races_another_step_without_losing_the_revision(publisher, django_user_model, other):
    from django.contrib.auth.models import Group

    second = django_user_model.objects.create_user(username="second-publisher", is_staff=True)
    second.groups.add(Group.objects.get(name="publisher"))
    for number in range(ROUNDS):
        programme = published_with_revision(publisher, number)

        outcomes = run_together(Programme, programme.pk, publish(publisher), other(second))

        assert_no_lost_revision(programme, number)
        if other is publish:
            assert outcomes.count("done") == 1
            assert PublicationEvent.objects.filter(programme=programme).count() == 1


@pytest.mark.parametrize(
    ("status", "steps"),
    [
        (PublicationStatus.IN_REVIEW, (publish, archive)),
        (PublicationStatus.PUBLISHED, (unpublish, archive)),
        (PublicationStatus.DRAFT, (publish, publish)),
    ],
    ids=["publish-vs-archive", "unpublish-vs-archive", "publish-vs-publish"],
)
def test_two_steps_on_a_review_at_once_leave_one_decision(publisher, status, steps):
    for _ in range(ROUNDS):
        review = ReviewFactory(status=status)

        outcomes = run_together(Review, review.pk, *(step(publisher) for step in steps))

        # Both steps were chosen for the same status, so the second finds it changed and is refused.
        assert outcomes.count("done") == 1
        events = ReviewPublicationEvent.objects.filter(review=review)
        assert events.count() == 1
        assert Review.objects.get(pk=review.pk).status == STATUS_AFTER[events.get().kind]


def test_admin_shows_the_loser_a_message_not_an_error(publisher, django_user_model):
    from django.contrib.auth.models import Group

    second = django_user_model.objects.create_user(username="second-publisher", is_staff=True)
    second.groups.add(Group.objects.get(name="publisher"))
    clients = []
    for user in (publisher, second):
        client = Client()
        client.force_login(user)
        clients.append(client)
    for number in range(5):
        programme = published_with_revision(publisher, number)
        url = partial(reverse, "admin:catalogue_programme_workflow")
        posts = [
            (client, url(args=[programme.pk, action]), {"change_note": note, **confirmed(client, programme, action)})
            for client, action, note in [
                (clients[0], "publish", "Revision approved."),
                (clients[1], "archive", "Provider closed."),
            ]
        ]

        responses = post_together(posts)

        assert [response.status_code for response in responses] == [302, 302]
        assert_no_lost_revision(programme, number)
        shown = [client.get(reverse("admin:catalogue_programme_change", args=[programme.pk])) for client in clients]
        messages = [" ".join(str(m) for m in response.context["messages"]) for response in shown]
        assert any("done" in text for text in messages)
        if PublicationEvent.objects.filter(programme=programme).count() == 1:  # one was refused
            assert any("since you opened" in text for text in messages), messages

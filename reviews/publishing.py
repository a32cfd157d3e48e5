"""The editorial workflow for reviews: draft → in review → published → archived.

The programme workflow (catalogue/publishing.py, docs/adr/0001-publishing.md) without pending
revisions: a review reports facts (its question, trials, pooled results) and carries no rating
of ours to stage, so edits to a published review are live when saved. Analysts submit reviews
for review; only publishers (`reviews.publish_review`) publish, unpublish and archive, each
with a change note recorded as a ReviewPublicationEvent. The services check the permission
themselves, so a direct POST cannot bypass them.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from catalogue.models import PublicationEventKind, PublicationStatus
from catalogue.publishing import require_change_note, save_step

from .models import Review, ReviewPublicationEvent

PUBLISH_PERMISSION = "reviews.publish_review"


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def _require_publisher(user):
    if not can_publish(user):
        raise PermissionDenied("Only a publisher can publish, unpublish or archive a review.")


def _require_editor(user):
    if not user.has_perm("reviews.change_review"):
        raise PermissionDenied("You do not have permission to change reviews.")


def _decide(*, review: Review, user, kind, status, change_note, allowed_from) -> ReviewPublicationEvent:
    """A publisher's step: check who and why, lock the row, move it, and record the decision."""
    _require_publisher(user)
    change_note = require_change_note(change_note)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status not in allowed_from:
        raise ValidationError(f"{review} is {review.get_status_display().lower()}: it cannot be {kind}.")
    review.status = status
    if status == PublicationStatus.PUBLISHED:
        review.published_on = review.published_on or timezone.localdate()
    review.validate_constraints()
    save_step(review, user, change_note)
    return ReviewPublicationEvent.objects.create(review=review, kind=kind, published_by=user, change_note=change_note)


@transaction.atomic
def publish(*, review: Review, user, change_note: str) -> ReviewPublicationEvent:
    """Put a draft, in-review or archived review on the public site; the first time sets `published_on`.

    Raises PermissionDenied unless `user` is a publisher, and ValidationError without a change note
    or when the review is already published (nothing is written then).
    """
    return _decide(
        review=review,
        user=user,
        kind=PublicationEventKind.PUBLISHED,
        status=PublicationStatus.PUBLISHED,
        change_note=change_note,
        allowed_from={PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, PublicationStatus.ARCHIVED},
    )


@transaction.atomic
def unpublish(*, review: Review, user, change_note: str) -> ReviewPublicationEvent:
    """Take a published review off the public site, back to draft. `published_on` keeps the first date."""
    return _decide(
        review=review,
        user=user,
        kind=PublicationEventKind.UNPUBLISHED,
        status=PublicationStatus.DRAFT,
        change_note=change_note,
        allowed_from={PublicationStatus.PUBLISHED},
    )


@transaction.atomic
def archive(*, review: Review, user, change_note: str) -> ReviewPublicationEvent:
    """Archive a review: off the public site for good, but kept with its history (never deleted)."""
    return _decide(
        review=review,
        user=user,
        kind=PublicationEventKind.ARCHIVED,
        status=PublicationStatus.ARCHIVED,
        change_note=change_note,
        allowed_from={PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, PublicationStatus.PUBLISHED},
    )


@transaction.atomic
def submit_for_review(*, review: Review, user):
    """An analyst marks a draft review ready for a publisher to check."""
    _require_editor(user)
    if review.status != PublicationStatus.DRAFT:
        status = review.get_status_display().lower()
        raise ValidationError(f"Only a draft can be submitted for review; {review} is {status}.")
    review.status = PublicationStatus.IN_REVIEW
    save_step(review, user, "Submitted for review")


@transaction.atomic
def return_to_draft(*, review: Review, user):
    """Send a review in review back to its analyst (e.g. a publisher asks for changes)."""
    _require_editor(user)
    if review.status != PublicationStatus.IN_REVIEW:
        raise ValidationError(f"{review} is not in review.")
    review.status = PublicationStatus.DRAFT
    save_step(review, user, "Returned to draft")

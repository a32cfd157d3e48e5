"""Atom feeds of published changes, so commissioners can follow programmes in a feed reader: every
published change, one programme's, or one collection's."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import EVIDENCE_LEVEL_CODES, Collection, Programme, PublicationEvent, PublicationEventKind

# Evidence ratings from lowest to highest, to say "raised" or "lowered".
EVIDENCE_ORDER = [rating for code in EVIDENCE_LEVEL_CODES.values() for rating in (code, f"{code}+")]


def is_first_publication(event: PublicationEvent) -> bool:
    """A programme's first publication: the public had seen no cost rating before (a published
    programme always has one, "NA" at least)."""
    return not event.cost_rating_before


def _rating_change(name: str, before: str, after: str, order: list[str]) -> str:
    if not before:
        return f"{name} set at {after}"
    if not after:
        return f"{name} removed (was {before})"
    if before in order and after in order:
        direction = "raised" if order.index(after) > order.index(before) else "lowered"
        return f"{name} {direction} from {before} to {after}"
    return f"{name} changed from {before} to {after}"


def describe_publication(event: PublicationEvent) -> str:
    """What a publication changed, in plain words, e.g. "Evidence rating raised from 3 to 3+".

    A first publication gives both ratings; an update that changed no rating gives its change note.
    """
    if is_first_publication(event):
        evidence = event.evidence_rating_after or "not yet given"
        return f"First published: evidence rating {evidence}, cost rating {event.cost_rating_after}"
    changes = []
    if event.evidence_rating_changed:
        changes.append(
            _rating_change("evidence rating", event.evidence_rating_before, event.evidence_rating_after, EVIDENCE_ORDER)
        )
    if event.cost_rating_changed:
        # NA (no information) is neither higher nor lower than a cost rating of 1 to 5.
        changes.append(_rating_change("cost rating", event.cost_rating_before, event.cost_rating_after, list("12345")))
    if not changes:
        return f"Updated: {event.change_note}"
    text = "; ".join(changes)
    return text[0].upper() + text[1:]


def rating_difference_note(event: PublicationEvent) -> str:
    """The publisher's note on why the rating differs from the recorded studies, for a publication that set the
    rating the programme still carries (the page shows the same note beside it); "" otherwise."""
    programme = event.programme
    # A withdrawal records the ratings too, but sets none: the note belongs to the publication.
    if event.kind != PublicationEventKind.PUBLISHED or event.evidence_rating_after != programme.evidence_rating:
        return ""
    return programme.rating_difference_explained


def describe_entry(event: PublicationEvent) -> str:
    """The change note, then the rating difference note when there is one: the feed says what the page says."""
    if note := rating_difference_note(event):
        return f"{event.change_note}\n\nWhy this rating differs from what the recorded studies support: {note}"
    return event.change_note


class TextSummaryAtomFeed(Atom1Feed):
    """Atom whose summaries are plain text: a change note is what a person typed, never markup for
    a feed reader to render (Django's Atom feed declares them HTML)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item.get("description"):
            handler.addQuickElement("summary", item["description"], {"type": "text"})


def describe_event(event: PublicationEvent) -> str:
    """What a publisher decision did, for a feed entry's title: a publication as describe_publication
    says it, or the page's withdrawal."""
    if event.kind == PublicationEventKind.UNPUBLISHED:
        return "Taken off the site for now"
    if event.kind == PublicationEventKind.ARCHIVED:
        return "Withdrawn (archived)"
    return describe_publication(event)


class PublicationFeed(Feed):
    """Atom entries for publication events, one per event, newest first (a subclass chooses the events)."""

    feed_type = TextSummaryAtomFeed

    def item_title(self, item):
        return f"{item.programme.name} – {describe_event(item)}"

    def item_description(self, item):
        return describe_entry(item)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        # Atom ids must be absolute IRIs and never change: one URN per publication event, the same in every feed.
        return f"urn:evidence-guidebook:publication-event:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at


class ChangesFeed(PublicationFeed):
    """Each publication of a programme now on the public site, newest first."""

    title = "Evidence Guidebook: published changes"
    subtitle = "Programmes published or updated, with what changed in their ratings and why."

    def link(self):
        return reverse("catalogue:programme-list")

    def items(self):
        return PublicationEvent.objects.public().select_related("programme").order_by("-published_at", "-id")[:50]


class ProgrammeFeed(PublicationFeed):
    """One published programme's publications, rating changes and withdrawals, newest first. A programme
    that is not public (a draft, one in review, an archived one) has no feed: 404, as its page."""

    def get_object(self, request, slug):
        return get_object_or_404(Programme.objects.published(), slug=slug)

    def title(self, obj):
        return f"Evidence Guidebook: {obj.name}"

    def subtitle(self, obj):
        return f"Each time {obj.name} is published, its evidence or cost rating changes, or it is withdrawn."

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return (
            PublicationEvent.objects.public_history()
            .filter(programme=obj)
            .select_related("programme")
            .order_by("-published_at", "-id")[:50]
        )


class CollectionFeed(PublicationFeed):
    """The publications, rating changes and withdrawals of a collection's published programmes, newest first."""

    def get_object(self, request, slug):
        return get_object_or_404(Collection, slug=slug)

    def title(self, obj):
        return f"Evidence Guidebook: {obj.name}"

    def subtitle(self, obj):
        return f"Each time a programme in the collection “{obj.name}” is published, re-rated or withdrawn."

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return (
            PublicationEvent.objects.public_history()
            .filter(programme__collections=obj)
            .select_related("programme")
            .order_by("-published_at", "-id")[:50]
        )

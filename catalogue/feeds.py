"""The Atom feed of published changes, so commissioners can follow programmes in a feed reader."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import PublicationEvent


class ChangesFeed(Feed):
    """Each publication of a programme now on the public site, newest first."""

    feed_type = Atom1Feed
    title = "Evidence Guidebook: published changes"
    subtitle = "Programmes published or updated, with what changed in their ratings and why."

    def link(self):
        return reverse("catalogue:programme-list")

    def items(self):
        return PublicationEvent.objects.public().select_related("programme").order_by("-published_at", "-id")[:50]

    def item_title(self, item):
        name = item.programme.name
        if item.evidence_rating_changed and not item.evidence_rating_before:
            return f"{name} published: evidence rating {item.evidence_rating_after or 'not yet rated'}"
        if item.evidence_rating_changed:
            after = item.evidence_rating_after or "not rated"
            return f"{name}: evidence rating {item.evidence_rating_before} → {after}"
        if item.cost_rating_changed:
            return f"{name}: cost rating {item.cost_rating_before or 'NA'} → {item.cost_rating_after}"
        return f"{name} updated"

    def item_description(self, item):
        return item.change_note

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        # Atom ids must be absolute IRIs and never change: one URN per publication event.
        return f"urn:evidence-guidebook:publication-event:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

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
        rating = item.evidence_rating_after or "not rated"
        if item.evidence_rating_changed and item.evidence_rating_before:
            rating = f"{item.evidence_rating_before} → {rating}"
        return f"{item.programme.name}: evidence rating {rating}"

    def item_description(self, item):
        return item.change_note

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"{item.get_absolute_url()}-event-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

"""A collection: a curated, themed set of programmes with a page of its own."""

from django.db import models
from django.urls import reverse

from .base import NARRATIVE_LENGTH, BoundedTextField, Recorded
from .programme import Programme


class Collection(Recorded):
    """A curated set of programmes around one theme, e.g. "Supporting the attachment relationship"."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The page address after /collections/, made from the name."
    )
    summary = BoundedTextField(
        max_length=NARRATIVE_LENGTH, help_text="What the collection is about and why these programmes belong together."
    )
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the grouping comes from, e.g. an evidence summary or workshop."
    )
    programmes = models.ManyToManyField(Programme, blank=True, related_name="collections")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalogue:collection-detail", kwargs={"slug": self.slug})

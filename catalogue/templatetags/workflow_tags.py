"""Template data for the workflow partials (issue 6)."""

from django import template

register = template.Library()


@register.simple_tag
def rating_changes(programme):
    """The programme's publications that changed a rating, newest first.

    Reads `programme.publication_events.all()`, so a view that prefetches "publication_events"
    (Programme.objects.for_detail()) costs no query here.
    """
    return [event for event in programme.publication_events.all() if event.changes_a_rating]

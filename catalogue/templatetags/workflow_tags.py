"""Template data for the workflow partials: the rating history and what each publication changed."""

from django import template

from catalogue.feeds import describe_event, describe_publication, is_first_publication
from catalogue.models import PublicationEventKind

register = template.Library()


@register.simple_tag
def rating_changes(programme):
    """The programme's first publication and the publications that changed a rating, newest first.

    Reads `programme.publication_events.all()`, so a view that prefetches "publication_events"
    (Programme.objects.for_detail()) costs no query here.
    """
    return [
        event
        for event in programme.publication_events.all()
        if event.kind == PublicationEventKind.PUBLISHED
        and (is_first_publication(event) or event.evidence_rating_changed or event.cost_rating_changed)
    ]


@register.filter
def publication_summary(event):
    """What a publication changed in plain words, as the changes feed says it."""
    return describe_publication(event)


@register.filter
def publication_event_summary(event):
    """What any publisher decision did (a publication, or a withdrawal), as the programme's own feed says it."""
    return describe_event(event)

"""Template filters for the public catalogue pages. Display only: no queries."""

from django import template

from catalogue import display, presenters

register = template.Library()


@register.filter
def signed(value):
    """+33, 0, -5: an improvement index always shows its sign."""
    return presenters.signed(value)


@register.filter
def index_with_range(finding):
    """ "+19, plausible range +4 to +31": see catalogue.presenters.index_with_range."""
    return presenters.index_with_range(finding)


@register.filter
def distinct_outcome_labels(findings):
    return display.distinct_outcome_labels(findings)


@register.filter
def lines(text):
    """Non-empty lines of a text field that analysts fill "one point per line"."""
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


@register.filter
def names(related_manager):
    """ "Infants (under 1), Toddlers (1 to 2)" from a prefetched many-to-many."""
    return presenters.names(related_manager)


@register.filter
def evidence_meaning(level):
    return display.evidence_meaning(level)


@register.filter
def cost_meaning(rating):
    return display.cost_meaning(rating)


@register.filter
def elided_page_range(paginator, number):
    """Page numbers to link: the first and last, two either side of `number`, and Paginator.ELLIPSIS between."""
    return list(paginator.get_elided_page_range(number, on_each_side=2, on_ends=1))

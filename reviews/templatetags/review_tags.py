"""Template helpers for review pages and for the programme page's reviews section.

Everything here reads prefetched relations only, so it adds no query when the view's queryset
prefetched what it names (see each docstring).
"""

from decimal import Decimal

from django import template

from catalogue.models import PublicationStatus
from reviews.recompute import printed

register = template.Library()


@register.filter
def pooling_method(analysis) -> str:
    """ "inverse variance" or "Mantel–Haenszel": lower case after a comma, except the surnames."""
    label = analysis.get_method_display()
    return label if analysis.method == "MH" else label.lower()


@register.filter
def p_value(p) -> str:
    """ "p = 0.0312", or "p < 0.0001" rather than an impossible "p = 0.0000"."""
    if p is None:
        return ""
    return "p < 0.0001" if float(p) < 0.0001 else f"p = {float(p):.4f}"


@register.filter
def judgement_cells(inclusion, domains):
    """An included study's judgements in the order of `domains` (None where not judged)."""
    return inclusion.judgement_cells(domains)


@register.simple_tag
def programme_reviews(programme):
    """Published reviews that include the programme's studies or speak to it directly, newest first.

    Returns (review, [studies of this programme it includes]) pairs. Needs the programme fetched
    with `prefetch_related("studies__review_inclusions__review", "reviews")` to add no queries.
    """
    found = {}
    for study in programme.studies.all():
        for inclusion in study.review_inclusions.all():
            review = inclusion.review
            if review.status == PublicationStatus.PUBLISHED:
                found.setdefault(review.pk, (review, []))[1].append(study)
    for review in programme.reviews.all():
        if review.status == PublicationStatus.PUBLISHED:
            found.setdefault(review.pk, (review, []))
    return sorted(found.values(), key=lambda pair: (-(pair[0].year or 0), pair[0].short_citation))


@register.simple_tag
def study_reviews(study):
    """Published reviews that include `study` (needs `studies__review_inclusions__review` prefetched)."""
    reviews = {
        i.review.pk: i.review for i in study.review_inclusions.all() if i.review.status == PublicationStatus.PUBLISHED
    }
    return sorted(reviews.values(), key=lambda review: (-(review.year or 0), review.short_citation))


@register.filter
def as_printed(value, decimals):
    """A reported Decimal with the precision the review printed it with (see reviews.recompute.printed)."""
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        return str(value)
    return printed(value, int(decimals))

"""Template helpers for review pages and for the programme page's reviews section.

Formatting filters, and tags that call reviews.presenters for partials rendered without a view
(the programme page's reviews section, the admin's grid and recomputation). Everything here reads
prefetched relations only, so it adds no query when the queryset prefetched what it names.
"""

from decimal import Decimal

from django import template

from reviews import presenters
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


@register.simple_tag
def programme_reviews(programme):
    """`{% programme_reviews programme as pairs %}`: see reviews.presenters.programme_reviews."""
    return presenters.programme_reviews(programme)


@register.simple_tag
def study_reviews(study):
    """`{% study_reviews study as citing %}`: see reviews.presenters.study_reviews."""
    return presenters.study_reviews(study)


@register.simple_tag
def risk_of_bias_grid(review):
    """For templates the admin renders with only a review: see reviews.presenters.risk_of_bias_grid."""
    return presenters.risk_of_bias_grid(review)


@register.simple_tag
def analysis_view(analysis):
    """For templates the admin renders with only an analysis: see reviews.presenters.analysis_view."""
    return presenters.analysis_view(analysis)


@register.filter
def as_printed(value, decimals):
    """A reported Decimal with the precision the review printed it with (see reviews.recompute.printed)."""
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        return str(value)
    return printed(value, int(decimals))

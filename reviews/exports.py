"""The review list as CSV: one row per published review, the columns a commissioner needs."""

from django.http import StreamingHttpResponse
from django.utils import timezone

from catalogue.exports import csv_response, csv_stream, safe_cell

COLUMNS = [
    "Citation",
    "Title",
    "Year",
    "Kind",
    "Source",
    "Link",
    "Programmes covered",
    "Collections",
    "First published",
]


def review_row(card) -> list[str]:
    review = card.review
    row = [
        review.short_citation,
        review.title,
        review.year,
        review.get_kind_display(),
        review.source,
        review.link,
        "; ".join(programme.name for programme in card.programmes),
        "; ".join(collection.name for collection in review.collections.all()),
        review.published_on.isoformat() if review.published_on else "",
    ]
    return [safe_cell(cell) for cell in row]


def reviews_csv_response(cards) -> StreamingHttpResponse:
    """A streamed CSV download of review cards (presenters.review_cards over a for_listing() queryset)."""
    filename = f"evidence-guidebook-reviews-{timezone.localdate().isoformat()}.csv"
    return csv_response(csv_stream(COLUMNS, (review_row(card) for card in cards)), filename)

"""The review list as CSV: one row per published review, the columns a commissioner needs."""

import csv

from django.http import HttpResponse
from django.utils import timezone

from catalogue.exports import safe_cell

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


def reviews_csv_response(cards) -> HttpResponse:
    """A CSV download of review cards (presenters.review_cards over a for_listing() queryset)."""
    filename = f"evidence-guidebook-reviews-{timezone.localdate().isoformat()}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    response.write("\ufeff")  # so Excel reads the text as UTF-8
    writer = csv.writer(response)
    writer.writerow(COLUMNS)
    for card in cards:
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
        writer.writerow([safe_cell(cell) for cell in row])
    return response

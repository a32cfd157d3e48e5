"""Public review pages. Each view: an optimised queryset, a presenter, then render."""

from django.shortcuts import get_object_or_404, render

from catalogue.views import uncached_if

from . import exports, presenters
from .filters import ReviewFilter
from .models import Review


def review_list(request):
    filterset = ReviewFilter(request.GET or None, queryset=Review.objects.published().for_listing())
    context = {"filter": filterset, "cards": presenters.review_cards(filterset.qs), "problems": filterset.problems}
    return uncached_if(filterset.problems, render(request, "reviews/review_list.html", context))


def review_export(request):
    """The review list, with the same filters, as CSV: one row per published review."""
    filterset = ReviewFilter(request.GET or None, queryset=Review.objects.published().for_listing())
    return exports.reviews_csv_response(presenters.review_cards(filterset.qs))


def review_detail(request, slug):
    review = get_object_or_404(Review.objects.published().for_detail(), slug=slug)
    return render(request, "reviews/review_detail.html", {"review": review, "page": presenters.review_page(review)})

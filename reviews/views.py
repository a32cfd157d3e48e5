"""Public review pages. Each view: an optimised queryset, a presenter, then render."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from catalogue.views import page_problems, uncached_if

from . import exports, presenters
from .filters import ReviewFilter
from .models import Review

PAGE_SIZE = 20


def review_list(request):
    filterset = ReviewFilter(request.GET or None, queryset=Review.objects.published().for_listing())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    problems = [*filterset.problems, *page_problems(request.GET.get("page"), page)]
    context = {"filter": filterset, "page": page, "cards": presenters.review_cards(page), "problems": problems}
    return uncached_if(problems, render(request, "reviews/review_list.html", context))


def review_export(request):
    """The review list, with the same filters, as CSV: one row per published review."""
    filterset = ReviewFilter(request.GET or None, queryset=Review.objects.published().for_listing())
    return exports.reviews_csv_response(presenters.review_cards(filterset.qs))


def review_detail(request, slug):
    review = get_object_or_404(Review.objects.published().for_detail(), slug=slug)
    return render(request, "reviews/review_detail.html", {"review": review, "page": presenters.review_page(review)})

"""Public review pages. Each view: an optimised queryset, then render."""

from django.shortcuts import get_object_or_404, render

from .filters import ReviewFilter
from .models import Review


def review_list(request):
    filterset = ReviewFilter(request.GET or None, queryset=Review.objects.published().for_listing())
    return render(request, "reviews/review_list.html", {"filter": filterset, "reviews": filterset.qs})


def review_detail(request, slug):
    review = get_object_or_404(Review.objects.published().for_detail(), slug=slug)
    return render(request, "reviews/review_detail.html", {"review": review})

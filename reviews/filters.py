"""The review list's search and filters: free text, kind, year, collection and programme."""

import django_filters
from django.db.models import Q

from catalogue.filters import Problem
from catalogue.models import Collection, Programme

from .models import Review, ReviewKind


def programmes_reviewed():
    """Published programmes that some published review reaches, directly or through an included
    study: the only ones worth offering in the "Programme" filter. Name and slug only (the option)."""
    reviews = Review.objects.published()
    reached = Q(pk__in=reviews.values("programmes")) | Q(pk__in=reviews.values("included_studies__study__programme"))
    return Programme.objects.published().filter(reached).only("name", "slug")


class ReviewFilter(django_filters.FilterSet):
    """Search and filter published reviews from the query string. A value that cannot be used is left out
    (the other filters still apply) and named in `problems`, for the page's error summary."""

    q = django_filters.CharFilter(label="Search reviews", method="filter_search")
    kind = django_filters.ChoiceFilter(label="Kind of review", choices=ReviewKind.choices, empty_label="Any kind")
    year_from = django_filters.NumberFilter(label="Published from (year)", field_name="year", lookup_expr="gte")
    year_to = django_filters.NumberFilter(label="Published up to (year)", field_name="year", lookup_expr="lte")
    collection = django_filters.ModelChoiceFilter(
        label="Topic",
        queryset=Collection.objects.all(),
        to_field_name="slug",
        field_name="collections",
        empty_label="Any topic",
    )
    programme = django_filters.ModelChoiceFilter(
        label="Programme",
        queryset=programmes_reviewed(),
        to_field_name="slug",
        method="filter_programme",
        empty_label="Any programme",
    )

    class Meta:
        model = Review
        fields = ["q", "kind", "year_from", "year_to", "collection", "programme"]

    @property
    def problems(self) -> list[Problem]:
        if not self.is_bound:
            return []
        return [
            Problem(f"{self.form[name].label}: {error}", self.form[name].id_for_label, param=name)
            for name, errors in self.form.errors.items()
            for error in errors
        ]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_programme(self, queryset, name, programme):
        # A review speaks to a programme directly, or by including one of its studies.
        return queryset.filter(Q(programmes=programme) | Q(included_studies__study__programme=programme)).distinct()

"""The review list's search and filters: free text, kind, year, collection (topic) and programme (by name)."""

import django_filters
from django import forms
from django.db.models import Q

from catalogue.filters import Problem
from catalogue.models import Collection, Programme

from .models import Review, ReviewKind


def collections_reviewed():
    """Collections some published review belongs to: the only topics worth offering (a few dozen, where
    the catalogue may hold hundreds of collections)."""
    return Collection.objects.filter(pk__in=Review.objects.published().values("collections"))


class ProgrammeNameField(forms.CharField):
    """A programme's slug or words of its name, read as the published programmes it names (a queryset).

    A text box rather than a menu: a menu of every reviewed programme ran to thousands of options at
    10,000 programmes. Naming no published programme is an error, which the page shows and the API
    answers with a 400."""

    def clean(self, value):
        text = " ".join(super().clean(value).split())
        if not text:
            return None
        programmes = Programme.objects.published()
        if programmes.filter(slug=text).exists():
            return programmes.filter(slug=text)
        named = programmes.filter(name__icontains=text)
        if not named.exists():
            raise forms.ValidationError(f"No published programme is called “{text[:60]}”: check the spelling.")
        return named


class ProgrammeNameFilter(django_filters.Filter):
    field_class = ProgrammeNameField


class ReviewFilter(django_filters.FilterSet):
    """Search and filter published reviews from the query string. A value that cannot be used is left out
    (the other filters still apply) and named in `problems`, for the page's error summary."""

    q = django_filters.CharFilter(label="Search reviews", method="filter_search")
    kind = django_filters.ChoiceFilter(label="Kind of review", choices=ReviewKind.choices, empty_label="Any kind")
    year_from = django_filters.NumberFilter(label="Published from (year)", field_name="year", lookup_expr="gte")
    year_to = django_filters.NumberFilter(label="Published up to (year)", field_name="year", lookup_expr="lte")
    collection = django_filters.ModelChoiceFilter(
        label="Topic",
        queryset=collections_reviewed(),
        to_field_name="slug",
        field_name="collections",
        empty_label="Any topic",
    )
    programme = ProgrammeNameFilter(
        label="Programme",
        method="filter_programme",
        help_text="A published programme's slug, or words of its name: reviews about it or including its studies.",
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

    def filter_programme(self, queryset, name, programmes):
        # A review speaks to a programme directly, or by including one of its studies. Two subqueries
        # rather than joins, so a review matching several programmes is still one row (no DISTINCT).
        ids = programmes.values("pk")
        return queryset.filter(
            Q(pk__in=Review.objects.filter(programmes__in=ids).values("pk"))
            | Q(pk__in=Review.objects.filter(included_studies__study__programme__in=ids).values("pk"))
        )

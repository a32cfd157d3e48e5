"""The read-only JSON API for researchers and other services, mounted at /api/ (namespace "api").

Only published programmes are ever visible: every queryset starts from
`Programme.objects.published()`, including the programmes listed inside a collection.
Each viewset's queryset fetches everything its serializer reads, so a page of 50
programmes costs the same few queries as a page of one. docs/api.md describes the endpoints.
"""

import django_filters
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Count, Prefetch, Q
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import pagination, routers, viewsets
from rest_framework.exceptions import ValidationError

from . import serializers
from .models import (
    EVIDENCE_LEVEL_CODES,
    AgeGroup,
    Collection,
    CostRating,
    Finding,
    LevelOfNeed,
    Outcome,
    OutcomeDomain,
    Programme,
    PublicationStatus,
    Study,
)

# --------------------------------------------------------------------------- querysets


def programmes_for_list():
    """Published programmes with the lookups the list serializer shows."""
    return Programme.objects.published().prefetch_related("age_groups", "levels_of_need", "delivery_models")


def programmes_for_detail():
    """Published programmes with everything a detail response nests: studies down to findings."""
    studies = Study.objects.prefetch_related(
        "countries",
        "publications",
        Prefetch("findings", queryset=Finding.objects.select_related("outcome")),
    )
    return programmes_for_list().prefetch_related(
        "settings",
        "other_settings",
        "countries",
        "theory_of_change",
        "collections",
        Prefetch("studies", queryset=studies),
    )


def collections_with_published_programmes():
    """Collections, each with only its published programmes (as `published_programmes`)."""
    published = Programme.objects.published().order_by("name")
    return Collection.objects.prefetch_related(
        Prefetch("programmes", queryset=published, to_attr="published_programmes")
    )


def outcomes_with_programme_counts():
    """Outcomes with how many published programmes have a finding on each."""
    return Outcome.objects.order_by("domain", "name").annotate(
        programme_count=Count(
            "findings__study__programme",
            filter=Q(findings__study__programme__status=PublicationStatus.PUBLISHED),
            distinct=True,
        )
    )


# --------------------------------------------------------------------------- filters

# Ratings as printed on the site. "3" means level 3 with or without a "+"; "3+" only the plus.
EVIDENCE_CODES = {code: level for level, code in EVIDENCE_LEVEL_CODES.items()}
EVIDENCE_CHOICES = [(code, code) for code in ["4+", "4", "3+", "3", "2+", "2", "NL2", "NE"]]
COST_CHOICES = [(str(value), str(value)) for value in CostRating.values if value is not None] + [("NA", "NA")]


def _evidence_at_least(code: str) -> Q:
    level = EVIDENCE_CODES[code.removesuffix("+")]
    if code.endswith("+"):
        return Q(evidence_level__gt=level) | Q(evidence_level=level, evidence_plus=True)
    return Q(evidence_level__gte=level)


def _evidence_exactly(code: str) -> Q:
    level = EVIDENCE_CODES[code.removesuffix("+")]
    if code.endswith("+"):
        return Q(evidence_level=level, evidence_plus=True)
    return Q(evidence_level=level)


class ProgrammeFilter(django_filters.FilterSet):
    """Query-string filters for /api/programmes/. Unknown values are a 400 naming the parameter."""

    min_evidence = django_filters.ChoiceFilter(
        choices=EVIDENCE_CHOICES,
        method="filter_min_evidence",
        label='At least this evidence rating: "4+", "4", "3+", "3", "2+", "2", "NL2" or "NE".',
    )
    evidence_level = django_filters.MultipleChoiceFilter(
        choices=EVIDENCE_CHOICES,
        method="filter_evidence_level",
        label='Exactly this rating; "3" includes "3+". Repeat for several.',
    )
    cost_rating = django_filters.MultipleChoiceFilter(
        choices=COST_CHOICES, method="filter_cost_rating", label='"1" to "5" or "NA". Repeat for several.'
    )
    age_group = django_filters.ModelMultipleChoiceFilter(
        field_name="age_groups__slug", to_field_name="slug", queryset=AgeGroup.objects.all(), label="Age group slug."
    )
    level_of_need = django_filters.ModelMultipleChoiceFilter(
        field_name="levels_of_need__slug",
        to_field_name="slug",
        queryset=LevelOfNeed.objects.all(),
        label="Level of need slug.",
    )
    outcome_domain = django_filters.MultipleChoiceFilter(
        field_name="studies__findings__outcome__domain",
        choices=OutcomeDomain.choices,
        distinct=True,
        label="Has a finding in this outcome domain.",
    )
    outcome = django_filters.ModelMultipleChoiceFilter(
        field_name="studies__findings__outcome__slug",
        to_field_name="slug",
        queryset=Outcome.objects.all(),
        label="Has a finding on this outcome (slug).",
    )

    class Meta:
        model = Programme
        fields = []

    def filter_min_evidence(self, queryset, name, value):
        return queryset.filter(_evidence_at_least(value))

    def filter_evidence_level(self, queryset, name, values):
        if not values:
            return queryset
        return queryset.filter(_any(_evidence_exactly(code) for code in values))

    def filter_cost_rating(self, queryset, name, values):
        if not values:
            return queryset
        return queryset.filter(
            _any(Q(cost_rating__isnull=True) if value == "NA" else Q(cost_rating=int(value)) for value in values)
        )


def _any(conditions) -> Q:
    combined = Q(pk__in=[])
    for condition in conditions:
        combined |= condition
    return combined


# --------------------------------------------------------------------------- pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """Pages of 50 (page_size up to 100). A bad page number is a 400 that says what is allowed."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        # DRF's own version answers a bad page with a 404 "Invalid page.", which reads like a
        # missing endpoint; this one says what went wrong and what would work.
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except PageNotAnInteger:
            raise ValidationError(
                {"page": [f'"{page_number}" is not a page number: use a whole number from 1, or "last".']}
            ) from None
        except EmptyPage:
            raise ValidationError(
                {"page": [f"There is no page {page_number}: the results fill {paginator.num_pages} page(s)."]}
            ) from None
        return list(self.page)


# --------------------------------------------------------------------------- viewsets


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Published programmes: a list with filters, and each programme in full by its slug."""

    lookup_field = "slug"
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProgrammeFilter
    pagination_class = PageNumberPagination

    def get_queryset(self):
        return programmes_for_detail() if self.action == "retrieve" else programmes_for_list()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.ProgrammeDetailSerializer
        return serializers.ProgrammeListSerializer


class OutcomeViewSet(viewsets.ReadOnlyModelViewSet):
    """Every outcome, with its domain and how many published programmes report it."""

    lookup_field = "slug"
    queryset = outcomes_with_programme_counts()
    serializer_class = serializers.OutcomeSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["domain"]
    pagination_class = PageNumberPagination


class CollectionViewSet(viewsets.ReadOnlyModelViewSet):
    """Curated collections, each listing only its published programmes."""

    lookup_field = "slug"
    queryset = collections_with_published_programmes()
    serializer_class = serializers.CollectionSerializer
    pagination_class = PageNumberPagination


router = routers.DefaultRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("outcomes", OutcomeViewSet, basename="outcome")
router.register("collections", CollectionViewSet, basename="collection")

app_name = "api"
urlpatterns = router.urls

"""The read-only JSON API for researchers and other services, mounted at /api/ (namespace "api").

Only published programmes are ever visible: every queryset starts from
`Programme.objects.published()`, including the programmes listed inside a collection.
Each viewset's queryset fetches everything its serializer reads, so a page of 50
programmes costs the same few queries as a page of one. The programme list filters with the
programme list page's own FilterSet (catalogue/filters.py), so a query string means the same in
both. docs/api.md describes the endpoints.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Count, Prefetch, Q
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import pagination, routers, viewsets
from rest_framework.exceptions import ValidationError

from . import serializers
from .filters import SORTS, ProgrammeFilterSet
from .models import Collection, Finding, Outcome, Programme, PublicationStatus, Study
from .search import MAX_QUERY_LENGTH

# --------------------------------------------------------------------------- querysets


def programmes_for_list():
    """Published programmes with the lookups and source classifications the list serializer shows."""
    return Programme.objects.published().for_listing().prefetch_related("delivery_models")


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
    """Outcomes the public may see (Outcome.objects.public()), each with how many published programmes report
    it. The count means what the programme list's outcome filter means: a headline finding on it."""
    return (
        Outcome.objects.public()
        .order_by("domain", "name")
        .annotate(
            programme_count=Count(
                "findings__study__programme",
                filter=Q(
                    findings__is_headline=True,
                    findings__study__programme__status=PublicationStatus.PUBLISHED,
                ),
                distinct=True,
            )
        )
    )


# --------------------------------------------------------------------------- filters


class PageFilterBackend(DjangoFilterBackend):
    """Filters a list with the FilterSet of its public page, so `?min_evidence=3` means the same in both.

    The page drops a value it cannot use and says so in its error summary; the API refuses it instead:
    a 400 whose body names each parameter and why. Only lists are filtered (a detail is fetched by slug).
    """

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", "list") != "list":
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset.problems:
            errors = {}
            for problem in filterset.problems:
                errors.setdefault(problem.param, []).append(_api_message(problem, filterset))
            raise ValidationError(errors)
        return filterset.qs


def _api_message(problem, filterset) -> str:
    """The page's problem, reworded for a 400: nothing was ignored, so say what would work."""
    if problem.param == "q":
        return f"Search text is at most {MAX_QUERY_LENGTH} characters."
    if problem.param == "sort":
        options = list(SORTS)
    else:
        options = [value for value, _label in filterset.choices_for(problem.param)]
    if not options:
        return f'"{problem.value}" is not a valid choice for {problem.param}: it has no options yet.'
    shown = ", ".join(f'"{option}"' for option in options[:12])
    more = f" (and {len(options) - 12} more, as on the programme list page)" if len(options) > 12 else ""
    return f'"{problem.value}" is not a valid choice for {problem.param}: use one of {shown}{more}.'


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
    filter_backends = [PageFilterBackend]
    filterset_class = ProgrammeFilterSet
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

"""The catalogue's API endpoints (published records only), registered under /api/v1/ by config/api_urls.py."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view

from .. import serializers
from ..filters import ProgrammeFilterSet
from ..models import Finding, FindingTiming, OutcomeDomain, Study
from . import querysets
from .base import ListViewSet, PageFilterBackend, ReadOnlyViewSet
from .schema import PROGRAMME_FILTER_PARAMETERS
from .serializers import ChangeSerializer, FindingRecordSerializer, ProgrammeFullSerializer, StudyRecordSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Published programmes",
        description="Filtered, searched and sorted exactly as the programme list page, with the same parameters.",
        parameters=PROGRAMME_FILTER_PARAMETERS,
    ),
    retrieve=extend_schema(summary="A published programme in full"),
)
class ProgrammeViewSet(ReadOnlyViewSet):
    """Published programmes: a list with the page's filters, and each programme in full by its slug."""

    lookup_field = "slug"
    filter_backends = [PageFilterBackend]
    filterset_class = ProgrammeFilterSet

    def get_queryset(self):
        if self.action == "retrieve":
            return querysets.programmes_for_detail()
        return querysets.programmes_for_list()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ProgrammeFullSerializer
        return serializers.ProgrammeListSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Published programmes in full",
        description="The programme list with each programme in full (studies, publications, findings with effect "
        "sizes, assessment, rating history): the whole catalogue in one paginated walk. Same filters as "
        "/api/v1/programmes/.",
        parameters=PROGRAMME_FILTER_PARAMETERS,
    ),
)
class ProgrammeInFullViewSet(ListViewSet):
    """Published programmes, each in full, with the list page's filters."""

    filter_backends = [PageFilterBackend]
    filterset_class = ProgrammeFilterSet
    serializer_class = ProgrammeFullSerializer

    def get_queryset(self):
        return querysets.programmes_for_detail()


class StudyFilterSet(django_filters.FilterSet):
    programme = django_filters.CharFilter(
        field_name="programme__slug", help_text="Only this programme's studies (its slug)."
    )
    design = django_filters.MultipleChoiceFilter(choices=Study._meta.get_field("design").choices)

    class Meta:
        model = Study
        fields = ["programme", "design"]


@extend_schema_view(
    list=extend_schema(summary="Studies of published programmes"),
    retrieve=extend_schema(summary="One study, by its programme's slug and its number"),
)
class StudyViewSet(ReadOnlyViewSet):
    """Studies of published programmes, each with its publications and findings."""

    lookup_field = "key"
    lookup_value_regex = r"[-a-zA-Z0-9_]+/[0-9]+"
    queryset = querysets.published_studies()
    serializer_class = StudyRecordSerializer
    filter_backends = [PageFilterBackend]
    filterset_class = StudyFilterSet

    def get_object(self):
        slug, _, number = self.kwargs["key"].rpartition("/")
        return get_object_or_404(self.get_queryset(), programme__slug=slug, number=int(number))


class FindingFilterSet(django_filters.FilterSet):
    programme = django_filters.CharFilter(
        field_name="study__programme__slug", help_text="Only this programme's findings (its slug)."
    )
    outcome = django_filters.CharFilter(field_name="outcome__slug", help_text="Only findings on this outcome (slug).")
    domain = django_filters.MultipleChoiceFilter(
        field_name="outcome__domain", choices=OutcomeDomain.choices, help_text="Only findings in this outcome domain."
    )
    timing = django_filters.ChoiceFilter(choices=FindingTiming.choices)
    is_headline = django_filters.TypedChoiceFilter(
        choices=[("true", "Headline findings only"), ("false", "Other findings only")],
        coerce=lambda value: value == "true",
        help_text="Only headline findings (the programme page's outcomes), or only the others.",
    )

    class Meta:
        model = Finding
        fields = ["programme", "outcome", "domain", "timing", "is_headline"]


@extend_schema_view(list=extend_schema(summary="Findings of published programmes' studies"))
class FindingViewSet(ListViewSet):
    """Every finding of every study of a published programme, with effect sizes and confidence intervals."""

    queryset = querysets.published_findings()
    serializer_class = FindingRecordSerializer
    filter_backends = [PageFilterBackend]
    filterset_class = FindingFilterSet


class OutcomeFilterSet(django_filters.FilterSet):
    domain = django_filters.ChoiceFilter(choices=OutcomeDomain.choices)

    class Meta:
        model = querysets.Outcome
        fields = ["domain"]


@extend_schema_view(list=extend_schema(summary="Outcomes"), retrieve=extend_schema(summary="One outcome"))
class OutcomeViewSet(ReadOnlyViewSet):
    """Every outcome, with its domain and how many published programmes report it."""

    lookup_field = "slug"
    queryset = querysets.outcomes_with_programme_counts()
    serializer_class = serializers.OutcomeSerializer
    filter_backends = [PageFilterBackend]
    filterset_class = OutcomeFilterSet


@extend_schema_view(list=extend_schema(summary="Collections"), retrieve=extend_schema(summary="One collection"))
class CollectionViewSet(ReadOnlyViewSet):
    """Curated collections, each listing only its published programmes."""

    lookup_field = "slug"
    queryset = querysets.collections_with_published_programmes()
    serializer_class = serializers.CollectionSerializer


@extend_schema_view(list=extend_schema(summary="Published changes, newest first"))
class ChangeViewSet(ListViewSet):
    """Each publication of a programme now on the public site, newest first: the Atom feed as JSON."""

    queryset = querysets.published_changes()
    serializer_class = ChangeSerializer

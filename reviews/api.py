"""Published reviews in the JSON API (/api/v1/reviews/, registered by config/api_urls.py): each with its
included studies and their risk of bias, and every analysis as reported and as we recompute it from
its per-study rows. Only published reviews appear; a catalogue study is named only when its programme
is published.
"""

import math

from django.db.models import F, Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from catalogue.api.base import PageFilterBackend, ReadOnlyViewSet
from catalogue.api.serializers import ProgrammeRefSerializer, study_key
from catalogue.models import Programme
from catalogue.serializers import ApiModelSerializer, CollectionSummarySerializer, PageUrlField

from .filters import ReviewFilter
from .models import Analysis, AnalysisRow, IncludedStudy, Review, RiskOfBias


def _number(value):
    """A float for JSON, or null where the maths gives none (JSON has no NaN or infinity)."""
    return float(value) if value is not None and math.isfinite(value) else None


def _public_study_key(study):
    return study_key(study) if study is not None and study.programme.is_public else None


class StudyKeyField(serializers.Field):
    """The catalogue study a row is, as programme slug "/" number; null when none or not published."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("help_text", 'The catalogue study (programme slug "/" number), or null.')
        super().__init__(**kwargs)

    def to_representation(self, value):
        return _public_study_key(value)


extend_schema_field({"type": "string", "nullable": True})(StudyKeyField)


class RiskOfBiasSerializer(ApiModelSerializer):
    class Meta:
        model = RiskOfBias
        fields = ["domain", "judgement", "note"]


class IncludedStudySerializer(ApiModelSerializer):
    label = serializers.CharField(source="display_label", help_text="How the review names the study.")
    study = StudyKeyField()
    risk_of_bias = RiskOfBiasSerializer(many=True)

    class Meta:
        model = IncludedStudy
        fields = ["label", "study", "comparison", "participants", "notes", "risk_of_bias"]


class AnalysisRowSerializer(ApiModelSerializer):
    study = StudyKeyField()

    class Meta:
        model = AnalysisRow
        fields = ["label", "study", "events_t", "mean_t", "sd_t", "n_t", "events_c", "mean_c", "sd_c", "n_c"]


class RecomputedSerializer(serializers.Serializer):
    """The pooled result recomputed from the per-study rows (stats/pooling.py), compared with the reported one."""

    available = serializers.BooleanField(help_text="Whether the rows allowed a recomputation.")
    error = serializers.CharField(help_text="Why not, when not available.")
    estimate = serializers.FloatField(allow_null=True, help_text="Pooled effect (ratio scale for RR and OR).")
    ci_low = serializers.FloatField(allow_null=True, help_text="95% confidence interval, lower limit.")
    ci_high = serializers.FloatField(allow_null=True, help_text="95% confidence interval, upper limit.")
    p = serializers.FloatField(allow_null=True, help_text="Two-sided p-value of the pooled effect.")
    i2 = serializers.FloatField(allow_null=True, help_text="I², heterogeneity in percent.")
    tau2 = serializers.FloatField(allow_null=True, help_text="τ², between-study variance (analysis scale).")
    q = serializers.FloatField(allow_null=True, help_text="Cochran's Q.")
    df = serializers.IntegerField(allow_null=True, help_text="Degrees of freedom of Q.")
    k = serializers.IntegerField(allow_null=True, help_text="Studies pooled.")
    agrees = serializers.BooleanField(
        help_text="Compared with the reported result, no number differs beyond its precision."
    )
    discrepancies = serializers.ListField(child=serializers.CharField(), help_text="Numbers that differ, by name.")

    def to_representation(self, recomputation):
        pooled = recomputation.pooled
        numbers = {
            name: _number(getattr(pooled, name, None)) if pooled else None
            for name in ("estimate", "ci_low", "ci_high", "p", "i2", "tau2", "q")
        }
        return {
            "available": recomputation.available,
            "error": recomputation.error,
            **numbers,
            "df": pooled.df if pooled else None,
            "k": pooled.k if pooled else None,
            "agrees": recomputation.agrees,
            "discrepancies": [d.name for d in recomputation.discrepancies],
        }


class AnalysisSerializer(ApiModelSerializer):
    recomputed = RecomputedSerializer(source="recomputation")
    rows = AnalysisRowSerializer(many=True, help_text="The per-study rows, as in the review's forest plot.")

    class Meta:
        model = Analysis
        fields = [
            "number",
            "outcome",
            "comparison",
            "time_point",
            "effect_measure",
            "model",
            "method",
            "favourable",
            "studies_count",
            "participants",
            "reported_estimate",
            "reported_ci_low",
            "reported_ci_high",
            "reported_decimals",
            "reported_p",
            "reported_i2",
            "reported_tau2",
            "reported_chi2",
            "reported_df",
            "reported_heterogeneity_p",
            "source_location",
            "notes",
            "recomputed",
            "rows",
        ]


class ReviewSummarySerializer(ApiModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:review-detail", lookup_field="slug")
    page_url = PageUrlField()
    link = serializers.CharField(help_text="https://doi.org/<doi> when there is a DOI, otherwise the stored link.")
    programmes = ProgrammeRefSerializer(many=True, help_text="Published programmes the review covers.")
    collections = CollectionSummarySerializer(many=True)

    class Meta:
        model = Review
        fields = [
            "title",
            "slug",
            "url",
            "page_url",
            "short_citation",
            "authors",
            "year",
            "kind",
            "source",
            "doi",
            "link",
            "is_demonstration",
            "published_on",
            "programmes",
            "collections",
        ]


class ReviewSerializer(ReviewSummarySerializer):
    included_studies = IncludedStudySerializer(many=True)
    analyses = AnalysisSerializer(many=True)

    class Meta(ReviewSummarySerializer.Meta):
        fields = [
            *ReviewSummarySerializer.Meta.fields,
            "question",
            "search_date",
            "records_screened",
            "studies_included",
            "participants",
            "search_note",
            "summary",
            "key_messages",
            "conclusions",
            "included_studies",
            "analyses",
        ]


def reviews_in_full(reviews):
    """What the review page fetches (for_detail), but each analysis row with its catalogue study and
    programme, which the API names by key: a fixed number of queries however many analyses."""
    rows = AnalysisRow.objects.select_related("study__programme")
    analyses = Analysis.objects.prefetch_related(Prefetch("rows", queryset=rows))
    published = Programme.objects.published().only("name", "slug")
    return reviews.prefetch_related(
        Prefetch(
            "included_studies",
            queryset=IncludedStudy.objects.select_related("study__programme").prefetch_related("risk_of_bias"),
        ),
        Prefetch("analyses", queryset=analyses),
        Prefetch("programmes", queryset=published),
        "collections",
    )


@extend_schema_view(
    list=extend_schema(
        summary="Published reviews",
        description="Filtered as the review list page, with the same parameters.",
        parameters=[
            OpenApiParameter(
                "programme",
                OpenApiTypes.STR,
                description=(
                    "A published programme's slug, or words of its name: reviews about it, or including one of "
                    "its studies. Naming no published programme is a 400."
                ),
            ),
            OpenApiParameter("collection", OpenApiTypes.STR, description="A collection's slug (the page's topic)."),
            OpenApiParameter("q", OpenApiTypes.STR, description="Words in the title, citation, question or summary."),
        ],
    ),
    retrieve=extend_schema(summary="One review"),
)
class ReviewViewSet(ReadOnlyViewSet):
    """Published reviews, with the review list page's filters; each in full with included studies, risk of
    bias and analyses."""

    lookup_field = "slug"
    filter_backends = [PageFilterBackend]
    filterset_class = ReviewFilter

    def get_queryset(self):
        reviews = Review.objects.published().order_by(F("year").desc(nulls_last=True), "short_citation", "pk")
        if self.action == "retrieve":
            return reviews_in_full(reviews)
        published = Programme.objects.published().only("name", "slug")
        return reviews.prefetch_related(Prefetch("programmes", queryset=published), "collections")

    def get_serializer_class(self):
        return ReviewSerializer if self.action == "retrieve" else ReviewSummarySerializer

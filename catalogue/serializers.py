"""JSON shapes for the read-only API (catalogue/api.py).

Every serializer only reads what its viewset's queryset has already fetched: the nesting
here must match the select_related/prefetch_related there, or a list costs a query per row.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import (
    ClearinghouseRating,
    Collection,
    EvidenceLevel,
    Finding,
    Outcome,
    Programme,
    Publication,
    SourceClassification,
    Study,
    StudyRating,
)


class ApiModelSerializer(serializers.ModelSerializer):
    """Decimals go out as JSON numbers, not strings: researchers load them straight into analysis tools.
    A field without help text is described in the OpenAPI schema by its verbose name ("95% CI lower")."""

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if issubclass(field_class, serializers.DecimalField):
            field_kwargs["coerce_to_string"] = False
        if not field_kwargs.get("help_text"):
            name = str(model_field.verbose_name)
            field_kwargs["help_text"] = name[:1].upper() + name[1:] + "."
        return field_class, field_kwargs


class LookupSerializer(serializers.Serializer):
    """Any lookup row (age group, level of need, setting...): its public name and filter slug."""

    name = serializers.CharField()
    slug = serializers.CharField()


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The absolute address of the object's public HTML page: the thing to cite."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        url = value.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request and url else url


class OutcomeSerializer(ApiModelSerializer):
    domain_label = serializers.CharField(source="get_domain_display")
    programme_count = serializers.IntegerField(
        read_only=True, help_text="Published programmes with at least one finding on this outcome."
    )

    class Meta:
        model = Outcome
        fields = ["name", "slug", "domain", "domain_label", "description", "programme_count"]


class FindingOutcomeSerializer(ApiModelSerializer):
    class Meta:
        model = Outcome
        fields = ["name", "slug", "domain"]


class FindingSerializer(ApiModelSerializer):
    outcome = FindingOutcomeSerializer()
    timing_label = serializers.CharField()
    is_long_term = serializers.BooleanField()

    class Meta:
        model = Finding
        fields = [
            "outcome",
            "outcome_label",
            "measure",
            "reporter",
            "timing",
            "months_after_end",
            "timing_label",
            "is_long_term",
            "statement",
            "significant",
            "direction",
            "is_headline",
            "improvement_index",
            "effect_size_type",
            "effect_size",
            "ci_low",
            "ci_high",
        ]


class PublicationSerializer(ApiModelSerializer):
    link = serializers.CharField(help_text="https://doi.org/<doi> when there is a DOI, otherwise the stored link.")

    class Meta:
        model = Publication
        fields = ["authors", "year", "title", "journal", "volume", "issue", "pages", "doi", "link", "note"]


class StudySerializer(ApiModelSerializer):
    rating = serializers.SerializerMethodField(help_text='As printed: "4", "3", "2", "NL2", or null when unrated.')
    countries = LookupSerializer(many=True)
    page_url = PageUrlField()
    publications = PublicationSerializer(many=True)
    findings = FindingSerializer(many=True)

    class Meta:
        model = Study
        fields = [
            "number",
            "citation_label",
            "year",
            "design",
            "rating",
            "rigorously_conducted",
            "countries",
            "sample_size",
            "sample_description",
            "timing",
            "longest_follow_up_months",
            "measures_independent",
            "independent_of_developer",
            "design_narrative",
            "sample_narrative",
            "measures_text",
            "findings_text",
            "page_url",
            "publications",
            "findings",
        ]

    def get_rating(self, study) -> str | None:
        return None if study.rating is None else StudyRating(study.rating).label


class ProgrammeSummarySerializer(ApiModelSerializer):
    """A programme inside another resource: enough to recognise it and follow the link."""

    url = serializers.HyperlinkedIdentityField(view_name="api:programme-detail", lookup_field="slug")
    page_url = PageUrlField()
    evidence_rating = serializers.SerializerMethodField(help_text='As printed: "4+", "3", "NL2", "NE"...')
    cost_rating = serializers.CharField(source="cost_rating_code", help_text='"1" to "5", or "NA".')

    class Meta:
        model = Programme
        fields = ["name", "slug", "url", "page_url", "evidence_rating", "cost_rating"]

    def get_evidence_rating(self, programme) -> str | None:
        return programme.evidence_rating or None


class SourceClassificationSerializer(ApiModelSerializer):
    """What a source says about a programme's evidence, in its own words: never our rating."""

    label = serializers.CharField(help_text='As the site shows it: "<short name of the source>: <its words>".')

    class Meta:
        model = SourceClassification
        fields = [
            "source",
            "source_label",
            "source_date",
            "source_url",
            "kind",
            "classification",
            "label",
            "statement",
        ]


class ClearinghouseRatingSerializer(ApiModelSerializer):
    """Another clearinghouse's grade of the programme, in its own words on its own scale: never converted
    into our evidence rating or into another clearinghouse's scale."""

    clearinghouse = serializers.CharField(source="grade.clearinghouse.name", help_text="The clearinghouse's name.")
    clearinghouse_slug = serializers.CharField(
        source="grade.clearinghouse.slug", help_text="As the programme list's `rated_by` filter takes it."
    )
    clearinghouse_website = serializers.URLField(source="grade.clearinghouse.website")
    grade = serializers.CharField(source="grade.label", help_text="Exactly as the clearinghouse prints it.")
    grade_meaning = serializers.CharField(
        source="grade.meaning", help_text="What the clearinghouse says the grade means, in our words; may be empty."
    )
    grade_rank = serializers.IntegerField(
        source="grade.rank", help_text="Its place on that clearinghouse's own scale (1 = its strongest grade)."
    )

    class Meta:
        model = ClearinghouseRating
        fields = [
            "clearinghouse",
            "clearinghouse_slug",
            "clearinghouse_website",
            "grade",
            "grade_meaning",
            "grade_rank",
            "applies_to",
            "rated_on",
            "source_title",
            "source_url",
            "source_read_on",
        ]


class ProgrammeListSerializer(ProgrammeSummarySerializer):
    evidence_rating_label = serializers.SerializerMethodField()
    rating_difference_note = serializers.CharField(
        source="rating_difference_explained",
        help_text="Why the published rating differs from the one the recorded studies support, as the publisher "
        "wrote it; empty when they agree.",
    )
    source_classifications = SourceClassificationSerializer(
        many=True, help_text="What sources say about the evidence, in their own words; not our rating."
    )
    age_groups = LookupSerializer(many=True)
    levels_of_need = LookupSerializer(many=True)
    delivery_models = LookupSerializer(many=True)

    class Meta(ProgrammeSummarySerializer.Meta):
        fields = [
            *ProgrammeSummarySerializer.Meta.fields,
            "acronym",
            "summary",
            "evidence_rating_label",
            "rating_difference_note",
            "source_classifications",
            "age_groups",
            "levels_of_need",
            "delivery_models",
            "uk_provision",
            "uk_evaluation",
            "published_on",
            "last_reviewed_on",
        ]

    def get_evidence_rating_label(self, programme) -> str | None:
        return None if programme.evidence_level is None else EvidenceLevel(programme.evidence_level).label


class CollectionSummarySerializer(ApiModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:collection-detail", lookup_field="slug")
    page_url = PageUrlField()

    class Meta:
        model = Collection
        fields = ["name", "slug", "url", "page_url"]


class ProgrammeDetailSerializer(ProgrammeListSerializer):
    settings = LookupSerializer(many=True)
    other_settings = LookupSerializer(many=True)
    countries = LookupSerializer(many=True)
    theory_of_change = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)
    studies = StudySerializer(many=True)
    collections = CollectionSummarySerializer(many=True)
    clearinghouse_ratings = ClearinghouseRatingSerializer(
        many=True, help_text="What other clearinghouses say, each in its own words; empty when none is recorded."
    )

    class Meta(ProgrammeListSerializer.Meta):
        fields = [
            *ProgrammeListSerializer.Meta.fields,
            "description",
            "scope_note",
            "provider_involvement",
            "evidence_plus",
            "evidence_overview",
            "estimated_unit_cost",
            "assessed_in",
            "assessed_on",
            "settings",
            "other_settings",
            "countries",
            "delivery_summary",
            "what_happens",
            "sessions",
            "session_hours_min",
            "session_hours_max",
            "duration",
            "duration_weeks",
            "practitioners_per_session",
            "practitioner_level",
            "who_can_deliver",
            "training_requirements",
            "training_hours",
            "supervision",
            "supervisor_level",
            "supervisor_training_hours",
            "supervision_hours_per_family",
            "fidelity",
            "licence_required",
            "licensing",
            "licence_fee",
            "intended_outcomes",
            "theory_of_change",
            "contact_name",
            "contact_organisation",
            "contact_email",
            "contact_url",
            "studies",
            "collections",
            "clearinghouse_ratings",
        ]


class CollectionSerializer(CollectionSummarySerializer):
    programmes = ProgrammeSummarySerializer(
        many=True, source="published_programmes", help_text="Published programmes only, by name."
    )

    class Meta(CollectionSummarySerializer.Meta):
        fields = [*CollectionSummarySerializer.Meta.fields, "summary", "source", "programmes"]

"""JSON shapes the v1 API adds to the shared ones in catalogue/serializers.py: a programme in full
(with its computed assessment and rating history), the flat studies and findings endpoints, and the
change feed. Each reads only what its queryset (querysets.py) fetched.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from ..feeds import describe_publication, rating_difference_note
from ..models import Finding, PublicationEvent
from ..serializers import (
    ApiModelSerializer,
    FindingSerializer,
    PageUrlField,
    ProgrammeDetailSerializer,
    StudySerializer,
)
from ..templatetags.workflow_tags import rating_changes


def study_key(study) -> str:
    """A study's stable identifier: its programme's slug and its number, e.g. "family-nurse-partnership/2"."""
    return f"{study.programme.slug}/{study.number}"


class ProgrammeRefSerializer(serializers.Serializer):
    """A published programme named inside another record."""

    name = serializers.CharField()
    slug = serializers.CharField(help_text="The programme's stable identifier.")
    url = serializers.HyperlinkedIdentityField(view_name="api:programme-detail", lookup_field="slug")


class AssessmentSerializer(serializers.Serializer):
    """The rating the programme's recorded studies support (computed by catalogue/evidence.py), and why."""

    rating = serializers.CharField(
        help_text='The computed rating as printed: "4+", "4", "3+", "3", "2+", "2", "NL2", "NE".'
    )
    level = serializers.CharField(help_text='The level without its plus: "4", "3", "2", "NL2" or "NE".')
    plus = serializers.BooleanField(help_text='Whether the level carries a "+".')
    meaning = serializers.CharField(help_text="What the level means, in plain words.")
    plus_meaning = serializers.CharField(help_text='What the "+" means at this level; empty without a plus.')
    reasons = serializers.ListField(child=serializers.CharField(), help_text="What each study contributes.")
    next_level = serializers.CharField(help_text='The level above this one ("" at 4+).')
    next_level_needs = serializers.ListField(
        child=serializers.CharField(), help_text="What is missing for the next level up."
    )
    next_level_has = serializers.ListField(
        child=serializers.CharField(), help_text="What of the next level's requirements is already met."
    )


class RatingChangeSerializer(ApiModelSerializer):
    """One publication in the rating history: the first, or one that changed a rating."""

    summary = serializers.SerializerMethodField(help_text='What changed, e.g. "Evidence rating raised from 3 to 3+".')

    class Meta:
        model = PublicationEvent
        fields = [
            "published_at",
            "summary",
            "change_note",
            "evidence_rating_before",
            "evidence_rating_after",
            "cost_rating_before",
            "cost_rating_after",
        ]

    def get_summary(self, event) -> str:
        return describe_publication(event)


class ProgrammeFullSerializer(ProgrammeDetailSerializer):
    """A published programme in full: everything on its page, with the computed assessment."""

    assessment = AssessmentSerializer(
        help_text="The rating the recorded studies support, computed by our rules; `evidence_rating` is the one "
        "published, which a publisher may have set differently (see `evidence_overview`)."
    )
    rating_history = serializers.SerializerMethodField(
        help_text="The first publication and each publication that changed a rating, newest first."
    )

    class Meta(ProgrammeDetailSerializer.Meta):
        fields = [*ProgrammeDetailSerializer.Meta.fields, "assessment", "rating_history"]

    @extend_schema_field(RatingChangeSerializer(many=True))
    def get_rating_history(self, programme):
        return RatingChangeSerializer(rating_changes(programme), many=True, context=self.context).data


class StudyKeyMixin(serializers.Serializer):
    key = serializers.SerializerMethodField(help_text='Stable identifier: programme slug "/" study number.')
    url = serializers.SerializerMethodField(help_text="This study's API address.")
    programme = ProgrammeRefSerializer()

    def get_key(self, study) -> str:
        return study_key(study)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, study):
        return reverse("api:study-detail", kwargs={"key": study_key(study)}, request=self.context.get("request"))


class StudyRecordSerializer(StudyKeyMixin, StudySerializer):
    """A study of a published programme, with its publications and findings."""

    class Meta(StudySerializer.Meta):
        fields = ["key", "url", "programme", *StudySerializer.Meta.fields]


class FindingRecordSerializer(FindingSerializer):
    """One finding of a study of a published programme, with where it comes from."""

    study = serializers.SerializerMethodField(help_text='The study\'s key: programme slug "/" study number.')
    study_url = serializers.SerializerMethodField(help_text="The study's API address.")
    programme = ProgrammeRefSerializer(source="study.programme")
    page_url = PageUrlField(source="study", help_text="The study's section of the programme page.")

    class Meta(FindingSerializer.Meta):
        model = Finding
        fields = ["id", "study", "study_url", "programme", "page_url", *FindingSerializer.Meta.fields]

    def get_study(self, finding) -> str:
        return study_key(finding.study)

    @extend_schema_field(OpenApiTypes.URI)
    def get_study_url(self, finding):
        key = study_key(finding.study)
        return reverse("api:study-detail", kwargs={"key": key}, request=self.context.get("request"))


class ChangeSerializer(RatingChangeSerializer):
    """One publication of a programme now on the public site: the JSON twin of the Atom change feed."""

    programme = ProgrammeRefSerializer()
    first_publication = serializers.SerializerMethodField(help_text="The programme's first publication.")
    page_url = PageUrlField(source="programme", help_text="The programme's page.")
    rating_difference_note = serializers.SerializerMethodField(
        help_text="For a publication that set the rating the programme still carries: why that rating differs "
        "from the one the recorded studies support, as the publisher wrote it; empty otherwise."
    )

    class Meta(RatingChangeSerializer.Meta):
        fields = [
            "id",
            "programme",
            "page_url",
            "first_publication",
            *RatingChangeSerializer.Meta.fields,
            "rating_difference_note",
        ]

    def get_first_publication(self, event) -> bool:
        return not event.cost_rating_before

    def get_rating_difference_note(self, event) -> str:
        return rating_difference_note(event)

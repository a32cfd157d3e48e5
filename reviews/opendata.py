"""The reviews' tables in the bulk download (catalogue/opendata/), registered here because the catalogue
never imports reviews. Published reviews only; a catalogue study is named only when its programme is
published. Imported by ReviewsConfig.ready()."""

from rest_framework import serializers

from catalogue.models import PublicationStatus
from catalogue.opendata.load import loader, plain_fields, study_by_key
from catalogue.opendata.tables import Table, register, row_serializer

from .models import Analysis, AnalysisRow, IncludedStudy, Review, RiskOfBias


class StudyRef(serializers.Field):
    """A catalogue study as "programme-slug/number", empty when none or its programme is unpublished."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, study):
        if study is None or study.programme is None or study.programme.status != PublicationStatus.PUBLISHED:
            return None
        return f"{study.programme.slug}/{study.number}"


REVIEW_FIELDS = [
    "slug",
    "title",
    "short_citation",
    "authors",
    "year",
    "kind",
    "source",
    "doi",
    "url",
    "question",
    "search_date",
    "records_screened",
    "studies_included",
    "participants",
    "search_note",
    "summary",
    "key_messages",
    "conclusions",
    "is_demonstration",
    "published_on",
]
ReviewRow = row_serializer(Review, REVIEW_FIELDS)

_review = serializers.CharField(source="review.slug", help_text="The review's slug.")

IncludedStudyRow = row_serializer(
    IncludedStudy,
    ["review", "label", "study", "comparison", "participants", "notes", "order"],
    review=_review,
    study=StudyRef(help_text='The catalogue study: programme slug "/" number; empty when not in the catalogue.'),
)

RiskOfBiasRow = row_serializer(
    RiskOfBias,
    ["review", "included_study", "domain", "judgement", "note"],
    review=serializers.CharField(source="included_study.review.slug", help_text="The review's slug."),
    included_study=serializers.CharField(
        source="included_study.display_label", help_text="The included study's label (as in included_studies)."
    ),
)

ANALYSIS_FIELDS = [
    f.name
    for f in Analysis._meta.concrete_fields
    if f.name not in {"id", "review", "created_at", "updated_at", "created_by", "updated_by"}
]
AnalysisTableRow = row_serializer(Analysis, ["review", *ANALYSIS_FIELDS], review=_review)

AnalysisStudyRow = row_serializer(
    AnalysisRow,
    [
        "review",
        "analysis_order",
        "analysis_number",
        "label",
        "study",
        *["events_t", "mean_t", "sd_t", "n_t", "events_c", "mean_c", "sd_c", "n_c", "order"],
    ],
    review=serializers.CharField(source="analysis.review.slug", help_text="The review's slug."),
    analysis_order=serializers.IntegerField(source="analysis.order", help_text="The analysis's `order` in its review."),
    analysis_number=serializers.CharField(source="analysis.number", help_text="The analysis's `number` in its review."),
    study=StudyRef(help_text='The catalogue study: programme slug "/" number; empty when not in the catalogue.'),
)


def _published(queryset, path):
    return queryset.filter(**{path: PublicationStatus.PUBLISHED})


register(
    Table(
        "reviews",
        "Published systematic reviews and meta-analyses.",
        lambda: Review.objects.published().order_by("slug"),
        ReviewRow,
        order=60,
    )
)
register(
    Table(
        "included_studies",
        "The studies each review includes.",
        lambda: (
            _published(IncludedStudy.objects, "review__status")
            .select_related("review", "study__programme")
            .order_by("review__slug", "order", "pk")
        ),
        IncludedStudyRow,
        order=65,
    )
)
register(
    Table(
        "risk_of_bias",
        "Each review's risk-of-bias judgement of each included study, one domain a row.",
        lambda: (
            _published(RiskOfBias.objects, "included_study__review__status")
            .select_related("included_study__review", "included_study__study__programme")
            .order_by("included_study__review__slug", "included_study__order", "included_study__pk", "domain")
        ),
        RiskOfBiasRow,
        order=70,
    )
)
register(
    Table(
        "analyses",
        "Each review's meta-analyses, as the review reported them.",
        lambda: (
            _published(Analysis.objects, "review__status")
            .select_related("review")
            .order_by("review__slug", "order", "number", "pk")
        ),
        AnalysisTableRow,
        order=80,
    )
)
register(
    Table(
        "analysis_rows",
        "The per-study rows of each analysis (as in the review's forest plot).",
        lambda: (
            _published(AnalysisRow.objects, "analysis__review__status")
            .select_related("analysis__review", "study__programme")
            .order_by("analysis__review__slug", "analysis__order", "analysis__number", "analysis__pk", "order", "pk")
        ),
        AnalysisStudyRow,
        order=90,
    )
)


# --------------------------------------------------------------------------- reloading (catalogue/opendata/load.py)


@loader("reviews")
def _reviews(rows, context):
    for row in rows:
        Review.objects.create(status=PublicationStatus.PUBLISHED, **plain_fields(Review, row))


@loader("included_studies")
def _included_studies(rows, context):
    for row in rows:
        review = Review.objects.get(slug=row["review"])
        IncludedStudy.objects.create(
            review=review, study=study_by_key(row["study"]), **plain_fields(IncludedStudy, row)
        )


@loader("risk_of_bias")
def _risk_of_bias(rows, context):
    for row in rows:
        included = [
            study
            for study in IncludedStudy.objects.filter(review__slug=row["review"]).select_related("study")
            if study.display_label == row["included_study"]
        ]
        RiskOfBias.objects.create(included_study=included[0], **plain_fields(RiskOfBias, row))


@loader("analyses")
def _analyses(rows, context):
    for row in rows:
        Analysis.objects.create(review=Review.objects.get(slug=row["review"]), **plain_fields(Analysis, row))


@loader("analysis_rows")
def _analysis_rows(rows, context):
    for row in rows:
        analysis = Analysis.objects.filter(
            review__slug=row["review"], order=row["analysis_order"], number=row["analysis_number"]
        ).first()
        AnalysisRow.objects.create(
            analysis=analysis, study=study_by_key(row["study"]), **plain_fields(AnalysisRow, row)
        )

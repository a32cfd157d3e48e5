"""What each bulk file holds: a flat serializer per table over published records only, and the data
dictionary read from those same serializer fields (meaning, type, units, allowed values)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Prefetch
from rest_framework import serializers

from ..models import (
    AgeGroup,
    ClearinghouseRating,
    Collection,
    Country,
    DeliveryModel,
    Finding,
    LevelOfNeed,
    Outcome,
    Programme,
    Publication,
    PublicationStatus,
    Setting,
    Study,
    TheoryOfChangeStep,
)
from ..serializers import ApiModelSerializer

# Units a number is measured in, by column name (everywhere it occurs).
UNITS = {
    "estimated_unit_cost": "£ per child or family",
    "licence_fee": "£",
    "session_hours_min": "hours",
    "session_hours_max": "hours",
    "training_hours": "hours",
    "supervisor_training_hours": "hours",
    "supervision_hours_per_family": "hours",
    "duration_weeks": "weeks",
    "months_after_end": "months",
    "longest_follow_up_months": "months",
    "improvement_index": "percentile points (−50 to +50)",
    "effect_size": "standard deviations (standardised mean difference)",
    "ci_low": "as effect_size",
    "ci_high": "as effect_size",
    "participants": "people",
    "sample_size": "people",
    "reported_i2": "percent",
}
LIST_SEPARATOR = "; "


@dataclass
class Table:
    """One bulk file: its rows (published records only) and the serializer that shapes each row."""

    name: str
    description: str
    rows: Callable  # () -> iterable of model instances
    serializer: type[serializers.Serializer]
    load: Callable | None = None  # (rows, context) -> None: recreates the rows in an empty database
    order: int = 0
    notes: list[str] = field(default_factory=list)

    def records(self) -> list[dict]:
        return list(self.serializer(self.rows(), many=True).data)

    def columns(self) -> list[dict]:
        return [describe(name, f) for name, f in self.serializer().fields.items()]


TABLES: dict[str, Table] = {}


def register(table: Table) -> Table:
    TABLES[table.name] = table
    return table


def tables() -> list[Table]:
    return sorted(TABLES.values(), key=lambda table: table.order)


def describe(name, serializer_field) -> dict:
    """A column of the data dictionary, from the serializer field that fills it."""
    kind, allowed = _kind(serializer_field)
    return {
        "name": name,
        "meaning": str(serializer_field.help_text or "").strip(),
        "type": kind,
        "units": UNITS.get(name, ""),
        "allowed_values": allowed,
        "empty_allowed": bool(getattr(serializer_field, "allow_null", False))
        or bool(getattr(serializer_field, "allow_blank", False)),
    }


def _kind(f) -> tuple[str, list[tuple[str, str]]]:
    if isinstance(f, serializers.ManyRelatedField | serializers.ListField):
        return f'list of slugs (CSV: separated by "{LIST_SEPARATOR.strip()} ")', []
    if isinstance(f, serializers.ChoiceField):
        return "code", [(str(value), str(label)) for value, label in f.choices.items() if value not in ("", None)]
    if isinstance(f, serializers.BooleanField):
        return "boolean (true or false)", []
    if isinstance(f, serializers.IntegerField):
        return "integer", []
    if isinstance(f, serializers.DecimalField | serializers.FloatField):
        return "number", []
    if isinstance(f, serializers.DateTimeField):
        return "date and time (ISO 8601, UTC)", []
    if isinstance(f, serializers.DateField):
        return "date (YYYY-MM-DD)", []
    if isinstance(f, serializers.URLField):
        return "web address", []
    if isinstance(f, serializers.SlugRelatedField):
        return "slug", []
    return "text", []


def row_serializer(model, fields, *, help_texts=None, **declared):
    """A flat ModelSerializer for `model` with `fields`, described as the API describes them."""
    meta = type("Meta", (), {"model": model, "fields": fields, "extra_kwargs": {}})
    for name, text in (help_texts or {}).items():
        meta.extra_kwargs[name] = {"help_text": text}
    return type(f"{model.__name__}Row", (ApiModelSerializer,), {"Meta": meta, **declared})


def _slugs(name, text):
    return serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True, help_text=text)


def _published(queryset, path="status"):
    return queryset.filter(**{path: PublicationStatus.PUBLISHED})


# --------------------------------------------------------------------------- the catalogue's tables

PROGRAMME_INTERNAL = {
    "id",
    "status",
    "search_document",
    "search_vector",
    "computed_evidence_rating",
    "created_at",
    "created_by",
    "updated_by",
    "updated_at",
}
PROGRAMME_FIELDS = [f.name for f in Programme._meta.concrete_fields if f.name not in PROGRAMME_INTERNAL]
PROGRAMME_LISTS = {
    "age_groups": "Age groups the programme is for (slugs; see the lookups file).",
    "levels_of_need": "Levels of need (slugs).",
    "delivery_models": "How it is delivered (slugs).",
    "settings": "Settings its best evidence was delivered in (slugs).",
    "other_settings": "Further settings the provider says it can be delivered in (slugs).",
    "countries": "Countries where it is implemented (slugs).",
}
ProgrammeRow = row_serializer(
    Programme,
    [*PROGRAMME_FIELDS, *PROGRAMME_LISTS],
    **{name: _slugs(name, text) for name, text in PROGRAMME_LISTS.items()},
)

STUDY_FIELDS = [
    f.name
    for f in Study._meta.concrete_fields
    if f.name not in {"id", "programme", "created_at", "updated_at", "created_by", "updated_by"}
]
StudyRow = row_serializer(
    Study,
    ["programme", *STUDY_FIELDS, "countries"],
    programme=serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The programme's slug."),
    countries=_slugs("countries", "Countries where the study was conducted (slugs)."),
)

_study_programme = serializers.CharField(source="study.programme.slug", help_text="The programme's slug.")
_study_number = serializers.IntegerField(source="study.number", help_text="The study's number within its programme.")

PublicationRow = row_serializer(
    Publication,
    [
        "programme",
        "study_number",
        "authors",
        "year",
        "title",
        "journal",
        "volume",
        "issue",
        "pages",
        "doi",
        "url",
        "order",
        "note",
    ],
    programme=_study_programme,
    study_number=_study_number,
)

FINDING_FIELDS = [
    f.name
    for f in Finding._meta.concrete_fields
    if f.name not in {"id", "study", "outcome", "created_at", "updated_at", "created_by", "updated_by"}
]
FindingRow = row_serializer(
    Finding,
    ["programme", "study_number", "outcome", *FINDING_FIELDS],
    programme=serializers.CharField(source="study.programme.slug", help_text="The programme's slug."),
    study_number=serializers.IntegerField(source="study.number", help_text="The study's number within its programme."),
    outcome=serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The outcome's slug."),
)

OutcomeRow = row_serializer(Outcome, ["slug", "name", "domain", "description"])

CollectionRow = row_serializer(
    Collection,
    ["slug", "name", "summary", "source", "order", "programmes"],
    programmes=serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        read_only=True,
        source="published_programmes",
        help_text="Its published programmes (slugs).",
    ),
)

TheoryOfChangeRow = row_serializer(
    TheoryOfChangeStep,
    ["programme", "order", "text"],
    programme=serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The programme's slug."),
)

LOOKUP_MODELS = {
    "age_group": AgeGroup,
    "level_of_need": LevelOfNeed,
    "delivery_model": DeliveryModel,
    "setting": Setting,
    "country": Country,
}


class LookupRow(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[(kind, model._meta.verbose_name) for kind, model in LOOKUP_MODELS.items()],
        help_text="Which list the value belongs to.",
    )
    slug = serializers.CharField(help_text="The value's identifier, as used in the other files and the filters.")
    name = serializers.CharField(help_text="As shown to the public.")
    order = serializers.IntegerField(help_text="Position in lists and filters; lower comes first.")


def _lookup_rows():
    return [
        {"kind": kind, "slug": row.slug, "name": row.name, "order": row.order}
        for kind, model in LOOKUP_MODELS.items()
        for row in model.objects.order_by("order", "name")
    ]


def _published_programmes():
    return Programme.objects.published().order_by("name").prefetch_related(*PROGRAMME_LISTS)


def _published_collections():
    published = Programme.objects.published().order_by("name").only("slug")
    return Collection.objects.order_by("order", "name").prefetch_related(
        Prefetch("programmes", queryset=published, to_attr="published_programmes")
    )


register(Table("lookups", "The values of the lists programmes are described by.", _lookup_rows, LookupRow, order=0))
register(Table("programmes", "Published programmes, one a row.", _published_programmes, ProgrammeRow, order=10))
register(
    Table(
        "theory_of_change",
        "Each published programme's theory of change, one step a row, in order.",
        lambda: (
            _published(TheoryOfChangeStep.objects, "programme__status")
            .select_related("programme")
            .order_by("programme__name", "order", "pk")
        ),
        TheoryOfChangeRow,
        order=15,
    )
)
register(
    Table(
        "studies",
        "Studies of published programmes: one evaluation a row.",
        lambda: (
            _published(Study.objects, "programme__status")
            .select_related("programme")
            .prefetch_related("countries")
            .order_by("programme__name", "number")
        ),
        StudyRow,
        order=20,
    )
)
register(
    Table(
        "publications",
        "The papers and reports each study is published in.",
        lambda: (
            _published(Publication.objects, "study__programme__status")
            .select_related("study__programme")
            .order_by("study__programme__name", "study__number", "order", "pk")
        ),
        PublicationRow,
        order=30,
    )
)
register(
    Table(
        "outcomes",
        "Outcomes findings are measured on (those only unpublished programmes report are left out).",
        lambda: Outcome.objects.public().order_by("domain", "name"),
        OutcomeRow,
        order=5,
    )
)
register(
    Table(
        "findings",
        "What each study found on each outcome, with effect sizes and 95% confidence intervals.",
        lambda: (
            _published(Finding.objects, "study__programme__status")
            .select_related("study__programme", "outcome")
            .order_by("study__programme__name", "study__number", "order", "pk")
        ),
        FindingRow,
        order=40,
    )
)
register(
    Table(
        "collections",
        "Curated collections, each with its published programmes.",
        _published_collections,
        CollectionRow,
        order=50,
    )
)


def _ratings_of_published_programmes():
    return (
        ClearinghouseRating.objects.public()
        .select_related("programme", "grade__clearinghouse")
        .order_by("programme__name", "grade__clearinghouse__order", "grade__clearinghouse__name", "order", "pk")
    )


def _from_clearinghouse(attribute, text, kind=serializers.CharField):
    return kind(source=f"grade.clearinghouse.{attribute}", help_text=text)


ClearinghouseRatingRow = row_serializer(
    ClearinghouseRating,
    [
        "programme",
        "clearinghouse",
        "clearinghouse_name",
        "clearinghouse_short_name",
        "clearinghouse_website",
        "clearinghouse_scale_note",
        "clearinghouse_scale_source_url",
        "grade",
        "grade_meaning",
        "grade_rank",
        "applies_to",
        "rated_on",
        "source_title",
        "source_url",
        "source_read_on",
        "order",
    ],
    programme=serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The programme's slug."),
    clearinghouse=_from_clearinghouse("slug", "The clearinghouse's slug."),
    clearinghouse_name=_from_clearinghouse("name", "The clearinghouse's full name."),
    clearinghouse_short_name=_from_clearinghouse("short_name", "Its short name."),
    clearinghouse_website=_from_clearinghouse("website", "Its home page.", serializers.URLField),
    clearinghouse_scale_note=_from_clearinghouse("scale_note", "What it rates and how its scale runs, in our words."),
    clearinghouse_scale_source_url=_from_clearinghouse(
        "scale_source_url", "The page that defines its grades; may be empty.", serializers.URLField
    ),
    grade=serializers.CharField(source="grade.label", help_text="The grade exactly as the clearinghouse prints it."),
    grade_meaning=serializers.CharField(
        source="grade.meaning", help_text="What the clearinghouse says the grade means, in our words; may be empty."
    ),
    grade_rank=serializers.IntegerField(
        source="grade.rank",
        help_text="Its place on that clearinghouse's own scale (1 = strongest); never compare "
        "ranks across clearinghouses.",
    ),
)
register(
    Table(
        "clearinghouse_ratings",
        "What other clearinghouses say about published programmes: each grade in its own words on its own scale, "
        "with the page it was read from. Not converted into our evidence ratings.",
        _ratings_of_published_programmes,
        ClearinghouseRatingRow,
        order=60,
    )
)

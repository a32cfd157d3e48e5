"""OpenAPI descriptions of the programme list's parameters, read from the page's own FilterSet
(catalogue/filters.py) so the schema, the page and the API name the same values and meanings.

Options that analysts can add (age groups, settings, outcomes...) are not enums in the schema, since a
new one would make a generated client refuse a valid value; their descriptions say where to find them.
"""

import django_filters
from django import forms
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_basic_type, build_parameter_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from ..filters import (
    COST_CHOICES,
    EVIDENCE_CHOICES,
    FACET_LEGENDS,
    MIN_EVIDENCE_CHOICES,
    SORTS,
    YES_NO_CHOICES,
    ProgrammeFilterSet,
)
from ..models import OutcomeDomain
from ..search import MAX_QUERY_LENGTH


def _meanings(choices) -> str:
    return "; ".join(f"`{value}`: {label}" for value, label in choices)


def _parameter(name, description, *, choices=None, many=False):
    enum = [value for value, _label in choices] if choices else None
    if choices:
        description = f"{description} Values: {_meanings(choices)}."
    if many:
        description += ' Repeat the parameter for "any of these".'
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description=description,
        enum=enum,
        many=many,
        explode=True if many else None,
    )


_LOOKUPS = {
    "age": "Age group slug, as in each programme's `age_groups`.",
    "need": "Level of need slug (`universal`, `targeted-selective`, `targeted-indicated`).",
    "delivery": "Delivery model slug, as in each programme's `delivery_models`.",
    "setting": "Setting slug: delivered there in its best evidence or as a further setting.",
    "country": "Country slug: implemented in this country.",
    "collection": "Collection slug, from /api/v1/collections/.",
    "outcome": "Outcome slug, from /api/v1/outcomes/: a headline finding on this outcome.",
    "rated_by": "Clearinghouse slug: another clearinghouse has rated the programme, whatever its grade.",
}

PROGRAMME_FILTER_PARAMETERS = [
    _parameter("q", f"Search text, up to {MAX_QUERY_LENGTH} characters; results come best match first."),
    _parameter("min_evidence", "Evidence level N or above, with or without a plus.", choices=MIN_EVIDENCE_CHOICES),
    _parameter("evidence", "Exactly this evidence level, with or without a plus.", choices=EVIDENCE_CHOICES, many=True),
    _parameter("cost", "The cost rating band.", choices=COST_CHOICES, many=True),
    _parameter("domain", "A headline finding in this child outcome domain.", choices=OutcomeDomain.choices, many=True),
    *[_parameter(name, f"{FACET_LEGENDS[name]}. {text}", many=True) for name, text in _LOOKUPS.items()],
    _parameter("uk_provision", "Implemented in the UK.", choices=YES_NO_CHOICES),
    _parameter("uk_evaluation", "Best evidence includes a UK evaluation.", choices=YES_NO_CHOICES),
    _parameter(
        "sort",
        "Sort order; `name` unless searching (then `relevance`, which needs `q`).",
        choices=list(SORTS.items()),
    ),
]


class PageFilterExtension(DjangoFilterExtension):
    """Schema parameters for PageFilterBackend: the programme list's come from PROGRAMME_FILTER_PARAMETERS
    (through extend_schema on the view), since its options are read from the database; other FilterSets
    are described by django-filter's own extension."""

    target_class = "catalogue.api.base.PageFilterBackend"
    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        if getattr(auto_schema.view, "filterset_class", None) is ProgrammeFilterSet:
            return []
        return super().get_schema_operation_parameters(auto_schema, *args, **kwargs)

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        # A record chosen by slug through a method (the review list's programme): a string, the slug.
        # Text read by a method (the review list's programme, by slug or name): a string, as its help says.
        description = None
        if isinstance(filter_field, django_filters.ModelChoiceFilter) and filter_field.method:
            description = f"{filter_field.label}: its {filter_field.extra.get('to_field_name', 'slug')}."
        elif filter_field.method and issubclass(filter_field.field_class, forms.CharField):
            description = filter_field.extra.get("help_text") or filter_field.label
        if description:
            return [
                build_parameter_type(
                    name=field_name,
                    location=OpenApiParameter.QUERY,
                    schema=build_basic_type(OpenApiTypes.STR),
                    description=description,
                )
            ]
        return super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)


ERROR_SCHEMAS = {
    "ParameterErrors": {
        "type": "object",
        "description": "Each refused query parameter, with why and what it accepts.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    "ErrorDetail": {
        "type": "object",
        "description": "What went wrong.",
        "properties": {"detail": {"type": "string", "description": "The reason, in words."}},
        "required": ["detail"],
    },
}


def _json(reference, description):
    return {"description": description, "content": {"application/json": {"schema": {"$ref": reference}}}}


def add_error_responses(result, generator, request, public):
    """A postprocessing hook (SPECTACULAR_SETTINGS): every operation documents the errors it can answer
    with, so a generated client expects them: 400 naming the parameter, 404 for an unknown identifier,
    429 past the anonymous rate (with Retry-After), and 304 for a conditional request."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("304", {"description": "Not modified since the ETag or date you sent."})
            responses.setdefault("400", _json("#/components/schemas/ParameterErrors", "A query parameter refused."))
            if "{" in path:
                responses.setdefault("404", _json("#/components/schemas/ErrorDetail", "No published record here."))
            too_many = _json("#/components/schemas/ErrorDetail", "Too many requests: wait, then retry.")
            too_many["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before retrying."}
            }
            responses.setdefault("429", too_many)
    return result

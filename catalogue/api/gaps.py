"""The evidence-gap map as JSON: the page's counts (catalogue/gaps.py) for the page's query string."""

from django.http import QueryDict
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import gaps
from .base import ApiViewMixin, _api_message, conditional_get
from .schema import PROGRAMME_FILTER_PARAMETERS, _parameter


class GapCellSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="The level of need's or age group's slug.")
    level_4 = serializers.IntegerField(help_text="Published programmes rated level 4 (with or without a plus).")
    level_3 = serializers.IntegerField(help_text="Published programmes rated level 3.")
    level_2 = serializers.IntegerField(help_text="Published programmes rated level 2.")
    no_level_2 = serializers.IntegerField(help_text="Rated NL2 or NE, or not yet rated by us.")
    total = serializers.IntegerField(help_text="Every published programme in the cell.")
    programmes = serializers.URLField(help_text="The programme list page filtered to this cell.")


class GapRowSerializer(serializers.Serializer):
    domain = serializers.CharField(help_text="The child outcome domain's value, as the `domain` filter takes it.")
    label = serializers.CharField()
    cells = GapCellSerializer(many=True)


class GapColumnSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class GapMapSerializer(serializers.Serializer):
    axis = serializers.ChoiceField(choices=list(gaps.AXES), help_text="What the columns are.")
    columns = GapColumnSerializer(many=True)
    rows = GapRowSerializer(many=True)


def map_data(gap: gaps.GapMap, build_absolute_uri) -> dict:
    return {
        "axis": gap.axis.param,
        "columns": [{"slug": column.slug, "name": column.name} for column in gap.columns],
        "rows": [
            {
                "domain": row.domain,
                "label": row.label,
                "cells": [
                    {
                        "column": cell.column,
                        "level_4": cell.counts["4"],
                        "level_3": cell.counts["3"],
                        "level_2": cell.counts["2"],
                        "no_level_2": cell.counts["none"],
                        "total": cell.total,
                        "programmes": build_absolute_uri(cell.url),
                    }
                    for cell in row.cells
                ],
            }
            for row in gap.rows
        ],
    }


_NARROWING = [parameter for parameter in PROGRAMME_FILTER_PARAMETERS if parameter.name in gaps.MAP_FILTERS]


@method_decorator(conditional_get, name="dispatch")
class EvidenceGapView(ApiViewMixin, APIView):
    """Published programmes counted by child outcome domain and level of need (or age group), by evidence rating."""

    # A view, not a viewset: the map is one object, and a viewset's "list" would be described as an array.
    @extend_schema(
        summary="The evidence-gap map",
        description="The counts of the /evidence-gaps/ page: for each child outcome domain and level of need "
        "(or age group), how many published programmes are rated level 4, 3 and 2, and how many have no level 2 "
        "evidence. Each cell's `programmes` link lists them. A cell with no programmes is a gap in the evidence "
        "we hold, not proof that nothing works.",
        parameters=[
            _parameter(
                "axis",
                "What the columns are (`need` unless given).",
                choices=[(key, axis.legend) for key, axis in gaps.AXES.items()],
            ),
            *_NARROWING,
        ],
        responses=GapMapSerializer,
    )
    def get(self, request):
        gap = gaps.gap_map(QueryDict(request.META.get("QUERY_STRING", "")))
        if gap.problems:
            errors = {}
            for problem in gap.problems:
                if problem.param == "axis":
                    message = f'"{problem.value}" is not a valid choice for axis: use "need" or "age".'
                else:
                    message = _api_message(problem, gap.filterset)
                errors.setdefault(problem.param, []).append(message)
            raise ValidationError(errors)
        return Response(GapMapSerializer(map_data(gap, request.build_absolute_uri)).data)

"""GET /api/v1/compacts/<slug>/indicators/?year=&body=: each indicator's figure for a
year beside the year before (issue 14, point 1), as the public page shows them: counts
with their totals, never a ranking, small counts of disagreements withheld."""

from __future__ import annotations

from datetime import date
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compactwatch.api.errors import ApiError
from compactwatch.api.schema import errors
from compactwatch.compact.indicators import Figure
from compactwatch.compacts.models import Compact
from compactwatch.monitoring.indicators import IndicatorRow, indicator_figures
from compactwatch.organisations.models import Organisation
from compactwatch.params import BadQuery, query_year


class IndicatorFigureSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        allow_null=True,
        help_text="How many were counted (for a median, how many it is the middle of); null "
        "when withheld as fewer than 5 (disagreements): see words",
    )
    total = serializers.IntegerField(
        allow_null=True, help_text="Out of how many; null for medians and plain counts"
    )
    value = serializers.FloatField(allow_null=True, help_text="The median, for medians")
    percent = serializers.IntegerField(allow_null=True, help_text="count of total, rounded")
    unknown = serializers.IntegerField(help_text="Records that do not say enough to tell")
    too_small = serializers.BooleanField(help_text="Too few to mean much")
    words = serializers.CharField(help_text='"14 of 20", "median 9 weeks (from 12 notices)"')


class IndicatorSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    definition = serializers.CharField()
    measure = serializers.CharField(help_text="What the code counts for it")
    commitment = serializers.CharField(help_text="The commitment it serves, as a citation")
    commitment_name = serializers.CharField(help_text="The commitment in words, with its clause")
    target = serializers.CharField(allow_null=True, help_text="Only where the Compact sets one")
    year = serializers.IntegerField()
    this_year = IndicatorFigureSerializer()
    last_year = IndicatorFigureSerializer()


def _figure(figure: Figure) -> dict[str, Any]:
    return {
        "count": figure.count, "total": figure.total, "value": figure.value,
        "percent": figure.percent, "unknown": figure.unknown, "too_small": figure.too_small,
        "words": figure.words,
    }  # fmt: skip


def _row(row: IndicatorRow, year: int) -> dict[str, Any]:
    indicator = row.indicator
    return {
        "id": indicator.id, "name": indicator.name, "definition": indicator.definition,
        "measure": indicator.measure, "commitment": indicator.commitment,
        "commitment_name": row.commitment_name, "target": indicator.target, "year": year,
        "this_year": _figure(row.this_year), "last_year": _figure(row.last_year),
    }  # fmt: skip


class Indicators(APIView):
    @extend_schema(
        operation_id="indicators_list",
        tags=["compacts"],
        summary="Is the Compact working? Each indicator this year beside last year",
        parameters=[
            OpenApiParameter("year", int, description="The calendar year (1900 to 2199); "
                             "this year if not given"),
            OpenApiParameter("body", str, description="Only this organisation's own records, as "
                             "the body that consulted or funded (its id)"),
        ],
        responses={200: IndicatorSerializer(many=True), **errors(400, 401, 404, 429)},
    )  # fmt: skip
    def get(self, request: Request, slug: str) -> Response:
        compact = Compact.objects.filter(slug=slug).first()
        if compact is None:
            raise ApiError(404, "Not found")
        try:
            year = query_year(request.query_params) or date.today().year
        except BadQuery as problem:
            raise ApiError(400, str(problem), field="year") from None
        body_ref = request.query_params.get("body")
        body = None
        if body_ref:
            body = Organisation.objects.filter(compact=compact, ref=body_ref).first()
            if body is None:
                raise ApiError(400, f"There is no organisation called '{body_ref}' in the "
                               "register", field="body")  # fmt: skip
        return Response([_row(row, year) for row in indicator_figures(compact, year, body)])

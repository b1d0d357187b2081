"""The Compact's open data through the API: the tables of the open data download
(compactwatch/reports/opendata.py), each as JSON, with the meaning of every field.
Public, like the download: nothing confidential is in it."""

from __future__ import annotations

from itertools import islice

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compactwatch.api.errors import ApiError
from compactwatch.api.pagination import BoundedLimitOffset
from compactwatch.api.schema import errors
from compactwatch.compact.disclosure import shown_count
from compactwatch.compacts.models import Compact
from compactwatch.reports import opendata

TABLES = inline_serializer("OpenDataTable", {
    "name": serializers.CharField(), "title": serializers.CharField(),
    "about": serializers.CharField(),
    "fields": inline_serializer("OpenDataField", {
        "name": serializers.CharField(), "meaning": serializers.CharField(),
    }, many=True),
    "url": serializers.CharField(),
}, many=True)  # fmt: skip


class OpenDataIndex(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="open_data_tables",
        tags=["open data"],
        summary="The Compact's open data: each table, what it holds and its fields",
        responses={200: inline_serializer("OpenDataIndex", {
            "download": serializers.CharField(), "tables": TABLES,
        }), **errors(401, 404, 429)},
    )  # fmt: skip
    def get(self, request: Request, slug: str) -> Response:
        compact = get_object_or_404(Compact, slug=slug)
        return Response({
            "download": request.build_absolute_uri(reverse("web:open_data_download", args=[slug])),
            "tables": [
                {"name": table.name, "title": table.title, "about": table.about,
                 "fields": [{"name": c.name, "meaning": c.meaning} for c in table.columns],
                 "url": request.build_absolute_uri(
                     reverse("api:open_data_table", args=[compact.slug, table.name]))}
                for table in opendata.TABLES
            ],
        })  # fmt: skip


class OpenDataRows(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="open_data_rows",
        tags=["open data"],
        summary="One table of the open data, a page of rows at a time (each row an object "
        "with the table's fields)",
        responses={200: inline_serializer("OpenDataRows", {
            "count": serializers.IntegerField(), "next": serializers.CharField(allow_null=True),
            "previous": serializers.CharField(allow_null=True),
            "results": serializers.ListField(child=serializers.DictField()),
        }), **errors(400, 401, 404, 429)},
    )  # fmt: skip
    def get(self, request: Request, slug: str, table: str) -> Response:
        compact = get_object_or_404(Compact, slug=slug)
        chosen = opendata.table_named(table)
        if chosen is None:
            names = ", ".join(t.name for t in opendata.TABLES)
            raise ApiError(404, f"There is no open data table {table[:50]!r}; there are {names}")
        pages = BoundedLimitOffset()
        limit = pages.get_limit(request) or 50
        offset = pages.get_offset(request)
        # Rows are made in order and the page taken from them: reading stops at its end.
        every = opendata.rows(compact, chosen, shown_count)
        results = list(islice(every, offset, offset + limit))
        total = opendata.count(compact, chosen, shown_count)
        pages.limit, pages.offset, pages.count, pages.request = limit, offset, total, request
        return pages.get_paginated_response(results)

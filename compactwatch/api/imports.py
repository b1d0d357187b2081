"""The API's 360Giving imports: a funder's file queued by the Compact officer, followed and
cancelled, as on the import page."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compactwatch.api import schema
from compactwatch.api.schema import errors
from compactwatch.imports.access import officer_compact, officer_job
from compactwatch.imports.models import ImportJob
from compactwatch.imports.services import request_cancel
from compactwatch.imports.uploads import start_import
from compactwatch.threesixtygiving.reading import ReadError

LOCATION = OpenApiParameter(
    "Location", str, OpenApiParameter.HEADER, response=[202], required=True,
    description="The import's address: GET it to follow the import",
)  # fmt: skip


def _shown(request: Request, job: ImportJob) -> dict:
    return schema.ImportJobSerializer(job, context={"request": request}).data


class ImportList(GenericAPIView):
    """The Compact's imports, newest first, a page at a time."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = schema.ImportJobSerializer

    @extend_schema(
        operation_id="imports_list",
        tags=["imports"],
        summary="The Compact's imports, newest first",
        responses={200: schema.ImportJobSerializer(many=True), **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request, slug: str) -> Response:
        compact = officer_compact(request.user, slug)
        jobs = self.paginate_queryset(
            ImportJob.objects.filter(compact=compact).select_related("compact")
        )
        return self.get_paginated_response([_shown(request, job) for job in jobs])

    @extend_schema(
        operation_id="import_create",
        tags=["imports"],
        summary="Queue a funder's 360Giving file",
        request={"multipart/form-data": schema.ImportUploadSerializer},
        parameters=[LOCATION],
        responses={202: schema.ImportJobSerializer, **errors(400, 401, 403, 404, 411, 413, 429)},
    )
    def post(self, request: Request, slug: str) -> Response:
        compact = officer_compact(request.user, slug)
        upload = schema.ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            job = start_import(compact, upload.validated_data["file"], request.user,
                               valid_only=upload.validated_data["valid_only"])  # fmt: skip
        except ReadError as problem:
            raise ValidationError({"file": [str(problem)]}) from None
        shown = _shown(request, job)
        return Response(shown, status=status.HTTP_202_ACCEPTED, headers={"Location": shown["url"]})


class ImportDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="import_retrieve",
        tags=["imports"],
        summary="Follow an import: status, percent, outcome, problems",
        responses={200: schema.ImportJobSerializer, **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(_shown(request, officer_job(request.user, slug, pk)))


class ImportCancel(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="import_cancel",
        tags=["imports"],
        summary="Cancel an import",
        request=None,
        responses={200: schema.ImportJobSerializer, **errors(401, 403, 404, 429)},
    )
    def post(self, request: Request, slug: str, pk: int) -> Response:
        job = officer_job(request.user, slug, pk)
        request_cancel(job)
        return Response(_shown(request, job))

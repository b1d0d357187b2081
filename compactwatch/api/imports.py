"""The API's 360Giving imports: a funder's file queued by the Compact officer, followed and
cancelled, as on the import page."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compactwatch.api import schema
from compactwatch.imports.access import officer_compact, officer_job
from compactwatch.imports.models import ImportJob
from compactwatch.imports.services import request_cancel
from compactwatch.imports.uploads import start_import
from compactwatch.threesixtygiving.reading import ReadError

JOBS_LISTED = 50


def _shown(request: Request, job: ImportJob) -> dict:
    url = reverse("api:import", args=[job.compact.slug, job.pk])
    return {**schema.ImportJobSerializer(job).data, "url": request.build_absolute_uri(url)}


class ImportList(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: schema.ImportJobSerializer(many=True)})
    def get(self, request: Request, slug: str) -> Response:
        compact = officer_compact(request.user, slug)
        jobs = ImportJob.objects.filter(compact=compact).select_related("compact")[:JOBS_LISTED]
        return Response([_shown(request, job) for job in jobs])

    @extend_schema(
        request={"multipart/form-data": schema.ImportUploadSerializer},
        responses={202: schema.ImportJobSerializer},
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

    @extend_schema(responses={200: schema.ImportJobSerializer})
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(_shown(request, officer_job(request.user, slug, pk)))


class ImportCancel(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: schema.ImportJobSerializer})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        job = officer_job(request.user, slug, pk)
        request_cancel(job)
        return Response(_shown(request, job))

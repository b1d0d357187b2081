"""The JSON API: the Compact, its register, records (in the records format) and findings.

Writes go through the same core reader and the same services as uploads and forms, so the
audit trail, permissions and findings are the same whichever way a record arrives.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compactwatch import permissions
from compactwatch.api import schema
from compactwatch.api.pagination import MAX_OFFSET
from compactwatch.compact.records import InputError, read_mapping
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import Consultation, FundingAgreement, FundingChange, Record
from compactwatch.records.services import save_record
from compactwatch.records.upload import Register, apply_agreement, apply_change, apply_consultation
from compactwatch.web.figures import figures


def _compact(slug: str) -> Compact:
    return get_object_or_404(Compact, slug=slug)


class CompactList(ListAPIView):
    serializer_class = schema.CompactSerializer
    queryset = Compact.objects.prefetch_related("editions").order_by("slug")


class CompactDetail(RetrieveAPIView):
    serializer_class = schema.CompactSerializer
    queryset = Compact.objects.prefetch_related("editions")
    lookup_field = "slug"


class EditionDetail(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request: Request, slug: str, edition: str) -> Response:
        compact = _compact(slug)
        get_object_or_404(compact.editions, slug=edition)
        core = editions_of(compact).get(edition)
        return Response({
            "id": core.id,
            "title": core.title,
            "edition_name": core.edition_name,
            "in_force_from": editions_of(compact).in_force_from[core.id],
            "commitments": [
                {"ref": c.ref, "citation": c.citation, "section": c.section, "outcome": c.outcome,
                 "binds": c.binds, "strength": c.strength, "text": c.text,
                 "standards": [{"check": s.check, "summary": s.summary} for s in c.standards]}
                for c in core.commitments
            ],
        })  # fmt: skip


class OrganisationList(ListAPIView):
    serializer_class = schema.OrganisationSerializer

    def get_queryset(self):
        return Organisation.objects.filter(compact=_compact(self.kwargs["slug"])).order_by("name")


class Figures(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("year", int), OpenApiParameter("body", str)],
        responses={200: schema.FigureSerializer(many=True)},
    )
    def get(self, request: Request, slug: str) -> Response:
        compact = _compact(slug)
        year = request.query_params.get("year", "")
        body_ref = request.query_params.get("body")
        body = (
            Organisation.objects.filter(compact=compact, ref=body_ref).first() if body_ref else None
        )
        rows = figures(compact, int(year) if year.isdigit() else None, body)
        return Response([
            {"commitment": f"{row.edition}/{row.ref}", "summary": row.summary, "strength": row.strength,
             "met": row.met, "explained": row.explained, "not_met": row.not_met, "unknown": row.unknown}
            for row in rows
        ])  # fmt: skip


def _number(text: str | None, default: int) -> int:
    return min(int(text), MAX_OFFSET) if text and text.isdigit() else default


def _plain(record: Record) -> dict[str, Any]:
    data = {
        name: (value.isoformat() if hasattr(value, "isoformat") else value)
        for name, value in record.as_record().items()
    }
    if data.get("amount") is not None:
        data["amount"] = str(data["amount"])
    data["findings"] = [
        {
            "commitment": f.commitment,
            "status": f.status,
            "strength": f.strength,
            "message": f.message,
        }
        for f in sorted(record.findings.all(), key=lambda finding: finding.commitment)
    ]
    return data


class RecordsBase(APIView):
    """List and create one kind of record; subclasses name the model and the mapping."""

    model: type[Record]
    section: str

    def _queryset(self, request: Request, compact: Compact):
        related = (
            ["agreement__funder", "agreement__recipient"] if self.model is FundingChange else []
        )
        related += [
            name for name in ("organisation", "funder", "recipient") if hasattr(self.model, name)
        ]
        return (
            permissions.visible_records(request.user, self.model, compact)
            .select_related(*related)
            .prefetch_related("findings")
            .order_by("ref")
        )

    def _store(
        self, request: Request, compact: Compact, instance: Record | None, body: Any, partial: bool
    ) -> Response:
        if not isinstance(body, dict):
            return Response(
                {
                    "errors": [
                        {
                            "record": None,
                            "field": None,
                            "message": "send one record as a JSON object",
                        }
                    ]
                },
                status=400,
            )
        document = {**(_plain(instance) if instance else {}), **body}
        document.pop("findings", None)
        if instance is not None:
            document["id"] = instance.ref if not partial or "id" not in body else body["id"]
        known = FundingAgreement.objects.filter(compact=compact).values_list("ref", flat=True)
        try:
            row = read_mapping(
                {self.section: [document]}, "request", known_agreements=set(known)
            ).section(self.section)[0]
        except InputError as error:
            return Response(
                {
                    "errors": [
                        {"record": e.record_id, "field": e.field, "message": str(e)}
                        for e in error.errors
                    ]
                },
                status=400,
            )
        record = instance or self.model(compact=compact, ref=row["id"])
        if instance is None and self.model.objects.filter(compact=compact, ref=row["id"]).exists():
            return Response(
                {
                    "errors": [
                        {
                            "record": row["id"],
                            "field": "id",
                            "message": "a record with this id exists: update it instead",
                        }
                    ]
                },
                status=400,
            )
        self.apply(record, row, compact)
        if not permissions.can_edit(request.user, record):
            raise PermissionDenied("You can record only for your own organisation")
        try:
            with transaction.atomic():
                save_record(record, request.user)
        except IntegrityError:
            return Response(
                {
                    "errors": [
                        {"record": row["id"], "field": "id", "message": "this id is already used"}
                    ]
                },
                status=400,
            )
        fresh = type(record).objects.get(pk=record.pk)  # not the findings prefetched before saving
        return Response(_plain(fresh), status=201 if instance is None else 200)

    def apply(self, record: Record, row: dict[str, Any], compact: Compact) -> None:
        raise NotImplementedError


class ConsultationMixin:
    model, section = Consultation, "consultations"

    def apply(self, record, row, compact):
        apply_consultation(record, row, Register(compact))


class AgreementMixin:
    model, section = FundingAgreement, "funding_agreements"

    def apply(self, record, row, compact):
        apply_agreement(record, row, Register(compact))


class ChangeMixin:
    model, section = FundingChange, "funding_changes"

    def apply(self, record, row, compact):
        agreements = {
            a.ref: a for a in FundingAgreement.objects.filter(compact=compact, ref=row["agreement"])
        }
        apply_change(record, row, agreements)


def _list_view(mixin: type, name: str) -> type[RecordsBase]:
    request_body = schema.record_serializer(mixin.section)
    response_body = schema.record_response_serializer(mixin.section)

    class ListCreate(mixin, RecordsBase):
        @extend_schema(
            operation_id=f"{name}_list",
            parameters=[OpenApiParameter("limit", int), OpenApiParameter("offset", int)],
            responses={200: response_body(many=True)},
        )
        def get(self, request: Request, slug: str) -> Response:
            compact = _compact(slug)
            queryset = self._queryset(request, compact)
            limit = min(_number(request.query_params.get("limit"), 50), 500)
            offset = _number(request.query_params.get("offset"), 0)
            return Response(
                {
                    "count": queryset.count(),
                    "results": [_plain(r) for r in queryset[offset : offset + limit]],
                }
            )

        @extend_schema(operation_id=f"{name}_create", request=request_body,
                       responses={201: response_body, 400: schema.ErrorsSerializer})  # fmt: skip
        def post(self, request: Request, slug: str) -> Response:
            compact = _compact(slug)
            if not permissions.can_record(request.user, compact):
                raise PermissionDenied(
                    "Only members of a partner organisation and the Compact officer can record"
                )
            return self._store(request, compact, None, request.data, partial=False)

    class Detail(mixin, RecordsBase):
        def _instance(self, request: Request, compact: Compact, ref: str) -> Record:
            try:
                return self._queryset(request, compact).get(ref=ref)
            except self.model.DoesNotExist:
                raise Http404("No such record") from None

        @extend_schema(operation_id=f"{name}_retrieve", responses={200: response_body})
        def get(self, request: Request, slug: str, ref: str) -> Response:
            return Response(_plain(self._instance(request, _compact(slug), ref)))

        @extend_schema(operation_id=f"{name}_update", request=request_body,
                       responses={200: response_body, 400: schema.ErrorsSerializer})  # fmt: skip
        def put(self, request: Request, slug: str, ref: str) -> Response:
            compact = _compact(slug)
            return self._store(
                request, compact, self._instance(request, compact, ref), request.data, partial=False
            )

        @extend_schema(operation_id=f"{name}_partial_update", request=request_body,
                       responses={200: response_body, 400: schema.ErrorsSerializer})  # fmt: skip
        def patch(self, request: Request, slug: str, ref: str) -> Response:
            compact = _compact(slug)
            return self._store(
                request, compact, self._instance(request, compact, ref), request.data, partial=True
            )

    return ListCreate, Detail


ConsultationList, ConsultationDetail = _list_view(ConsultationMixin, "consultations")
AgreementList, AgreementDetail = _list_view(AgreementMixin, "funding_agreements")
ChangeList, ChangeDetail = _list_view(ChangeMixin, "funding_changes")

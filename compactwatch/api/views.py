"""The JSON API: the Compact, its register, records (in the records format) and findings.

Writes go through the same core reader and the same services as uploads and forms, so the
audit trail, permissions and findings are the same whichever way a record arrives.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import user_login_failed
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView, RetrieveAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compactwatch import permissions
from compactwatch.api import schema
from compactwatch.api.authentication import fresh_token
from compactwatch.api.errors import ApiError, errors_response
from compactwatch.api.parsers import BoundedJSONParser
from compactwatch.api.schema import ETAG, IF_MATCH, STALE_ETAG, errors
from compactwatch.changes import two_factor
from compactwatch.changes.base import Actor, ChangeRefused, NotFound, Refused, Stale, Taken
from compactwatch.changes.records import (
    Resolver,
    delete_record,
    editable_agreement_refs,
    save_record,
)
from compactwatch.compact.records import InputError, read_mapping
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.findings.figures import figures
from compactwatch.organisations.models import Organisation
from compactwatch.params import BadQuery, query_year
from compactwatch.records.models import RECORD_MODELS, Record


def _compact(slug: str) -> Compact:
    return get_object_or_404(Compact, slug=slug)


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other address under the API (e.g. an id holding a slash): 404 in the one shape."""
    return JsonResponse(
        {"errors": [{"record": None, "field": None, "message": "Not found"}]}, status=404
    )


class Token(ObtainAuthToken):
    """A token for a username and password (sign-in attempts are limited as on the site)."""

    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]

    @extend_schema(
        operation_id="token_create", tags=["token"], summary="Get a token",
        # Forms are taken too; JSON is the one described, for clients made from the description.
        request={"application/json": schema.CredentialsSerializer}, auth=[],
        responses={200: schema.TokenSerializer, **errors(400, 401, 411, 413, 429)},
    )  # fmt: skip
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        credentials = self.get_serializer(data=request.data)
        try:
            credentials.is_valid(raise_exception=True)
        except ValidationError:
            if getattr(request, "axes_locked_out", False):  # set by django-axes
                raise ApiError(429, "Too many failed sign-ins: try again in a quarter of an "
                               "hour") from None  # fmt: skip
            raise
        user = credentials.validated_data["user"]
        if two_factor.is_on(user):
            _second_factor(request, user, str(request.data.get("code") or ""))
        return Response({"token": fresh_token(user).key})


def _second_factor(request: Request, user: Any, code: str) -> None:
    """An account with two-factor sign-in gets a token only with a current code, as the site
    asks for one after the password; a wrong code is a failed sign-in for django-axes."""
    if not code:
        raise ApiError(401, "This account uses two-factor sign-in: send the current code from "
                       "the authenticator app as `code` with the username and password")  # fmt: skip
    if two_factor.throttled(user):
        raise ApiError(429, two_factor.TOO_SOON)
    if not two_factor.check(user, code):
        credentials = {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        raise ApiError(401, two_factor.WRONG_CODE)


@extend_schema_view(get=extend_schema(
    operation_id="compacts_list", tags=["compacts"], summary="List the Compacts",
    responses={200: schema.CompactSerializer(many=True), **errors(401, 429)},
))  # fmt: skip
class CompactList(ListAPIView):
    serializer_class = schema.CompactSerializer
    queryset = Compact.objects.prefetch_related("editions").order_by("slug")


@extend_schema_view(get=extend_schema(
    operation_id="compact_retrieve", tags=["compacts"], summary="One Compact and its editions",
    responses={200: schema.CompactSerializer, **errors(401, 404, 429)},
))  # fmt: skip
class CompactDetail(RetrieveAPIView):
    serializer_class = schema.CompactSerializer
    queryset = Compact.objects.prefetch_related("editions")
    lookup_field = "slug"


class EditionDetail(APIView):
    @extend_schema(
        operation_id="edition_retrieve", tags=["compacts"],
        summary="An edition of the Compact, its commitments word for word",
        responses={200: schema.EditionSerializer, **errors(401, 404, 429)},
    )  # fmt: skip
    def get(self, request: Request, slug: str, edition: str) -> Response:
        compact = _compact(slug)
        get_object_or_404(compact.editions, slug=edition)
        editions = editions_of(compact)
        core = editions.get(edition)
        return Response(schema.EditionSerializer({
            "id": core.id, "title": core.title, "edition_name": core.edition_name,
            "in_force_from": editions.in_force_from[core.id], "commitments": core.commitments,
        }).data)  # fmt: skip


@extend_schema_view(get=extend_schema(
    operation_id="organisations_list", tags=["compacts"], summary="The register: its organisations",
    responses={200: schema.OrganisationSerializer(many=True), **errors(401, 404, 429)},
))  # fmt: skip
class OrganisationList(ListAPIView):
    serializer_class = schema.OrganisationSerializer

    def get_queryset(self):
        return Organisation.objects.filter(compact=_compact(self.kwargs["slug"])).order_by("name")


class Figures(APIView):
    @extend_schema(
        operation_id="figures_list",
        tags=["compacts"],
        summary="How the records stand on each commitment (met, explained, not met, unknown)",
        parameters=[
            OpenApiParameter("year", int, description="Only records of this year (1900 to 2199)"),
            OpenApiParameter("body", str, description="Only this organisation's records (its id)"),
        ],
        responses={200: schema.FigureSerializer(many=True), **errors(400, 401, 404, 429)},
    )
    def get(self, request: Request, slug: str) -> Response:
        compact = _compact(slug)
        try:
            year = query_year(request.query_params)
        except BadQuery as problem:
            raise ApiError(400, str(problem), field="year") from None
        body_ref = request.query_params.get("body")
        body = (
            Organisation.objects.filter(compact=compact, ref=body_ref).first() if body_ref else None
        )
        rows = figures(compact, year, body)
        return Response([
            {"commitment": f"{row.edition}/{row.ref}", "summary": row.summary, "strength": row.strength,
             "met": row.met, "explained": row.explained, "not_met": row.not_met, "unknown": row.unknown}
            for row in rows
        ])  # fmt: skip


def _plain(record: Record) -> dict[str, Any]:
    data = {
        name: (value.isoformat() if hasattr(value, "isoformat") else value)
        for name, value in record.as_record().items()
    }
    if data.get("amount") is not None:  # a JSON number, as the records format writes it
        amount = data["amount"]
        data["amount"] = int(amount) if amount == amount.to_integral_value() else float(amount)
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


def etag(record: Record) -> str:
    """A record's entity tag: its version, which every change counts up."""
    return f'"{record.version}"'


def _if_match(request: Request) -> int | None:
    """The version the client read (If-Match), or None if it sent none; `*` matches any."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    tag = header.split(",")[0].strip().removeprefix("W/").strip('"')
    if not (tag.isascii() and tag.isdigit()):
        raise ApiError(412, "If-Match must be an ETag this API gave (a version such as \"3\")",
                       field="If-Match")  # fmt: skip
    return int(tag)


def _with_etag(record: Record, status: int = 200) -> Response:
    fresh = type(record).objects.prefetch_related("findings").get(pk=record.pk)
    response = Response(_plain(fresh), status=status)
    response["ETag"] = etag(fresh)
    return response


class RecordsBase(GenericAPIView):
    """One kind of record; subclasses name the model."""

    model: type[Record]
    lookup_field = "ref"
    parser_classes = [BoundedJSONParser]  # a record is a JSON object, as in a records file

    def get_queryset(self):
        # Only DRF's OPTIONS reads this; every method here asks `_queryset` for what the
        # user may see.
        return self._queryset(self.request, _compact(self.kwargs["slug"]))

    def _queryset(self, request: Request, compact: Compact):
        related = [path for path in self.model.traits.part_of if path]
        return (
            permissions.visible_records(request.user, self.model, compact)
            .select_related(*related)
            .prefetch_related("findings")
            .order_by("ref")
        )

    def _values(self, request: Request, compact: Compact, body: Any, partial: bool):
        """The record's new model values from the request, read by the core reader: for a
        partial change, merged into the record as stored when it is locked."""
        if not isinstance(body, dict):
            raise ApiError(400, "send one record as a JSON object")
        section = self.model.traits.section
        known = editable_agreement_refs(Actor(request.user, "API"), compact)
        resolver = Resolver(compact, Actor(request.user, "API"))

        def values(stored: Record | None) -> dict[str, Any]:
            # A partial change is merged into the record as stored.
            document = {**(stored.as_record() if stored is not None and partial else {}), **body}
            document.pop("findings", None)  # as the API gives a record back
            if stored is not None:
                document.setdefault("id", stored.ref)
            row = read_mapping({section: [document]}, "request", known_agreements=known).section(
                section
            )[0]
            values = self.model.values_from_record(row, resolver)
            if stored is None or row["id"] != stored.ref:
                values["ref"] = row["id"]
            return values

        return values

    def _store(self, request: Request, compact: Compact, ref: str | None, partial: bool,
               mode: str) -> Response:  # fmt: skip
        try:
            values = self._values(request, compact, request.data, partial)
            if mode == "create":  # read the new record's id (and every value) before using it
                values = values(None)
                ref = values.pop("ref", None) or request.data.get("id")
            record = save_record(
                Actor(request.user, "API"), compact, self.model, ref, values, mode=mode,
                version=_if_match(request) if mode == "update" else None,
            )  # fmt: skip
        except InputError as error:
            return errors_response(
                400, [{"record": e.record_id, "field": e.field, "message": e.problem}
                      for e in error.errors],
            )  # fmt: skip
        except Stale as error:
            response = errors_response(412, [{"record": ref, "field": None, "message": error.message,
                                              "changes": error.since}])  # fmt: skip
            response["ETag"] = etag(error.current)
            return response
        except ChangeRefused as error:
            return _refused(error, ref)
        return _with_etag(record, 201 if mode == "create" else 200)


def _refused(error: ChangeRefused, ref: str | None) -> Response:
    status = {NotFound: 404, Refused: 403, Taken: 409}.get(type(error), 400)
    return errors_response(
        status, [{"record": ref, "field": error.field, "message": error.message}]
    )


def _record_views(model: type[Record]) -> tuple[type[RecordsBase], type[RecordsBase]]:
    name = model.traits.section
    request_body = schema.record_serializer(name)
    response_body = schema.record_response_serializer(name)
    one, many = model.traits.label.lower(), model.traits.plural.lower()
    tags = [many]

    class ListCreate(RecordsBase):
        @extend_schema(
            operation_id=f"{name}_list", tags=tags, summary=f"List the {many} you may see",
            responses={200: response_body(many=True), **errors(401, 404, 429)},
        )  # fmt: skip
        def get(self, request: Request, slug: str) -> Response:
            page = self.paginate_queryset(self._queryset(request, _compact(slug)))
            return self.get_paginated_response([_plain(record) for record in page])

        @extend_schema(
            operation_id=f"{name}_create", tags=tags, summary=f"Record a {one}",
            description="Checked by the same reader as a records file; the answer holds the "
            "record's findings, and its ETag.",
            request=request_body, parameters=[ETAG],
            responses={201: response_body, **errors(400, 401, 403, 404, 409, 411, 413, 429)},
        )  # fmt: skip
        def post(self, request: Request, slug: str) -> Response:
            compact = _compact(slug)
            if not permissions.can_record(request.user, compact):
                raise ApiError(403, "Only members of a partner organisation and the Compact "
                               "officer can record")  # fmt: skip
            return self._store(request, compact, request.data.get("id") if isinstance(
                request.data, dict) else None, partial=False, mode="create")  # fmt: skip

    def updating(action: str, summary: str, fields: str):
        """The description of a change to one record (PUT and PATCH alike)."""
        return extend_schema(
            operation_id=f"{name}_{action}", tags=tags, summary=summary,
            description=f"{fields} Send If-Match with the ETag you read: if someone changed "
            "the record since, nothing is saved (412).",
            request=request_body, parameters=[IF_MATCH, ETAG, STALE_ETAG],
            responses={200: response_body, **errors(400, 401, 403, 404, 409, 411, 412, 413, 429)},
        )  # fmt: skip

    class Detail(RecordsBase):
        def _found(self, request: Request, compact: Compact, ref: str) -> Record:
            record = self._queryset(request, compact).filter(ref=ref).first()
            if record is None:
                raise ApiError(404, "No such record", record=ref)
            return record

        @extend_schema(
            operation_id=f"{name}_retrieve", tags=tags, summary=f"One {one}, with its findings",
            parameters=[ETAG], responses={200: response_body, **errors(401, 404, 429)},
        )  # fmt: skip
        def get(self, request: Request, slug: str, ref: str) -> Response:
            record = self._found(request, _compact(slug), ref)
            response = Response(_plain(record))
            response["ETag"] = etag(record)
            return response

        def _update(self, request: Request, slug: str, ref: str, partial: bool) -> Response:
            compact = _compact(slug)
            self._found(request, compact, ref)  # 404 for a record the user cannot see
            return self._store(request, compact, ref, partial=partial, mode="update")

        @updating("update", f"Replace a {one}", "Fields left out are recorded as not known.")
        def put(self, request: Request, slug: str, ref: str) -> Response:
            return self._update(request, slug, ref, partial=False)

        @updating("partial_update", f"Change some fields of a {one}",
                  "Fields left out keep their values.")  # fmt: skip
        def patch(self, request: Request, slug: str, ref: str) -> Response:
            return self._update(request, slug, ref, partial=True)

        @extend_schema(
            operation_id=f"{name}_destroy", tags=tags, summary=f"Delete a {one}",
            parameters=[IF_MATCH, STALE_ETAG],
            responses={204: None, **errors(400, 401, 403, 404, 409, 412, 429)},
        )  # fmt: skip
        def delete(self, request: Request, slug: str, ref: str) -> Response:
            compact = _compact(slug)
            self._found(request, compact, ref)
            try:
                delete_record(Actor(request.user, "API"), compact, model, ref,
                              version=_if_match(request))  # fmt: skip
            except Stale as error:
                response = errors_response(412, [{"record": ref, "field": None,
                                                  "message": error.message}])  # fmt: skip
                response["ETag"] = etag(error.current)
                return response
            except ChangeRefused as error:
                return _refused(error, ref)
            return Response(status=204)

    ListCreate.model = Detail.model = model
    ListCreate.serializer_class = Detail.serializer_class = response_body
    ListCreate.__name__, Detail.__name__ = f"{model.__name__}List", f"{model.__name__}Detail"
    return ListCreate, Detail


RECORD_VIEWS = {record_type: _record_views(model) for record_type, model in RECORD_MODELS.items()}

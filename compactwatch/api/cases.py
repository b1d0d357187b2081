"""Disagreements through the API (issue 13, point 9): list, read and raise cases, and take
their steps, through the same use cases as the web pages (compactwatch/changes/cases.py), so
the permissions are the same: a case the user may not see is 404, whether or not it exists.
Errors have the API's one shape; a step sent with an older version (If-Match, or `version`)
is refused with 412 and the case's current ETag.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from compactwatch.api.errors import ApiError, errors_response
from compactwatch.api.parsers import BoundedJSONParser
from compactwatch.api.schema import ETAG, IF_MATCH, STALE_ETAG, errors
from compactwatch.changes import cases as use
from compactwatch.changes.base import Actor, ChangeRefused, NotFound, Refused, Stale, Taken
from compactwatch.compacts.models import Compact
from compactwatch.disputes.models import Case
from compactwatch.organisations.models import Organisation

STEP_KINDS = ("acknowledge", "respond", "extend", "move", "close", "note", "answer", "publish")


# ---------------------------------------------------------------- the shapes, for OpenAPI


class RecordRefSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["consultation", "funding_agreement", "funding_change"])
    id = serializers.CharField(max_length=100)


class DeadlineSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["acknowledge", "respond"])
    who = serializers.CharField(help_text="The role that is to act, e.g. 'other party'")
    day = serializers.DateField()
    explanation = serializers.CharField(
        help_text="How it was worked out: '10 working days from 19 March 2027, skipping ...'"
    )
    status = serializers.ChoiceField(choices=["due", "due today", "overdue", "long overdue"],
                                     help_text="Worked out on the day asked, never stored")  # fmt: skip


class StepOutSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    kind = serializers.CharField()
    words = serializers.CharField(help_text="The step in words: 'Acknowledged'")
    day = serializers.DateField()
    at = serializers.DateTimeField()
    by = serializers.CharField(allow_blank=True)
    acting_as = serializers.CharField(allow_blank=True)
    from_stage = serializers.CharField(allow_blank=True)
    to_stage = serializers.CharField(allow_blank=True)
    text = serializers.CharField(allow_blank=True)
    outcome = serializers.CharField(allow_blank=True)
    extension_days = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    documents = serializers.ListField(child=serializers.CharField())


class ChoiceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    by = serializers.ListField(child=serializers.CharField())
    to = serializers.CharField(allow_null=True)
    outcome = serializers.CharField(allow_null=True)
    label = serializers.CharField()


class CaseSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The case's reference, e.g. D-2026-014")
    raised_by = serializers.CharField(help_text="Who raised it, in words")
    raising_organisation = serializers.CharField(allow_null=True)
    on_behalf_of = serializers.CharField(allow_blank=True)
    other_party = serializers.CharField()
    commitments = serializers.ListField(child=serializers.CharField())
    records = RecordRefSerializer(many=True)
    what_happened = serializers.CharField()
    wanted = serializers.CharField()
    raised_on = serializers.DateField(allow_null=True)
    stage = serializers.CharField(allow_blank=True)
    stage_name = serializers.CharField(allow_blank=True)
    whose_move = serializers.CharField(allow_blank=True)
    next_deadline = DeadlineSerializer(allow_null=True)
    waiting_for_the_officer = serializers.BooleanField()
    closed = serializers.BooleanField()
    outcome = serializers.CharField(allow_blank=True)
    outcome_text = serializers.CharField(allow_blank=True)
    breach_found = serializers.BooleanField(allow_null=True)
    breach_commitment = serializers.CharField(allow_blank=True)
    lessons = serializers.CharField(allow_blank=True)
    raiser_answer = serializers.CharField(allow_blank=True)
    published = serializers.BooleanField()
    version = serializers.IntegerField()


class CaseDetailSerializer(CaseSerializer):
    steps = StepOutSerializer(many=True)
    choices = ChoiceSerializer(many=True, help_text="The steps you may take now")


class CaseCreateSerializer(serializers.Serializer):
    other_party = serializers.CharField(help_text="The other party's id in the register")
    commitments = serializers.ListField(child=serializers.CharField(), min_length=1,
                                        help_text="Citations from the edition in force, e.g. "
                                        "cambridgeshire-refreshed/4.5")  # fmt: skip
    what_happened = serializers.CharField(max_length=10000)
    wanted = serializers.CharField(max_length=5000)
    raising_organisation = serializers.CharField(
        required=False, help_text="Your organisation's id (needed if you act for more than one)"
    )
    on_behalf_of = serializers.CharField(required=False, allow_blank=True, max_length=300)
    records = RecordRefSerializer(many=True, required=False)


class StepInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=STEP_KINDS)
    version = serializers.IntegerField(
        required=False, help_text="The case's version as read (or send If-Match)"
    )
    text = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    days = serializers.IntegerField(required=False, min_value=1, help_text="For extend")
    reason = serializers.CharField(required=False, allow_blank=True, help_text="For extend")
    to_stage = serializers.CharField(required=False, help_text="For move: a stage id")
    outcome = serializers.ChoiceField(choices=["resolved", "withdrawn", "unresolved"],
                                      required=False, help_text="For close")  # fmt: skip
    outcome_text = serializers.CharField(required=False, allow_blank=True, help_text="For close")
    breach_found = serializers.BooleanField(required=False, allow_null=True)
    breach_commitment = serializers.CharField(required=False, allow_blank=True)
    lessons = serializers.CharField(required=False, allow_blank=True)
    answer = serializers.ChoiceField(choices=["yes", "partly", "no"], required=False,
                                     help_text="For answer: was it resolved for you?")  # fmt: skip


# ---------------------------------------------------------------- a case as JSON


def _deadline(case: Case, today: date) -> dict[str, Any] | None:
    if case.closed or case.is_waiting:
        return None
    due = case.state().next_deadline
    if due is None:
        return None
    return {"action": due.action, "who": due.who, "day": due.day.isoformat(),
            "explanation": due.explanation, "status": due.status(today)}  # fmt: skip


def case_json(case: Case, today: date) -> dict[str, Any]:
    return {
        "id": case.ref, "raised_by": case.raiser_words,
        "raising_organisation": case.raising_organisation.ref if case.raising_organisation else None,
        "on_behalf_of": case.on_behalf_of, "other_party": case.other_party.ref,
        "commitments": case.citations(),
        "records": [{"type": r.record_type, "id": r.record_ref} for r in case.records.all()],
        "what_happened": case.what_happened, "wanted": case.wanted,
        "raised_on": case.raised_on.isoformat() if case.raised_on else None,
        "stage": case.stage, "stage_name": case.stage_name() if case.stage else "",
        "whose_move": case.whose_move, "next_deadline": _deadline(case, today),
        "waiting_for_the_officer": case.is_waiting, "closed": case.closed,
        "outcome": case.outcome, "outcome_text": case.outcome_text,
        "breach_found": case.breach_found, "breach_commitment": case.breach_commitment,
        "lessons": case.lessons, "raiser_answer": case.raiser_answer,
        "published": case.is_published, "version": case.version,
    }  # fmt: skip


def _detail(actor: Actor, case: Case) -> Response:
    today = timezone.localdate()
    steps = [
        {"number": s.number, "kind": s.kind, "words": s.kind_words, "day": s.day.isoformat(),
         "at": s.at.isoformat(), "by": s.username, "acting_as": s.acting_as,
         "from_stage": s.from_stage, "to_stage": s.to_stage, "text": s.text,
         "outcome": s.outcome, "extension_days": s.extension_days, "reason": s.reason,
         "documents": [d.name for d in s.documents.all()]}
        for s in use.timeline(actor, case)
    ]  # fmt: skip
    choices = [
        {"kind": c.kind, "by": list(c.by), "to": c.to, "outcome": c.outcome, "label": c.label}
        for c in use.choices_for(actor, case, today)
    ]
    response = Response({**case_json(case, today), "steps": steps, "choices": choices})
    response["ETag"] = f'"{case.version}"'
    return response


def _refused(error: ChangeRefused, ref: str | None) -> Response:
    status = {NotFound: 404, Refused: 403, Taken: 409}.get(type(error), 400)
    return errors_response(
        status, [{"record": ref, "field": error.field, "message": error.message}]
    )


def _compact(slug: str) -> Compact:
    return get_object_or_404(Compact, slug=slug)


def _organisation(compact: Compact, ref: Any, field: str) -> Organisation | None:
    if ref in (None, ""):
        return None
    found = Organisation.objects.filter(compact=compact, ref=str(ref)).first()
    if found is None:
        raise ApiError(400, f"There is no organisation '{ref}' in the register", field=field)
    return found


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ApiError(400, "send one JSON object")
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        errors = [{"record": None, "field": field, "message": str(message)}
                  for field, messages in serializer.errors.items() for message in messages]  # fmt: skip
        raise ApiError(400, errors[0]["message"], field=errors[0]["field"])
    return dict(serializer.validated_data)


# ---------------------------------------------------------------- the views


@extend_schema_view(
    get=extend_schema(
        operation_id="cases_list", tags=["cases"], summary="List the cases you may see",
        description="The officer and the Compact Development Group see every case; a "
        "partner's member sees those of their organisations. Open cases by their next "
        "deadline first.",
        parameters=[OpenApiParameter("closed", bool, description="Only closed (true) or open "
                                     "(false) cases")],
        responses={200: CaseSerializer(many=True), **errors(400, 401, 404, 429)},
    ),
    post=extend_schema(
        operation_id="cases_create", tags=["cases"], summary="Raise a case",
        request=CaseCreateSerializer, parameters=[ETAG],
        responses={201: CaseDetailSerializer, **errors(400, 401, 403, 404, 411, 413, 429)},
    ),
)  # fmt: skip
class CaseList(GenericAPIView):
    parser_classes = [BoundedJSONParser]
    serializer_class = CaseSerializer

    def get_queryset(self):
        return use.visible_cases(Actor(self.request.user, "API"), _compact(self.kwargs["slug"]))

    def get(self, request: Request, slug: str) -> Response:
        from django.db.models import F

        cases = self.get_queryset().select_related("raising_organisation", "other_party")
        closed = request.query_params.get("closed")
        if closed not in (None, "", "true", "false"):
            raise ApiError(400, "closed is true or false", field="closed")
        if closed:
            cases = cases.filter(closed=closed == "true")
        cases = cases.prefetch_related("commitments", "records", "steps").order_by(
            "closed", F("next_due").asc(nulls_last=True), "-year", "-number"
        )
        page = self.paginate_queryset(cases)
        today = timezone.localdate()
        return self.get_paginated_response([case_json(case, today) for case in page])

    def post(self, request: Request, slug: str) -> Response:
        compact = _compact(slug)
        if not request.user.is_authenticated:
            raise ApiError(401, "Sign in (send your token) to raise a case")
        data = _valid(CaseCreateSerializer, request.data)
        actor = Actor(request.user, "API")
        raising = _organisation(compact, data.get("raising_organisation"), "raising_organisation")
        if raising is None:
            from compactwatch import permissions

            mine = permissions.organisation_ids(request.user, compact)
            if len(mine) == 1:
                raising = Organisation.objects.get(pk=mine[0])
        try:
            case = use.raise_case(
                actor, compact,
                other_party=_organisation(compact, data["other_party"], "other_party"),  # type: ignore[arg-type]
                commitments=data["commitments"], what_happened=data["what_happened"],
                wanted=data["wanted"], raising_organisation=raising,
                on_behalf_of=data.get("on_behalf_of", ""),
                records=[(item["type"], item["id"]) for item in data.get("records", [])],
            )  # fmt: skip
        except ChangeRefused as error:
            return _refused(error, None)
        response = _detail(actor, case)
        response.status_code = 201
        return response


class CaseDetail(GenericAPIView):
    serializer_class = CaseDetailSerializer

    def get_queryset(self):
        return use.visible_cases(Actor(self.request.user, "API"), _compact(self.kwargs["slug"]))

    @extend_schema(
        operation_id="case_retrieve", tags=["cases"],
        summary="One case: where it stands, its next deadline, its steps and what you may do",
        parameters=[ETAG], responses={200: CaseDetailSerializer, **errors(401, 404, 429)},
    )  # fmt: skip
    def get(self, request: Request, slug: str, ref: str) -> Response:
        actor = Actor(request.user, "API")
        try:
            case = use.get_case(actor, _compact(slug), ref)
        except NotFound as error:
            return _refused(error, ref)
        return _detail(actor, case)


def _version(request: Request, data: dict[str, Any]) -> int:
    header = request.headers.get("If-Match", "").strip()
    if header and header != "*":
        tag = header.split(",")[0].strip().removeprefix("W/").strip('"')
        if not (tag.isascii() and tag.isdigit()) or len(tag) > 10:
            raise ApiError(412, 'If-Match must be an ETag this API gave (a version such as "3")',
                           field="If-Match")  # fmt: skip
        return int(tag)
    if data.get("version") is None:
        raise ApiError(400, "Send the case's version as read: If-Match, or 'version'",
                       field="version")  # fmt: skip
    return int(data["version"])


def take_step(actor: Actor, case: Case, data: dict[str, Any], version: int) -> None:
    """One step of the route (or the raiser's answer, or agreeing to publish)."""
    kind, text = data["kind"], data.get("text", "")
    if kind == "acknowledge":
        use.acknowledge(actor, case, version=version, text=text)
    elif kind == "respond":
        use.respond(actor, case, version=version, text=text)
    elif kind == "extend":
        use.extend(actor, case, version=version, days=data.get("days") or 0,
                   reason=data.get("reason", ""))  # fmt: skip
    elif kind == "move":
        use.move(actor, case, version=version, to_stage=data.get("to_stage", ""), text=text)
    elif kind == "close":
        use.close(actor, case, version=version, outcome=data.get("outcome", ""),
                  outcome_text=data.get("outcome_text", ""),
                  breach_found=data.get("breach_found"),
                  breach_commitment=data.get("breach_commitment", ""),
                  lessons=data.get("lessons", ""))  # fmt: skip
    elif kind == "note":
        use.add_note(actor, case, version=version, text=text)
    elif kind == "answer":
        use.answer(actor, case, version=version, answer=data.get("answer", ""), text=text)
    else:
        use.agree_to_publish(actor, case, version=version)


class CaseSteps(GenericAPIView):
    parser_classes = [BoundedJSONParser]
    serializer_class = StepInSerializer

    @extend_schema(
        operation_id="case_step_create", tags=["cases"], summary="Take a step on a case",
        description="acknowledge, respond, extend (days, reason), move (to_stage), close "
        "(outcome, outcome_text, breach_found, breach_commitment, lessons), note; after "
        "closing, the raiser's answer (yes, partly, no) and agreeing to publish. Send the "
        "version read (If-Match or `version`): if the case changed since, nothing is saved "
        "(412). A step the route does not allow is a 400 saying why.",
        request=StepInSerializer, parameters=[IF_MATCH, ETAG, STALE_ETAG],
        responses={200: CaseDetailSerializer, **errors(400, 401, 403, 404, 411, 412, 413, 429)},
    )  # fmt: skip
    def post(self, request: Request, slug: str, ref: str) -> Response:
        if not request.user.is_authenticated:
            raise ApiError(401, "Sign in (send your token) to act on a case")
        actor = Actor(request.user, "API")
        compact = _compact(slug)
        try:
            case = use.get_case(actor, compact, ref)
        except NotFound as error:
            return _refused(error, ref)
        data = _valid(StepInSerializer, request.data)
        version = _version(request, data)
        try:
            take_step(actor, case, data, version)
        except Stale as error:
            response = errors_response(412, [{"record": ref, "field": None,
                                              "message": error.message, "changes": error.since}])  # fmt: skip
            response["ETag"] = f'"{error.current.version}"'
            return response
        except ChangeRefused as error:
            return _refused(error, ref)
        return _detail(actor, use.get_case(actor, compact, ref))

"""Records for partners and the officer: lists, pages with findings, forms and uploads."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from compactwatch import permissions
from compactwatch.changes.base import Actor, NotFound, Refused, Stale, Taken
from compactwatch.changes.records import save_record
from compactwatch.changes.uploads import upload as store_upload
from compactwatch.compact.records import InputError
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.findings import treatment
from compactwatch.findings.treatment import STATUS_NAMES
from compactwatch.organisations.models import Organisation
from compactwatch.params import BadQuery, query_int, query_year
from compactwatch.records.models import RECORD_MODELS, Record
from compactwatch.web import record_page
from compactwatch.web.forms import FORMS
from compactwatch.web.views.errors import bad_request

TYPE_LABELS = {record_type: model.traits.label for record_type, model in RECORD_MODELS.items()}


def _model(record_type: str) -> type[Record]:
    if record_type not in RECORD_MODELS:
        raise Http404("No such kind of record")
    return RECORD_MODELS[record_type]


PAGE_SIZE = 25
SEARCH_LENGTH = 200  # characters of a text search that are used


def _choice(request: HttpRequest, name: str, choices: Iterable[str]) -> str:
    """A filter's value: one of the choices, or "" when not given; anything else is refused."""
    value = request.GET.get(name, "")
    if value and value not in choices:
        raise BadQuery(f"'{name}' takes one of: {', '.join(choices)}")
    return value


@login_required
def record_list(request: HttpRequest, compact: str) -> HttpResponse:
    the_compact = get_object_or_404(Compact, slug=compact)
    try:
        record_type = _choice(request, "type", RECORD_MODELS)
        status = _choice(request, "status", treatment.STATUSES)
        sort = _choice(request, "sort", treatment.SORTS) or "newest"
        side = _choice(request, "side", treatment.SIDES)
        year, number = query_year(request.GET), query_int(request.GET, "page", 1, 10**9)
        body = _body(the_compact, request.GET.get("body", ""))
    except BadQuery as problem:
        return bad_request(request, problem)
    text = request.GET.get("q", "").strip()[:SEARCH_LENGTH]
    querysets = []
    for model in [RECORD_MODELS[record_type]] if record_type else RECORD_MODELS.values():
        records = permissions.visible_records(request.user, model, the_compact)
        if body is not None:
            records = records.filter(treatment.on_side(model, [body.pk], side))
        if year is not None:
            records = records.filter(treatment.key_date_in(model, year))
        if text:
            records = records.filter(treatment.matching(model, text))
        querysets.append(records)
    page = Paginator(treatment.listing(querysets, sort, status), PAGE_SIZE).get_page(number)
    page.object_list = treatment.rows(page.object_list, the_compact)
    return render(request, "web/records/list.html", {
        "compact": the_compact, "page": page, "record_type": record_type, "types": TYPE_LABELS,
        "status": status, "statuses": STATUS_NAMES, "sort": sort, "sorts": treatment.SORTS,
        "side": side, "sides": treatment.SIDES, "body": body, "year": year, "text": text,
        "bodies": the_compact.organisations.order_by(Lower("name")).only("ref", "name"),
        "can_record": permissions.can_record(request.user, the_compact),
        "is_officer": permissions.is_officer(request.user, the_compact),
    })  # fmt: skip


def _body(compact: Compact, ref: str) -> Organisation | None:
    if not ref:
        return None
    body = Organisation.objects.filter(compact=compact, ref=ref).first()
    if body is None:
        raise BadQuery(
            f"'body' takes an organisation in the register; there is none called '{ref}'"
        )
    return body


def _record(request: HttpRequest, compact: Compact, record_type: str, ref: str) -> Record:
    record = get_object_or_404(_model(record_type), compact=compact, ref=ref)
    if not permissions.can_view(request.user, record):
        raise Http404("No such record")  # not 403: do not reveal that it exists
    return record


@login_required
def record_detail(request: HttpRequest, compact: str, record_type: str, ref: str) -> HttpResponse:
    the_compact = get_object_or_404(Compact, slug=compact)
    record = _record(request, the_compact, record_type, ref)
    editions = editions_of(the_compact)
    (row,) = treatment.rows([{"cw_kind": record_type, "cw_pk": record.pk}], the_compact)
    findings = [
        {"finding": finding, "name": finding.name,
         "text": editions.get(finding.edition).commitment(finding.clause).text}
        for finding in row.findings
    ]  # fmt: skip
    return render(request, "web/records/detail.html", {
        "compact": the_compact, "record": row.record, "row": row, "label": TYPE_LABELS[record_type],
        "record_type": record_type, "fields": record_page.fields(row.record), "findings": findings,
        "can_edit": permissions.can_edit(request.user, record),
    })  # fmt: skip


def _form_page(
    request: HttpRequest, compact: Compact, record_type: str, instance: Record | None
) -> HttpResponse:
    form_class = FORMS[record_type]
    form = form_class(request.POST or None, instance=instance, compact=compact, user=request.user)
    stale = None
    if request.method == "POST" and form.is_valid():
        values, ref = form.values(), form.cleaned_data["ref"] or None
        if instance is not None and ref != instance.ref:
            values["ref"] = ref or instance.ref
        try:
            record = save_record(
                Actor(request.user, "form"), compact, RECORD_MODELS[record_type],
                instance.ref if instance else ref, values,
                mode="update" if instance else "create",
                version=form.cleaned_data["version"] if instance else None,
            )  # fmt: skip
        except NotFound:
            raise Http404("No such record") from None
        except Stale as error:
            stale = error
            form.data = form.data.copy()
            form.data["version"] = str(error.current.version)  # saving again keeps theirs
            form.add_error(None, error.message)
        except (Taken, Refused) as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                f"{TYPE_LABELS[record_type]} {record.ref} saved and checked against the Compact.",
            )
            return redirect(record.get_absolute_url())
    return render(request, "web/records/form.html", {
        "compact": compact, "form": form, "label": TYPE_LABELS[record_type], "instance": instance,
        "stale": stale,
    })  # fmt: skip


@login_required
def record_create(request: HttpRequest, compact: str, record_type: str) -> HttpResponse:
    the_compact = get_object_or_404(Compact, slug=compact)
    _model(record_type)
    if not permissions.can_record(request.user, the_compact):
        raise PermissionDenied(
            "Only members of a partner organisation and the Compact officer can record"
        )
    return _form_page(request, the_compact, record_type, None)


@login_required
def record_edit(request: HttpRequest, compact: str, record_type: str, ref: str) -> HttpResponse:
    the_compact = get_object_or_404(Compact, slug=compact)
    record = _record(request, the_compact, record_type, ref)
    if not permissions.can_edit(request.user, record):
        raise PermissionDenied("You can change only your own organisation's records")
    return _form_page(request, the_compact, record_type, record)


@login_required
def upload(request: HttpRequest, compact: str) -> HttpResponse:
    the_compact = get_object_or_404(Compact, slug=compact)
    if not permissions.can_record(request.user, the_compact):
        raise PermissionDenied(
            "Only members of a partner organisation and the Compact officer can upload"
        )
    context: dict = {"compact": the_compact}
    if request.method == "POST":
        files = request.FILES.getlist("files")
        if not files:
            context["errors"] = ["Choose at least one records file (JSON or CSV)"]
        else:
            try:
                outcome = store_upload(
                    Actor(request.user, "upload"), the_compact,
                    [(f.name, f.read()) for f in files],
                )  # fmt: skip
            except InputError as error:
                context["errors"] = [str(problem) for problem in error.errors]
                context["problem_count"], context["notes"] = error.total, error.notes
            else:
                context["outcome"], context["notes"] = outcome, outcome.notes
    return render(request, "web/records/upload.html", context)

"""Records for partners and the officer: lists, pages with findings, forms and uploads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from compactwatch import permissions
from compactwatch.changes.base import Actor, NotFound, Refused, Stale, Taken
from compactwatch.changes.records import save_record
from compactwatch.changes.uploads import upload as store_upload
from compactwatch.compact.records import InputError
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.records.models import RECORD_MODELS, Record
from compactwatch.web.forms import FORMS

TYPE_LABELS = {record_type: model.traits.label for record_type, model in RECORD_MODELS.items()}


def _model(record_type: str) -> type[Record]:
    if record_type not in RECORD_MODELS:
        raise Http404("No such kind of record")
    return RECORD_MODELS[record_type]


@login_required
def record_list(request: HttpRequest, compact: str) -> HttpResponse:
    the_compact = get_object_or_404(Compact, slug=compact)
    record_type = request.GET.get("type", "funding_change")
    model = _model(record_type)
    records = permissions.visible_records(request.user, model, the_compact).order_by("-updated")
    status = request.GET.get("status", "")
    if status in ("met", "explained", "not_met", "unknown"):
        records = records.filter(findings__status=status).distinct()
    page = Paginator(records, 25).get_page(request.GET.get("page"))
    return render(request, "web/records/list.html", {
        "compact": the_compact, "page": page, "record_type": record_type, "types": TYPE_LABELS,
        "status": status, "can_record": permissions.can_record(request.user, the_compact),
    })  # fmt: skip


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
    findings = []
    for finding in record.findings.order_by("commitment"):
        commitment = editions.get(finding.edition).commitment(finding.clause)
        findings.append({"finding": finding, "text": commitment.text})
    order = {"not_met": 0, "unknown": 1, "explained": 2, "met": 3}
    findings.sort(key=lambda item: order[item["finding"].status])
    fields = [
        (key.replace("_", " ").capitalize(), value) for key, value in record.as_record().items()
    ]
    if getattr(record, "programme", ""):
        fields.append(("Programme", record.programme))
    if getattr(record, "source_grant_id", ""):
        fields.append(("Imported from 360Giving, grant id", record.source_grant_id))
    return render(request, "web/records/detail.html", {
        "compact": the_compact, "record": record, "label": TYPE_LABELS[record_type],
        "record_type": record_type, "fields": fields, "findings": findings,
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

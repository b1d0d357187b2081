"""The Compact officer's 360Giving imports: upload a funder's file, follow it, cancel it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from compactwatch.changes.base import Actor, ChangeRefused
from compactwatch.changes.undo_import import plan_undo
from compactwatch.compact.words import capital
from compactwatch.imports import problems as listed
from compactwatch.imports.access import officer_compact, officer_job
from compactwatch.imports.describe import (
    kinds_line,
    outcome_lines,
    summary_lines,
)
from compactwatch.imports.models import ImportJob
from compactwatch.imports.services import (
    mark_stalled_failed,
    request_cancel,
    undo_job,
    undo_refusal,
)
from compactwatch.imports.uploads import start_import
from compactwatch.organisations.models import Organisation
from compactwatch.threesixtygiving.reading import ReadError
from compactwatch.threesixtygiving.validating import Problem

ERRORS_SHOWN = 200  # of a job with no problems grouped (one from before they were)
FUNDERS_SHOWN = 20


@login_required
def imports(request: HttpRequest, compact: str) -> HttpResponse:
    the_compact = officer_compact(request.user, compact)
    context: dict = {"compact": the_compact, "valid_only": False}
    if request.method == "POST":
        upload = request.FILES.get("file")
        context["valid_only"] = request.POST.get("valid_only") == "yes"
        if upload is None:
            context["error"] = "Choose a 360Giving file (JSON, CSV or XLSX)"
        else:
            try:
                job = start_import(
                    the_compact, upload, request.user, valid_only=context["valid_only"]
                )
            except ReadError as problem:
                context["error"] = capital(str(problem))
            else:
                return redirect(job.get_absolute_url())
    context["jobs"] = ImportJob.objects.filter(compact=the_compact).select_related("funder")[:30]
    return render(request, "web/imports/imports.html", context)


def _funders(job: ImportJob) -> list[tuple[Organisation, int]]:
    """The funders of a file's grants, most grants first (a file may hold several)."""
    counts = {
        entry["ref"]: entry["grants"] for entry in job.outcome.get("funders", [])[:FUNDERS_SHOWN]
    }
    found = {
        org.ref: org for org in Organisation.objects.filter(compact=job.compact, ref__in=counts)
    }
    return [(found[ref], count) for ref, count in counts.items() if ref in found]


def _kinds(job: ImportJob) -> list[dict]:
    """Every kind of problem, with how many and the first examples (as Problems)."""
    return [
        {**entry, "examples": [Problem(**example) for example in entry["examples"]],
         "more": entry["count"] - len(entry["examples"])}
        for entry in job.problem_kinds
    ]  # fmt: skip


@login_required
def job(request: HttpRequest, compact: str, pk: int) -> HttpResponse:
    the_job = officer_job(request.user, compact, pk)
    outcome = the_job.outcome
    kinds = _kinds(the_job)
    return render(request, "web/imports/job.html", {
        "compact": the_job.compact, "job": the_job, "lines": outcome_lines(the_job),
        "funders": _funders(the_job), "stalled": the_job.stalled(timezone.now()),
        "agreements": sum(outcome.get(key, 0) for key in ("created", "changed", "unchanged")),
        "summary": summary_lines(the_job.summary), "kinds": kinds,
        "kinds_line": kinds_line(the_job),
        "may_undo": undo_refusal(the_job) is None,
        "problems": [] if kinds else [Problem(**p) for p in the_job.errors[:ERRORS_SHOWN]],
        "more_problems": 0 if kinds else max(0, the_job.error_count - ERRORS_SHOWN),
    })  # fmt: skip


@login_required
def problems(request: HttpRequest, compact: str, pk: int) -> StreamingHttpResponse:
    """Every problem of an import as CSV, streamed from the list kept beside the database."""
    the_job = officer_job(request.user, compact, pk)
    response = StreamingHttpResponse(
        listed.csv_chunks(the_job), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{the_job.pk}-problems.csv"'
    return response


@login_required
def progress(request: HttpRequest, compact: str, pk: int) -> JsonResponse:
    """How far the import has gone, for the page's progress bar."""
    the_job = officer_job(request.user, compact, pk)
    return JsonResponse({
        "finished": the_job.is_finished, "percent": the_job.percent,
        "status": the_job.get_status_display(), "lines": outcome_lines(the_job),
    })  # fmt: skip


@login_required
@require_POST
def mark_failed(request: HttpRequest, compact: str, pk: int) -> HttpResponse:
    mark_stalled_failed(officer_job(request.user, compact, pk))
    return redirect("web:import", compact, pk)


@login_required
@require_POST
def cancel(request: HttpRequest, compact: str, pk: int) -> HttpResponse:
    request_cancel(officer_job(request.user, compact, pk))
    return redirect("web:import", compact, pk)


@login_required
def undo(request: HttpRequest, compact: str, pk: int) -> HttpResponse:
    """Undo an import: what it would remove and keep, then the officer's confirmation."""
    the_job = officer_job(request.user, compact, pk)
    refusal = undo_refusal(the_job)
    if request.method == "POST" and refusal is None:
        try:
            done = undo_job(Actor(request.user, "form"), the_job.pk)
        except ChangeRefused as error:  # undone or refused meanwhile: the page says why
            refusal = error.message
        else:
            outcome = done.undo_outcome
            messages.success(request, (
                f"Import undone: {outcome['agreements_removed']:,} funding agreements and "
                f"{outcome['organisations_removed']:,} organisations it added are removed."
            ))  # fmt: skip
            return redirect(done.get_absolute_url())
    the_job.refresh_from_db()
    plan = plan_undo(the_job.compact, the_job.pk) if refusal is None else None
    return render(request, "web/imports/undo.html", {
        "compact": the_job.compact, "job": the_job, "refusal": refusal, "plan": plan,
        "changed": the_job.outcome.get("changed", 0),
    }, status=200 if refusal is None or request.method == "GET" else 409)  # fmt: skip

"""The annual report's pages: the report (HTML), its PDF, the officer's buttons (make or
remake it in the background, publish it) and a partner's response form.

A published report is public; a draft is seen by the officer and the partners' members
(who may respond to it), and is no page at all to anyone else (404, as if none existed).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from compactwatch import permissions
from compactwatch.changes import reports as report_changes
from compactwatch.changes.base import Actor, ChangeRefused, Invalid, NotFound, Stale
from compactwatch.compacts.models import Compact
from compactwatch.organisations.models import Organisation
from compactwatch.reports import render as report_render
from compactwatch.reports.models import AnnualReport, BuildStatus, PartnerResponse
from compactwatch.web.views.manage import officer_only

EARLIEST_YEAR, LATEST_YEAR = report_changes.EARLIEST_YEAR, report_changes.LATEST_YEAR


def _report(request: HttpRequest, slug: str, year: int) -> tuple[Compact, AnnualReport]:
    """The year's report, if the viewer may see it; for the officer, an unsaved one when
    none has been made, so that the page offers to make it."""
    compact = get_object_or_404(Compact, slug=slug)
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise Http404("No such year")
    report = AnnualReport.objects.filter(compact=compact, year=year).first()
    if report is None:
        if not permissions.is_officer(request.user, compact):
            raise Http404("No report for this year")
        report = AnnualReport(compact=compact, year=year)
    if not report_changes.may_see(request.user, report):
        raise Http404("No report for this year")
    return compact, report


def report_list(request: HttpRequest, compact: str) -> HttpResponse:
    """The Compact's annual reports: the published ones, and the drafts for those who may
    see them; the officer chooses a year to make."""
    the_compact = get_object_or_404(Compact, slug=compact)
    reports = [
        report
        for report in AnnualReport.objects.filter(compact=the_compact).order_by("-year")
        if report_changes.may_see(request.user, report)
    ]
    is_officer = permissions.is_officer(request.user, the_compact)
    year_error = None
    if is_officer and "year" in request.GET:
        year = request.GET["year"].strip()
        if year.isdigit() and EARLIEST_YEAR <= int(year) <= LATEST_YEAR:
            return redirect("web:annual_report_manage", the_compact.slug, int(year))
        year_error = f"Enter a year from {EARLIEST_YEAR} to {LATEST_YEAR}, like 2025"
    return render(request, "web/reports/list.html", {
        "compact": the_compact, "reports": reports, "is_officer": is_officer,
        "year_error": year_error, "year_typed": request.GET.get("year", ""),
    })  # fmt: skip


def annual(request: HttpRequest, compact: str, year: int) -> HttpResponse:
    the_compact, report = _report(request, compact, year)
    own = Organisation.objects.filter(
        pk__in=permissions.organisation_ids(request.user, the_compact)
    ).order_by("name")
    context = report_render.context(report, for_print=False)
    context.update({
        "compact": the_compact, "is_officer": permissions.is_officer(request.user, the_compact),
        "own_organisations": own if report.pk and not report.is_published else [],
        "building": report.build_status in (BuildStatus.QUEUED, BuildStatus.RUNNING),
    })  # fmt: skip
    return render(request, report_render.TEMPLATE, context)


@officer_only
def manage(request: HttpRequest, compact: Compact, year: int) -> HttpResponse:
    """The officer's page for the year's report: make (or remake) it in the background,
    follow its progress, read every response, publish it."""
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise Http404("No such year")
    report = AnnualReport.objects.filter(compact=compact, year=year).first() or AnnualReport(
        compact=compact, year=year
    )
    if request.method == "POST":
        return _officer_action(request, compact, report)
    return render(request, "web/reports/manage.html", {
        "compact": compact, "report": report,
        "building": report.build_status in (BuildStatus.QUEUED, BuildStatus.RUNNING),
        "responses": report_changes.responses_for(request.user, report) if report.pk else [],
    })  # fmt: skip


def _officer_action(request: HttpRequest, compact: Compact, report: AnnualReport) -> HttpResponse:
    actor = Actor(request.user, "form")
    action = request.POST.get("action")
    version = request.POST.get("version", "")
    try:
        if action == "make":
            report_changes.queue_draft(actor, compact, report.year)
            messages.success(
                request,
                f"The {report.year} report is being made from the Compact's data. This page "
                "shows how far it has got.",
            )
        elif action == "publish":
            if not report.pk or not version.isdigit():
                raise Invalid("Make the report before publishing it: it has no figures yet")
            report_changes.publish(actor, report, version=int(version))
            messages.success(request, f"The {report.year} report is published and frozen.")
            return redirect("web:annual_report", compact.slug, report.year)
        else:
            return HttpResponse("Choose to make or to publish the report", status=400)
    except Stale:
        messages.error(
            request,
            "The report was made again after you opened this page, so it was not published. "
            "Check it again, then publish.",
        )
    except ChangeRefused as error:
        messages.error(request, error.message)
    return redirect("web:annual_report_manage", compact.slug, report.year)


def annual_pdf(request: HttpRequest, compact: str, year: int) -> HttpResponse:
    the_compact, report = _report(request, compact, year)
    if not report.pk or not report.snapshot:
        raise Http404("This report has no figures yet")
    response = HttpResponse(report_render.pdf(report), content_type="application/pdf")
    state = "" if report.is_published else "-draft"
    response["Content-Disposition"] = (
        f'attachment; filename="{the_compact.slug}-annual-report-{year}{state}.pdf"'
    )
    return response


class ResponseForm(forms.Form):
    text = forms.CharField(
        label="Your organisation's response",
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 10}),
        max_length=report_changes.MAX_RESPONSE,
        error_messages={"required": "Enter your organisation's response"},
    )
    final = forms.BooleanField(label="It is ready to be printed in the report", required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


@login_required
def response_form(request: HttpRequest, compact: str, year: int, ref: str) -> HttpResponse:
    """A partner's response to the year's draft report: its own members only."""
    the_compact, report = _report(request, compact, year)
    organisation = get_object_or_404(Organisation, compact=the_compact, ref=ref)
    if organisation.pk not in permissions.organisation_ids(request.user, the_compact):
        raise Http404("No such response")
    if not report.pk or report.is_published:
        raise Http404("This report takes no responses")
    stored = PartnerResponse.objects.filter(report=report, organisation=organisation).first()
    initial = (
        {"text": stored.text, "final": stored.status == "final", "version": stored.version}
        if stored
        else {}
    )
    form = ResponseForm(request.POST or None, initial=initial)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            report_changes.save_response(
                Actor(request.user, "form"), report, organisation,
                text=form.cleaned_data["text"], final=form.cleaned_data["final"],
                version=form.cleaned_data["version"],
            )  # fmt: skip
        except Stale as error:
            stale = True
            # The form again with the words typed, now against the version stored.
            form = ResponseForm({**request.POST.dict(), "version": error.current.version})
            form.is_valid()
            form.add_error(
                None,
                "Someone else changed this response after you opened it, so nothing was saved. "
                "Their words are below yours; check them, then save again.",
            )
        except (Invalid, NotFound) as error:
            form.add_error("text" if error.field == "text" else None, error.message)
        else:
            messages.success(request, f"{organisation.name}'s response is saved.")
            return redirect("web:annual_report", the_compact.slug, year)
    return render(request, "web/reports/response.html", {
        "compact": the_compact, "report": report, "organisation": organisation, "form": form,
        "stale": stale, "stored": stored,
    })  # fmt: skip

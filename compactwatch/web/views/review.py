"""The annual review's pages (2007 edition, 5.2): the review of a year (public: the
meeting, who attended, minutes, decisions, the work programme, how the plan went), the
officer's forms to record the meeting and the work programme, and carrying the year's
unfinished action items into next year's plan, after a page that lists what will be
carried. Thin over compactwatch/changes/annual_review.py and action_plan.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from compactwatch import permissions
from compactwatch.changes import action_plan as plan_use
from compactwatch.changes import annual_review as use
from compactwatch.changes.base import Actor, ChangeRefused, NotFound
from compactwatch.compacts.models import Compact
from compactwatch.monitoring.models import Status
from compactwatch.web.views.action_plan import saved, the_year
from compactwatch.web.views.cases import officer_only
from compactwatch.web.views.review_forms import MeetingForm, WorkItemForm


def review_now(request: HttpRequest, compact: str) -> HttpResponse:
    """The review of last year (the one a Compact holds this year)."""
    get_object_or_404(Compact, slug=compact)
    return redirect("web:annual_review", compact, timezone.localdate().year - 1)


def review_page(request: HttpRequest, compact: str, year: int) -> HttpResponse:
    the_compact = get_object_or_404(Compact, slug=compact)
    year = the_year(year)
    items = plan_use.plan(the_compact, year)
    counts = [(status.label, sum(item.status == status for item in items))
              for status in Status]  # fmt: skip
    return render(request, "web/monitoring/review.html", {
        "compact": the_compact, "year": year, "meeting": use.meeting_of(the_compact, year),
        "programme": use.programme(the_compact, year), "items": items, "counts": counts,
        "to_carry": plan_use.to_be_carried(the_compact, year),
        "overdue": sum(item.overdue_on(timezone.localdate()) for item in items),
        "is_officer": permissions.is_officer(request.user, the_compact),
    })  # fmt: skip


@officer_only
def meeting_form(request: HttpRequest, compact: Compact, year: int) -> HttpResponse:
    """Record the review meeting of `year`, or change it."""
    year = the_year(year)
    meeting = use.meeting_of(compact, year)
    initial = {"version": meeting.version if meeting else None}
    if meeting:
        initial.update(date=meeting.date, attendees=meeting.attendees, minutes=meeting.minutes,
                       decisions=meeting.decisions,
                       organisations=list(meeting.organisations.all()))  # fmt: skip
    form = MeetingForm(compact, request.POST or None, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        recorded, stale = saved(form, lambda version: use.record_meeting(
            Actor(request.user, "form"), compact, year, form.values(), version=version))  # fmt: skip
        if recorded is not None:
            messages.success(request, f"The review meeting of {year} is saved.")
            return redirect("web:annual_review", compact.slug, year)
    return render(request, "web/monitoring/meeting_form.html", {
        "compact": compact, "year": year, "form": form, "meeting": meeting, "stale": stale,
    })  # fmt: skip


@officer_only
def work_new(request: HttpRequest, compact: Compact, year: int) -> HttpResponse:
    year = the_year(year)
    form = WorkItemForm(compact, request.POST or None, initial={"lead_kind": "group"})
    if request.method == "POST" and form.is_valid():
        try:
            item = use.add_work_item(Actor(request.user, "form"), compact, year, form.values())
        except ChangeRefused as error:
            form.refuse(error.field, error.message)
        else:
            messages.success(request, f"{item.title} is added to the {year} work programme.")
            return redirect("web:annual_review", compact.slug, year)
    return render(request, "web/monitoring/work_form.html", {
        "compact": compact, "year": year, "form": form, "item": None,
    })  # fmt: skip


@officer_only
def work_edit(request: HttpRequest, compact: Compact, year: int, number: int) -> HttpResponse:
    try:
        item = use.get_work_item(compact, the_year(year), number)
    except NotFound as error:
        raise Http404(error.message) from error
    initial = {
        name: getattr(item, name)
        for name in ("title", "description", "lead_kind", "lead", "quarter", "starts", "ends")
    }
    initial["version"] = item.version
    form = WorkItemForm(compact, request.POST or None, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        changed, stale = saved(form, lambda version: use.change_work_item(
            Actor(request.user, "form"), item, form.values(), version=version))  # fmt: skip
        if changed is not None:
            messages.success(request, f"{changed.title} is saved.")
            return redirect("web:annual_review", compact.slug, item.year)
    return render(request, "web/monitoring/work_form.html", {
        "compact": compact, "year": item.year, "form": form, "item": item, "stale": stale,
    })  # fmt: skip


@officer_only
def carry(request: HttpRequest, compact: Compact, year: int) -> HttpResponse:
    """The confirm page: what will be carried into next year's plan; posting carries it."""
    year = the_year(year)
    if request.method == "POST":
        try:
            carried = plan_use.carry_unfinished(Actor(request.user, "form"), compact, year)
        except ChangeRefused as error:
            messages.error(request, error.message)
            return redirect("web:annual_review", compact.slug, year)
        if carried:
            count = len(carried)
            messages.success(request, f"{count} unfinished item{'s' if count != 1 else ''} of "
                             f"{year} carried into the {year + 1} action plan.")  # fmt: skip
        else:
            messages.success(request, f"Nothing was left to carry: every unfinished item of "
                             f"{year} is already in the {year + 1} action plan.")  # fmt: skip
        return redirect("web:action_plan", compact.slug, year + 1)
    return render(request, "web/monitoring/carry.html", {
        "compact": compact, "year": year, "next_year": year + 1,
        "items": plan_use.to_be_carried(compact, year), "today": timezone.localdate(),
    })  # fmt: skip

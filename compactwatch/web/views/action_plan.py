"""The action plan's pages (2007 edition, 5.2): a year's plan and each item (public: a
Compact's plan is a public document), the forms to add and change items (the Compact
officer), and progress notes (the officer, or a member of the item's owner). Thin over
compactwatch/changes/action_plan.py, which decides who may do what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from compactwatch import permissions
from compactwatch.changes import action_plan as use
from compactwatch.changes.base import Actor, ChangeRefused, NotFound, Stale
from compactwatch.compacts.models import Compact
from compactwatch.monitoring.models import ActionItem, Status
from compactwatch.web import audit_trail
from compactwatch.web.views.cases import officer_only
from compactwatch.web.views.review_forms import ItemForm, NoteForm

# The order the plan shows its groups in: what is under way first, what is settled last.
GROUPS = (Status.IN_PROGRESS, Status.NOT_STARTED, Status.DONE, Status.DROPPED)


T = TypeVar("T")


def the_year(year: int) -> int:
    """A year from the address, or 404 (a year no plan could have)."""
    try:
        return use.check_year(year)
    except ChangeRefused as error:
        raise Http404(error.message) from error


def stale_entries(error: Stale) -> list[dict[str, Any]]:
    """Who changed it since the form was opened, when, and what (the audit trail's words)."""
    return audit_trail.stale_entries(error.since, lambda name, value: value or "(none)")


def saved(form: Any, change: Callable[[int], T]) -> tuple[T | None, list[dict[str, Any]] | None]:
    """`change(version)` with the version the form was opened on: what it saved, or None
    with the refusal on the form (a stale save: who changed what since, and the form takes
    the current version so that saving again is on purpose)."""
    try:
        return change(form.cleaned_data["version"]), None
    except Stale as error:
        form.data = form.data.copy()
        form.data["version"] = str(error.current.version)
        form.refuse(None, error.message)
        return None, stale_entries(error)
    except ChangeRefused as error:
        form.refuse(error.field, error.message)
        return None, None


def annotate(compact: Compact, items: list[ActionItem]) -> list[ActionItem]:
    """Each item with what its page shows worked out: overdue today, its indicator's name."""
    today = timezone.localdate()
    names = dict(use.indicator_choices(compact))
    for item in items:
        item.overdue_now = item.overdue_on(today)
        item.indicator_name = names.get(
            item.indicator, "An indicator no longer in the Compact's file"
        )
    return items


def plan_now(request: HttpRequest, compact: str) -> HttpResponse:
    """The action plan of this year."""
    get_object_or_404(Compact, slug=compact)
    return redirect("web:action_plan", compact, timezone.localdate().year)


def plan_page(request: HttpRequest, compact: str, year: int) -> HttpResponse:
    the_compact = get_object_or_404(Compact, slug=compact)
    year = the_year(year)
    items = annotate(the_compact, use.plan(the_compact, year))
    today = timezone.localdate()
    groups = [
        (status.label, [item for item in items if item.status == status]) for status in GROUPS
    ]
    years = sorted({*use.plan_years(the_compact), year, today.year}, reverse=True)
    return render(request, "web/monitoring/plan.html", {
        "compact": the_compact, "year": year, "items": items, "groups": groups,
        "overdue": sum(item.overdue_now for item in items), "years": years,
        "is_officer": permissions.is_officer(request.user, the_compact),
    })  # fmt: skip


def _item(compact: Compact, year: int, number: int) -> ActionItem:
    try:
        return use.get_item(compact, the_year(year), number)
    except NotFound as error:
        raise Http404(error.message) from error


def item_page(request: HttpRequest, compact: str, year: int, number: int) -> HttpResponse:
    """An item with its progress notes, and a form to add one for those who may."""
    the_compact = get_object_or_404(Compact, slug=compact)
    item = annotate(the_compact, [_item(the_compact, year, number)])[0]
    actor = Actor(request.user, "form")
    may_update = request.user.is_authenticated and use.may_update(actor, item)
    form = None
    stale = None
    if may_update:
        form = NoteForm(request.POST or None, initial={"version": item.version})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            note, stale = saved(form, lambda version: use.add_note(
                actor, item, data["text"], status=data["status"], version=version))  # fmt: skip
            if note is not None:
                messages.success(request, f"Your progress note on {item.title} is added.")
                return redirect(item.get_absolute_url())
    elif request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied(use.OWNERS_ONLY)
    return render(request, "web/monitoring/item.html", {
        "compact": the_compact, "item": item, "form": form, "stale": stale,
        "notes": list(item.notes.order_by("at", "id")),
        "is_officer": permissions.is_officer(request.user, the_compact),
        "carried_to": item.carried_to if item.is_carried else None,
    })  # fmt: skip


@officer_only
def item_new(request: HttpRequest, compact: Compact, year: int) -> HttpResponse:
    year = the_year(year)
    form = ItemForm(compact, request.POST or None, initial={"owner_kind": "partner"})
    if request.method == "POST" and form.is_valid():
        try:
            item = use.add_item(Actor(request.user, "form"), compact, year, form.values())
        except ChangeRefused as error:
            form.refuse(error.field, error.message)
        else:
            messages.success(request, f"{item.title} is added to the {year} action plan.")
            return redirect(item.get_absolute_url())
    return render(request, "web/monitoring/item_form.html", {
        "compact": compact, "year": year, "form": form, "item": None,
    })  # fmt: skip


@officer_only
def item_edit(request: HttpRequest, compact: Compact, year: int, number: int) -> HttpResponse:
    item = _item(compact, year, number)
    initial = {name: getattr(item, name) for name in use.FIELDS}
    initial["version"] = item.version
    form = ItemForm(compact, request.POST or None, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        changed, stale = saved(form, lambda version: use.change_item(
            Actor(request.user, "form"), item, form.values(), version=version))  # fmt: skip
        if changed is not None:
            messages.success(request, f"{changed.title} is saved.")
            return redirect(changed.get_absolute_url())
    return render(request, "web/monitoring/item_form.html", {
        "compact": compact, "year": item.year, "form": form, "item": item, "stale": stale,
    })  # fmt: skip

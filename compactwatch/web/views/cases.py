"""Disagreements on the web (2007 edition, section 6; issue 13): raising a concern (a
partner member's form, and the public's that the officer accepts or declines), a case's
page with the steps the viewer may take now, the lists of cases, and documents.

Thin over compactwatch/changes/cases.py: these views read forms and show pages; who may
see or do what, and what the route allows, are the use cases' to say. A case anyone may
not see answers 404, whether or not it exists.
"""

from __future__ import annotations

from datetime import date
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from compactwatch import permissions
from compactwatch.changes import cases as use
from compactwatch.changes.base import Actor, ChangeRefused, NotFound
from compactwatch.compact.search import MAX_QUERY_LENGTH, search
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.disputes.models import PublicStatus, StepDocument
from compactwatch.limits import HOUR, client_address
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import RECORD_MODELS
from compactwatch.web.views import case_forms as f
from compactwatch.web.views.case_calendar import calendar_url
from compactwatch.web.views.case_words import case_summary

PAGE_SIZE = 50


def _compact(slug: str) -> Compact:
    return get_object_or_404(Compact, slug=slug)


def _partners(compact: Compact):
    return Organisation.objects.filter(compact=compact, partner=True).order_by("name")


def _commitments(compact: Compact, find: str = "", keep: list[str] | None = None) -> list:
    """The commitments of the edition in force, as (citation, words); with `find`, only
    those the Compact text search finds (and any already chosen, so none is lost)."""
    choices = use.commitment_choices(compact)
    if not find:
        return choices
    editions = editions_of(compact)
    found = {
        f"{hit.edition.id}/{hit.commitment.ref}"
        for hit in search(list(editions), find[:MAX_QUERY_LENGTH])
    }
    kept = set(keep or ())
    return [(citation, words) for citation, words in choices if citation in found | kept]


# ---------------------------------------------------------------- a partner raises a concern


def _raisers(user: Any, compact: Compact):
    """The organisations the user may raise a concern for: their own; all partners for the
    officer."""
    if permissions.is_officer(user, compact):
        return _partners(compact)
    return Organisation.objects.filter(
        compact=compact, pk__in=permissions.organisation_ids(user, compact)
    ).order_by("name")


def _records_of(user: Any, compact: Compact, refs: list[str]) -> tuple[list, list[str]]:
    """Each reference typed as (record type, ref) of a record the user may see; and the
    references no such record has."""
    found, missing = [], []
    for ref in refs:
        for record_type, model in RECORD_MODELS.items():
            if permissions.visible_records(user, model, compact).filter(ref=ref).exists():
                found.append((record_type, ref))
                break
        else:
            missing.append(ref)
    return found, missing


@login_required
def raise_concern(request: HttpRequest, compact: str) -> HttpResponse:
    """The form; from a not-met finding (`?finding=`), already filled in with the record,
    the commitment, the other party and the finding's words."""
    the_compact = _compact(compact)
    actor = Actor(request.user, "form")
    raisers = _raisers(request.user, the_compact)
    if not raisers.exists():
        raise PermissionDenied(
            "Only the members of a partner organisation can raise a concern here: anyone else "
            "can use the public form"
        )
    initial: dict[str, Any] = {}
    if raisers.count() == 1:
        initial["raising_organisation"] = raisers.first()
    finding = request.GET.get("finding", "")
    if finding:
        if not finding.isdigit() or len(finding) > 18:
            raise Http404("No such finding")
        try:
            prefill = use.prefill_from_finding(actor, the_compact, int(finding))
        except NotFound as error:
            raise Http404(error.message) from error
        except ChangeRefused as error:
            messages.error(request, error.message)
        else:
            initial.update(
                other_party=prefill.other_party, commitments=prefill.commitments,
                records="\n".join(ref for _, ref in prefill.records),
                what_happened=prefill.what_happened,
            )  # fmt: skip
            if prefill.raising_organisation is not None:
                initial["raising_organisation"] = prefill.raising_organisation
    find = request.POST.get("find", request.GET.get("find", "")).strip()[:MAX_QUERY_LENGTH]
    finding_only = request.method == "POST" and "find_commitments" in request.POST
    kept = request.POST.getlist("commitments") or initial.get("commitments") or []
    form = f.RaiseForm(
        request.POST if request.method == "POST" and not finding_only else None,
        request.FILES or None, initial=initial, raisers=raisers,
        partners=_partners(the_compact), commitments=_commitments(the_compact, find, kept),
    )  # fmt: skip
    if finding_only:  # the search for commitments: the form again, keeping what was typed
        form = f.RaiseForm(initial={**initial, **request.POST.dict(), "commitments": kept},
                           raisers=raisers, partners=_partners(the_compact),
                           commitments=_commitments(the_compact, find, kept))  # fmt: skip
    elif request.method == "POST" and form.is_valid():
        records, missing = _records_of(request.user, the_compact, form.record_refs())
        if missing:
            form.refuse("records", "No record you can see has the reference "
                        + ", ".join(f"‘{ref}’" for ref in missing))  # fmt: skip
        else:
            data = form.cleaned_data
            try:
                case = use.raise_case(
                    actor, the_compact, other_party=data["other_party"],
                    commitments=data["commitments"], what_happened=data["what_happened"],
                    wanted=data["wanted"], raising_organisation=data["raising_organisation"],
                    on_behalf_of=data["on_behalf_of"], records=records,
                    documents=[data["document"]] if data.get("document") else [],
                )  # fmt: skip
            except ChangeRefused as error:
                form.refuse(error.field, error.message)
            else:
                messages.success(request, f"Your concern was raised as {case.ref}. "
                                 f"{case.other_party.name} has been told.")  # fmt: skip
                return redirect(case.get_absolute_url())
    return render(request, "web/cases/raise.html",
                  {"compact": the_compact, "form": form, "find": find})  # fmt: skip


# ---------------------------------------------------------------- the public's form


def over_concern_limit(request: HttpRequest) -> bool:
    """Counts a concern sent from the public form from the client's address; True once more
    than PUBLIC_CONCERNS_PER_HOUR (default 5) were sent from it in the hour since its first,
    as the join form is bounded (compactwatch/limits.py)."""
    from django.core.cache import cache

    key = f"public-concerns:{client_address(request)}"
    cache.add(key, 0, timeout=HOUR)
    try:
        count = cache.incr(key)
    except ValueError:  # the window closed between the two calls
        cache.set(key, 1, timeout=HOUR)
        count = 1
    return count > getattr(settings, "PUBLIC_CONCERNS_PER_HOUR", 5)


def public_concern(request: HttpRequest, compact: str) -> HttpResponse:
    """Anyone, without signing in: the concern waits for the Compact officer."""
    the_compact = _compact(compact)
    find = request.POST.get("find", request.GET.get("find", "")).strip()[:MAX_QUERY_LENGTH]
    finding_only = request.method == "POST" and "find_commitments" in request.POST
    kept = request.POST.getlist("commitments")
    kwargs = {"partners": _partners(the_compact),
              "commitments": _commitments(the_compact, find, kept)}  # fmt: skip
    if finding_only:
        form = f.PublicConcernForm(initial={**request.POST.dict(), "commitments": kept}, **kwargs)
    else:
        form = f.PublicConcernForm(request.POST or None, **kwargs)
    if request.method == "POST" and not finding_only and form.is_valid():
        if over_concern_limit(request):
            return render(request, "web/error.html", {
                "title": "Too many concerns sent",
                "message": f"At most {getattr(settings, 'PUBLIC_CONCERNS_PER_HOUR', 5)} concerns "
                "can be sent from one place in an hour, and nothing was kept of this one. Try "
                f"again in an hour, or write to the officers of {the_compact.name}.",
            }, status=429)  # fmt: skip
        data = form.cleaned_data
        try:
            use.submit_public_case(
                Actor(request.user, "form"), the_compact, contact_name=data["contact_name"],
                contact_email=data["contact_email"], other_party=data["other_party"],
                commitments=data["commitments"], what_happened=data["what_happened"],
                wanted=data["wanted"], on_behalf_of=data["organisation"],
            )  # fmt: skip
        except ChangeRefused as error:
            form.refuse(error.field, error.message)
        else:
            request.session[f"concern:{the_compact.slug}:sent"] = data["other_party"].name
            return redirect("web:case_public_sent", the_compact.slug)
    return render(request, "web/cases/public.html",
                  {"compact": the_compact, "form": form, "find": find})  # fmt: skip


def public_concern_sent(request: HttpRequest, compact: str) -> HttpResponse:
    the_compact = _compact(compact)
    about = request.session.get(f"concern:{the_compact.slug}:sent")
    if about is None:
        return redirect("web:case_public", the_compact.slug)
    return render(request, "web/cases/public_sent.html", {"compact": the_compact, "about": about})


# ---------------------------------------------------------------- lists


STATUS_FILTERS = {
    "": "Any",
    "overdue": "Overdue or long overdue",
    "today": "Due today",
    "due": "Due",
    "waiting": "Waiting for the Compact officer",
    "closed": "Closed",
}


def _filtered(cases, request: HttpRequest, today: date):
    """The list's filters (stage, status, party), each read from the address."""
    stage = request.GET.get("stage", "")
    if stage:
        cases = cases.filter(stage=stage)
    status = request.GET.get("status", "")
    if status == "overdue":
        cases = cases.filter(closed=False, next_due__lt=today)
    elif status == "today":
        cases = cases.filter(closed=False, next_due=today)
    elif status == "due":
        cases = cases.filter(closed=False, next_due__gt=today)
    elif status == "waiting":
        cases = cases.filter(public_status=PublicStatus.WAITING)
    elif status == "closed":
        cases = cases.filter(closed=True)
    party = request.GET.get("party", "")
    if party:
        cases = cases.filter(Q(raising_organisation__ref=party) | Q(other_party__ref=party))
    return cases


@login_required
def case_list(request: HttpRequest, compact: str) -> HttpResponse:
    """Every case at a glance for the officer and the Development Group; a partner member's
    own organisations' cases. What needs action first: open cases by their next deadline,
    then cases waiting for the officer, then closed ones, newest first."""
    the_compact = _compact(compact)
    actor = Actor(request.user, "form")
    sees_all = permissions.is_officer(request.user, the_compact) or (
        permissions.in_development_group(request.user, the_compact)
    )
    if not sees_all and not permissions.organisation_ids(request.user, the_compact):
        raise PermissionDenied("Only partners' members, the Compact Development Group and the "
                               "Compact officer have cases to list")  # fmt: skip
    today = date.today()
    if request.GET.get("status", "") not in STATUS_FILTERS:
        from compactwatch.web.views.errors import bad_request

        return bad_request(request, ValueError("There is no such status to filter by"))
    cases = _filtered(use.visible_cases(actor, the_compact), request, today)
    cases = cases.select_related("compact", "raising_organisation", "other_party").order_by(
        "closed", F("next_due").asc(nulls_last=True), "-year", "-number"
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    route = None
    try:
        from compactwatch.changes.case_route import current_route

        route = current_route(the_compact)
    except Exception:  # a Compact whose route cannot be read still lists its cases
        route = None
    rows = [case_summary(case, today) for case in page.object_list]
    return render(request, "web/cases/list.html", {
        "compact": the_compact, "page": page, "rows": rows, "sees_all": sees_all,
        "stages": [(stage.id, stage.name) for stage in route.stages] if route else [],
        "statuses": STATUS_FILTERS, "parties": _partners(the_compact),
        "chosen": {name: request.GET.get(name, "") for name in ("stage", "status", "party")},
        "calendar": calendar_url(request, request.user, the_compact)
        if permissions.is_officer(request.user, the_compact) else "",
    })  # fmt: skip


def officer_only(view):
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, compact: str, **kwargs: Any) -> HttpResponse:
        the_compact = _compact(compact)
        if not permissions.is_officer(request.user, the_compact):
            raise PermissionDenied("Only the Compact officer can do this")
        return view(request, the_compact, **kwargs)

    return wrapped


@officer_only
def waiting(request: HttpRequest, compact: Compact) -> HttpResponse:
    """The officer's queue: concerns sent from the public form, to accept or decline."""
    cases = (
        use.visible_cases(Actor(request.user, "form"), compact)
        .filter(public_status=PublicStatus.WAITING)
        .select_related("compact", "other_party")
        .order_by("created")
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/cases/waiting.html", {"compact": compact, "page": page})


# ---------------------------------------------------------------- documents


@login_required
def document(request: HttpRequest, compact: str, ref: str, pk: int) -> HttpResponse:
    """A document of a case's step, to those who may see the case only."""
    the_compact = _compact(compact)
    try:
        case = use.get_case(Actor(request.user, "form"), the_compact, ref)
    except NotFound as error:
        raise Http404(error.message) from error
    attached = get_object_or_404(StepDocument, pk=pk, step__case=case)
    return FileResponse(attached.file.open("rb"), as_attachment=True, filename=attached.name)

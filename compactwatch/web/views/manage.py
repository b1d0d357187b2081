"""The Compact officer's pages: editions' dates, the register, the audit trail."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from compactwatch import permissions
from compactwatch.audit.models import AuditEntry
from compactwatch.changes.base import Actor, Invalid, Stale, Taken
from compactwatch.changes.editions import set_in_force_dates
from compactwatch.changes.register import make_partner, save_organisation
from compactwatch.compacts.models import Compact
from compactwatch.findings.models import Recheck
from compactwatch.organisations.models import Organisation
from compactwatch.params import BadQuery, query_int
from compactwatch.records.models import FundingAgreement
from compactwatch.web.audit_trail import read_entries
from compactwatch.web.forms import EditionDateForm, OrganisationForm
from compactwatch.web.views.errors import bad_request


def officer_only(view):
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, compact: str, **kwargs) -> HttpResponse:
        the_compact = get_object_or_404(Compact, slug=compact)
        if not permissions.is_officer(request.user, the_compact):
            raise PermissionDenied("Only the Compact officer can do this")
        return view(request, the_compact, **kwargs)

    return wrapped


@officer_only
def editions(request: HttpRequest, compact: Compact) -> HttpResponse:
    rows = list(compact.editions.order_by("in_force_from"))
    forms = [
        EditionDateForm(
            request.POST or None,
            prefix=row.slug,
            initial={"in_force_from": row.in_force_from, "version": row.version},
        )
        for row in rows
    ]
    stale = None
    if request.method == "POST" and all(form.is_valid() for form in forms):
        pairs = list(zip(rows, forms, strict=True))
        try:
            recheck = set_in_force_dates(
                Actor(request.user, "form"), compact,
                {row.slug: form.cleaned_data["in_force_from"] for row, form in pairs},
                {row.slug: form.cleaned_data["version"] for row, form in pairs
                 if form.cleaned_data["version"]},
            )  # fmt: skip
        except Stale as error:
            stale = error
        except Invalid as error:
            dict(zip([row.slug for row in rows], forms, strict=True))[error.field].add_error(
                "in_force_from", error.message
            )
        else:
            messages.success(
                request,
                "No date changed."
                if recheck is None
                else "Dates saved. Every record is being checked again against the edition in "
                "force on its date: the figures change as it goes.",
            )
            return redirect("web:manage_editions", compact.slug)
    return render(request, "web/manage/editions.html", {
        "compact": compact, "rows": zip(rows, forms, strict=True), "stale": stale,
        "recheck": Recheck.objects.filter(compact=compact).first(),
    })  # fmt: skip


@officer_only
def organisation_create(request: HttpRequest, compact: Compact) -> HttpResponse:
    return _organisation_form(request, compact, None)


@officer_only
def organisation_edit(request: HttpRequest, compact: Compact, ref: str) -> HttpResponse:
    return _organisation_form(
        request, compact, get_object_or_404(Organisation, compact=compact, ref=ref)
    )


def _organisation_form(
    request: HttpRequest, compact: Compact, stored: Organisation | None
) -> HttpResponse:
    form = OrganisationForm(request.POST or None, instance=stored or Organisation(compact=compact))
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            organisation = save_organisation(
                Actor(request.user, "form"), compact, form.cleaned_data["ref"], form.values(),
                mode="update" if stored else "create", version=form.cleaned_data["version"],
                stored_ref=stored.ref if stored else None,
            )  # fmt: skip
        except Stale as error:
            stale = error
            form.data = form.data.copy()
            form.data["version"] = str(error.current.version)
            form.add_error(None, error.message)
        except Taken as error:
            form.add_error("ref", error.message)
        else:
            messages.success(request, f"{organisation.name} saved in the register.")
            return redirect(organisation.get_absolute_url())
    return render(
        request,
        "web/manage/organisation.html",
        {"compact": compact, "form": form, "organisation": stored, "stale": stale},
    )


@officer_only
def partner(request: HttpRequest, compact: Compact, ref: str) -> HttpResponse:
    """Make an organisation known from imported data a partner: what is known of it, then
    the officer's confirmation."""
    organisation = get_object_or_404(Organisation, compact=compact, ref=ref)
    stale = None
    if request.method == "POST" and not organisation.partner:
        try:
            version = query_int(request.POST, "version", 1, 2**31 - 1)
        except BadQuery as problem:
            return bad_request(request, problem)
        if version is None:
            return bad_request(
                request, BadQuery("the form gives no 'version': open the page again")
            )
        try:
            make_partner(Actor(request.user, "form"), compact, ref, version=version)
        except Stale as error:
            stale = error
            organisation.refresh_from_db()
        else:
            messages.success(
                request, f"{organisation.name} is now a partner of {compact.name}: the register "
                "lists it."
            )  # fmt: skip
            return redirect("web:known_from_data", compact.slug)
    return render(request, "web/manage/partner.html", {
        "compact": compact, "organisation": organisation, "stale": stale,
        "funding_given": FundingAgreement.objects.filter(funder=organisation).count(),
        "funding_received": FundingAgreement.objects.filter(recipient=organisation).count(),
    })  # fmt: skip


@officer_only
def audit(request: HttpRequest, compact: Compact) -> HttpResponse:
    entries = AuditEntry.objects.filter(compact=compact)
    ref = request.GET.get("record", "").strip()
    if ref:
        entries = entries.filter(record_ref=ref)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "web/manage/audit.html", {
        "compact": compact, "page": page, "record": ref,
        "entries": read_entries(compact, list(page)),
    })  # fmt: skip

"""The Compact officer's pages: editions' dates, the register, the audit trail."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from compactwatch import permissions
from compactwatch.audit.models import AuditEntry
from compactwatch.audit.services import record_action
from compactwatch.compacts.models import Compact
from compactwatch.findings.services import refresh_compact
from compactwatch.organisations.models import Organisation
from compactwatch.records.services import save_organisation
from compactwatch.web.forms import EditionDateForm, OrganisationForm


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
            request.POST or None, prefix=row.slug, initial={"in_force_from": row.in_force_from}
        )
        for row in rows
    ]
    if request.method == "POST" and all(form.is_valid() for form in forms):
        with transaction.atomic():
            for row, form in zip(rows, forms, strict=True):
                new = form.cleaned_data["in_force_from"]
                if new != row.in_force_from:
                    record_action(request.user, "changed", "edition", row.slug, compact=compact,
                                  before={"in_force_from": row.in_force_from}, after={"in_force_from": new})  # fmt: skip
                    row.in_force_from = new
                    row.save()
            total = refresh_compact(compact)
        messages.success(request, f"Dates saved. Every record was checked again: {total} findings.")
        return redirect("web:manage_editions", compact.slug)
    return render(
        request,
        "web/manage/editions.html",
        {"compact": compact, "rows": zip(rows, forms, strict=True)},
    )


@officer_only
def organisation_create(request: HttpRequest, compact: Compact) -> HttpResponse:
    return _organisation_form(request, compact, Organisation(compact=compact))


@officer_only
def organisation_edit(request: HttpRequest, compact: Compact, ref: str) -> HttpResponse:
    return _organisation_form(
        request, compact, get_object_or_404(Organisation, compact=compact, ref=ref)
    )


def _organisation_form(
    request: HttpRequest, compact: Compact, organisation: Organisation
) -> HttpResponse:
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        save_organisation(form.save(commit=False), request.user)
        messages.success(request, f"{organisation.name} saved in the register.")
        return redirect(organisation.get_absolute_url())
    return render(
        request,
        "web/manage/organisation.html",
        {"compact": compact, "form": form, "organisation": organisation},
    )


@officer_only
def audit(request: HttpRequest, compact: Compact) -> HttpResponse:
    entries = AuditEntry.objects.filter(compact=compact)
    ref = request.GET.get("record", "").strip()
    if ref:
        entries = entries.filter(record_ref=ref)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request, "web/manage/audit.html", {"compact": compact, "page": page, "record": ref}
    )

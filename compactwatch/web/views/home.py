"""The home page, for each role: the public, partner members, Compact officers, site admins."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from compactwatch import permissions
from compactwatch.compacts.models import Compact
from compactwatch.findings import treatment
from compactwatch.findings.models import Finding
from compactwatch.organisations.models import Organisation


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    compacts = list(Compact.objects.all())
    context: dict = {"compacts": compacts}
    if user.is_authenticated:
        run = [c for c in compacts if permissions.is_officer(user, c)]
        context["run"] = run
        if run:
            context["counts"] = _counts(Finding.objects.filter(compact__in=run))
            context["recent_not_met"] = treatment.recent_not_met(run)
        # Each organisation sees first how it was treated, then its own undertakings.
        context["organisations"] = [
            {"organisation": organisation,
             "treated": treatment.sections(organisation, "other"),
             "own": treatment.sections(organisation, "acting"),
             "counts": _counts(Finding.objects.filter(body=organisation))}
            for organisation in Organisation.objects.filter(memberships__user=user)
            .select_related("compact")
        ]  # fmt: skip
    if len(compacts) == 1:
        context["compact"] = compacts[0]
    return render(request, "web/home/home.html", context)


def _counts(findings: QuerySet) -> dict[str, int]:
    return dict(findings.values_list("status").annotate(count=Count("id")).order_by())

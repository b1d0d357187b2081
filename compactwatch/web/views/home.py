"""The home page, for each role: the public, partner members, Compact officers, site admins."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from compactwatch import permissions
from compactwatch.compacts.models import Compact
from compactwatch.findings.models import Finding
from compactwatch.organisations.models import Organisation


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    compacts = list(Compact.objects.all())
    context: dict = {"compacts": compacts}
    if user.is_authenticated:
        context["run"] = [c for c in compacts if permissions.is_officer(user, c)]
        context["organisations"] = Organisation.objects.filter(
            memberships__user=user
        ).select_related("compact")
        own = Finding.objects.filter(body__in=context["organisations"])
        if context["run"]:
            own = Finding.objects.filter(compact__in=context["run"])
            context["recent_not_met"] = own.filter(status="not_met").order_by("-id")[:10]
        context["counts"] = dict(own.values_list("status").annotate(count=Count("id")).order_by())
    if len(compacts) == 1:
        context["compact"] = compacts[0]
    return render(request, "web/home/home.html", context)

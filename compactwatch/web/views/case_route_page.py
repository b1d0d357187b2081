"""The officer's page to change the Compact's route for disagreements: the route as YAML,
checked by the core when saved (compactwatch/changes/case_route.py). Every problem the core
finds is listed, each naming the stage and the field; what was typed is kept."""

from __future__ import annotations

import yaml
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from compactwatch.changes.base import Actor, ChangeRefused, Stale
from compactwatch.changes.case_route import change_route_text, route_of
from compactwatch.compacts.models import Compact
from compactwatch.web.views import case_forms as f
from compactwatch.web.views.cases import officer_only


def route_yaml(document: dict) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=88)


@officer_only
def route_page(request: HttpRequest, compact: Compact) -> HttpResponse:
    stored = route_of(compact)
    initial = {"version": stored.version, "document": route_yaml(stored.document)}
    form = f.RouteForm(request.POST or None, initial=initial)
    problems: list[str] = []
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            change_route_text(Actor(request.user, "form"), compact, form.cleaned_data["document"],
                              version=form.cleaned_data["version"])  # fmt: skip
        except Stale as error:
            stale = error.message
            form.data = form.data.copy()
            form.data["version"] = str(route_of(compact).version)
            form.refuse(None, error.message)
        except ChangeRefused as error:
            problems = [line for line in error.message.splitlines() if line.strip()]
            form.refuse("document", f"The route has {len(problems)} "
                        f"problem{'s' if len(problems) != 1 else ''}: see the list")  # fmt: skip
        else:
            messages.success(request, "The route is saved. Cases raised from now on follow it; "
                             "cases already raised keep theirs.")  # fmt: skip
            return redirect("web:case_route", compact.slug)
    route = stored.core()
    return render(request, "web/cases/route.html", {
        "compact": compact, "form": form, "problems": problems, "stale": stale, "route": route,
    })  # fmt: skip

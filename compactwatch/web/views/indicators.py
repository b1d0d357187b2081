"""The public page "Is the Compact working?" (2007 edition, 5.1 and 5.4): each indicator,
this year beside last year, for the whole Compact or one body, and the partners with no
nominated Compact lead.

Everyone sees the counts; the links to the records behind a figure are shown to those
who may read those records (the officer, and a body's own members on its figures). No
ranking: the body chooser is alphabetical and nothing is ordered by a figure.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from compactwatch import permissions
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.findings.figures import years_with_findings
from compactwatch.monitoring.indicators import (
    indicator_figures,
    indicators_for,
    partners_without_lead,
)
from compactwatch.organisations.models import Organisation, Sector
from compactwatch.params import BadQuery, query_year
from compactwatch.web.views.errors import bad_request


def bodies(compact: Compact) -> QuerySet[Organisation]:
    """The bodies to choose from, A to Z: the public bodies and the partners."""
    return (
        Organisation.objects.filter(compact=compact)
        .filter(Q(sector=Sector.PUBLIC) | Q(partner=True))
        .order_by(Lower("name"))
        .only("ref", "name")
    )


def chosen_body(compact: Compact, ref: str) -> Organisation | None:
    if not ref:
        return None
    body = Organisation.objects.filter(compact=compact, ref=ref).first()
    if body is None:
        raise BadQuery(
            f"'body' takes an organisation in the register; there is none called '{ref}'"
        )
    return body


def default_year(compact: Compact, today: date) -> int:
    """The latest year with findings up to this one, else this year."""
    years = [year for year in years_with_findings(compact) if year <= today.year]
    return years[-1] if years else today.year


def clause_words(compact: Compact, citation: str) -> str:
    """ "5.1 of the 2007 edition" for a cited clause (as given, if the edition is unknown)."""
    edition_id, _, ref = citation.rpartition("/")
    try:
        return f"{ref} of the {editions_of(compact).get(edition_id).name}"
    except KeyError:
        return citation


def indicators(request: HttpRequest, compact: str) -> HttpResponse:
    the_compact = get_object_or_404(Compact, slug=compact)
    today = date.today()
    try:
        year = query_year(request.GET) or default_year(the_compact, today)
        body = chosen_body(the_compact, request.GET.get("body", "").strip())
    except BadQuery as problem:
        return bad_request(request, problem)
    officer = permissions.is_officer(request.user, the_compact)
    own = body is not None and body.pk in permissions.organisation_ids(request.user, the_compact)
    rows = indicator_figures(the_compact, year, body, exact=officer, today=today)
    lead = next((row for row in rows if row.indicator.measure == "partners_with_lead"), None)
    found = indicators_for(the_compact)
    years = sorted({*years_with_findings(the_compact), today.year, year}, reverse=True)
    return render(request, "web/indicators/indicators.html", {
        "compact": the_compact, "year": year, "body": body, "years": years,
        "bodies": bodies(the_compact), "found": found,
        "source": clause_words(the_compact, found.source) if found else "",
        "rows": rows, "lead_commitment": lead.commitment_name if lead else "",
        "show_records": officer or own, "exact": officer,
        "without_lead": partners_without_lead(the_compact),
    })  # fmt: skip

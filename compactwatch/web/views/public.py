"""Public pages: the Compact's text and editions, the register, each body's figures, planning."""

from __future__ import annotations

import textwrap
from collections import Counter
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from compactwatch import permissions
from compactwatch.compact.compact import CompactEditions
from compactwatch.compact.dates import format_date
from compactwatch.compact.diff import describe_parameter, diff_editions
from compactwatch.compact.edition import Edition
from compactwatch.compact.planning import (
    NothingToPlan,
    plan_consultation,
    plan_effective,
    plan_notice,
)
from compactwatch.compact.search import MAX_QUERY_LENGTH
from compactwatch.compact.words import capital
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.findings import treatment
from compactwatch.findings.figures import FigureRow, imported_funding, years_with_findings
from compactwatch.findings.figures import figures as figure_rows
from compactwatch.organisations.models import Organisation, Sector
from compactwatch.params import BadQuery, query_date, query_year
from compactwatch.web.views import case_figures
from compactwatch.web.views.errors import bad_request


def _compact(slug: str) -> Compact:
    return get_object_or_404(Compact, slug=slug)


def compact(request: HttpRequest, compact: str) -> HttpResponse:
    the_compact = _compact(compact)
    editions = list(the_compact.editions.order_by("-in_force_from"))
    newest = editions[0].core() if editions else None
    return render(request, "web/public/compact.html", {
        "compact": the_compact,
        "editions": editions,
        "introduction": newest.document.get("parts", [])[:1] if newest else [],
        "is_officer": permissions.is_officer(request.user, the_compact),
        "register_count": the_compact.organisations.filter(partner=True).count(),
        "search_max_length": MAX_QUERY_LENGTH,
    })  # fmt: skip


# Whom a commitment binds, in the Compact's words.
BINDS = {
    "public_bodies": "Public bodies",
    "voluntary_groups": "Voluntary and community groups",
    "all_partners": "All partners",
}


def edition(request: HttpRequest, compact: str, edition: str) -> HttpResponse:
    the_compact = _compact(compact)
    row = get_object_or_404(the_compact.editions, slug=edition)
    core = editions_of(the_compact).get(row.slug)
    sections = {
        section["id"]: {**section, "commitments": []}
        for section in core.document.get("sections", [])
    }
    for commitment in core.commitments:
        sections.setdefault(
            commitment.section,
            {"id": commitment.section, "title": commitment.section, "commitments": []},
        )
        sections[commitment.section]["commitments"].append({
            "ref": commitment.ref,
            "name": commitment.name,
            "text": commitment.text,
            "strength": commitment.strength,
            "binds": BINDS[commitment.binds],  # the edition schema allows only these
            "footnotes": commitment.footnotes,
            "standards": [
                {"summary": standard.summary,
                 "parameters": [(name.replace("_", " "), describe_parameter(p)) for name, p in standard.parameters.items()]}
                for standard in commitment.standards
            ],
        })  # fmt: skip
    titles = Counter(section["title"] for section in sections.values())
    for section in sections.values():
        # Sections sharing a title (each outcome's public and voluntary undertakings) are
        # told apart in the contents by their headings.
        heading = section.get("heading", "").rstrip(":")
        shared = titles[section["title"]] > 1 and heading
        section["contents"] = f"{section['title']}: {heading}" if shared else section["title"]
    return render(request, "web/public/edition.html", {
        "compact": the_compact, "edition": row, "core": core, "document": core.document,
        "sections": list(sections.values()), "in_force_from": format_date(row.in_force_from),
        "search_max_length": MAX_QUERY_LENGTH,
    })  # fmt: skip


def compare_editions(request: HttpRequest, compact: str) -> HttpResponse:
    the_compact = _compact(compact)
    editions = editions_of(the_compact)
    ordered = list(editions)
    if len(ordered) < 2:
        raise Http404("This Compact has only one edition")
    ids = [edition.id for edition in ordered]
    before = request.GET.get("from") if request.GET.get("from") in ids else ids[0]
    after = request.GET.get("to") if request.GET.get("to") in ids else ids[-1]
    first, second = editions.get(before), editions.get(after)
    first_refs = {c.ref for c in first.commitments}
    second_refs = {c.ref for c in second.commitments}
    return render(request, "web/public/compare.html", {
        "compact": the_compact, "before": first, "after": second,
        "choices": [(edition.id, _edition_name(edition)) for edition in ordered],
        "before_name": _edition_name(first), "after_name": _edition_name(second),
        "changes": diff_editions(first, second),
        "counts": (len(first_refs), len(second_refs)),
    })  # fmt: skip


def _organisation_page(
    request: HttpRequest, the_compact: Compact, partner: bool, template: str
) -> HttpResponse:
    """The partners of the Compact, or the organisations known from imported data: searched
    by name, org-id or id, filtered by sector, sorted by name whatever its case."""
    organisations = the_compact.organisations.filter(partner=partner).order_by(Lower("name"), "ref")
    sector = request.GET.get("sector", "")
    query = request.GET.get("q", "").strip()
    if sector in Sector.values:
        organisations = organisations.filter(sector=sector)
    if query:
        organisations = organisations.filter(
            Q(name__icontains=query) | Q(org_id__iexact=query) | Q(ref__iexact=query)
        )
    page = Paginator(organisations.prefetch_related("signatures__edition"), 50).get_page(
        request.GET.get("page")
    )
    is_officer = permissions.is_officer(request.user, the_compact)
    return render(request, template, {
        "compact": the_compact, "page": page, "sector": sector, "query": query,
        "sectors": Sector.choices, "is_officer": is_officer,
        # Those who write records files see the ids the files name organisations by.
        "show_refs": is_officer or bool(permissions.organisation_ids(request.user, the_compact)),
        "other_count": the_compact.organisations.filter(partner=not partner).count(),
    })  # fmt: skip


def _edition_name(edition: Edition) -> str:
    """The edition as its file names it for people: "2007 edition"."""
    return capital(edition.name)


def register(request: HttpRequest, compact: str) -> HttpResponse:
    return _organisation_page(request, _compact(compact), True, "web/public/register.html")


def known_from_data(request: HttpRequest, compact: str) -> HttpResponse:
    """Organisations found in imported grants data that are not partners of the Compact."""
    return _organisation_page(request, _compact(compact), False, "web/public/known_from_data.html")


def organisation(request: HttpRequest, compact: str, ref: str) -> HttpResponse:
    the_compact = _compact(compact)
    body = get_object_or_404(Organisation, compact=the_compact, ref=ref)
    try:
        year = query_year(request.GET)
    except BadQuery as problem:
        return bad_request(request, problem)
    records = []  # its records in both roles, for its members and the officer
    if permissions.is_officer(request.user, the_compact) or body.pk in permissions.organisation_ids(
        request.user, the_compact
    ):
        records = treatment.sections(body, "acting") + treatment.sections(body, "other")
    rows = [row for row in figure_rows(the_compact, year, body) if row.total]
    return render(request, "web/public/organisation.html", {
        "compact": the_compact, "body": body, "rows": rows, "year": year,
        "edition_base": reverse("web:compact", args=[the_compact.slug]) + "editions/",
        "years": years_with_findings(the_compact), "records": records,
        "is_member": body.pk in permissions.organisation_ids(request.user, the_compact),
        "imported": imported_funding(the_compact, body),
    })  # fmt: skip


def figures(request: HttpRequest, compact: str) -> HttpResponse:
    the_compact = _compact(compact)
    try:
        year = query_year(request.GET)
    except BadQuery as problem:
        return bad_request(request, problem)
    body_ref = request.GET.get("body", "")
    body = (
        Organisation.objects.filter(compact=the_compact, ref=body_ref).first() if body_ref else None
    )
    rows = figure_rows(the_compact, year, body)
    chart, chart_height = _chart(rows, editions_of(the_compact))
    return render(request, "web/public/figures.html", {
        "compact": the_compact, "rows": rows, "year": year, "years": years_with_findings(the_compact),
        "body": body, "bodies": the_compact.organisations.filter(sector=Sector.PUBLIC).order_by("name"),
        "chart": chart, "chart_height": chart_height,
        "edition_base": reverse("web:compact", args=[the_compact.slug]) + "editions/",
        # Disagreements beside the findings (issue 13): no names, small counts hidden.
        "case_rows": case_figures.per_commitment(the_compact, year),
        "case_years": case_figures.per_year(the_compact),
        "published_cases": case_figures.published(the_compact),
    })  # fmt: skip


# The chart's layout, in the units of its viewBox (as wide as a full bar; the SVG scales to
# the screen): each commitment's name on up to three lines above its bar. SVG text does
# not wrap itself, so the names are broken here, short enough for 15-unit Arial.
CHART_LINE, CHART_BAR, CHART_GAP, CHART_CHARACTERS = 18, 22, 18, 46


def _chart(rows: list[FigureRow], editions: CompactEditions) -> tuple[list[dict], int]:
    """Each row's name lines with their y, and its bar's y; and the chart's height."""
    chart, y = [], 0
    for row in rows:
        lines = textwrap.wrap(editions.describe(row.citation), CHART_CHARACTERS)
        chart.append({
            "row": row,
            "lines": [(line, y + CHART_LINE * (number + 1)) for number, line in enumerate(lines)],
            "bar_y": y + CHART_LINE * len(lines) + 6,
        })  # fmt: skip
        y += CHART_LINE * len(lines) + 6 + CHART_BAR + CHART_GAP
    return chart, y


DATE_PARTS = ("day", "month", "year")
DATE_EXAMPLE = "for example 31 3 2026"


def _date_from(request: HttpRequest, name: str) -> tuple[date | None, dict[str, str], str | None]:
    """A date typed as day, month and year (`effective-day`, ...; the GOV.UK date input), or
    given as one ISO date (`effective=2026-03-31`, as links give it): the date, the parts to
    show in the fields again, and what is wrong with it."""
    parts = {part: request.GET.get(f"{name}-{part}", "").strip() for part in DATE_PARTS}
    given = request.GET.get(name, "").strip()
    if given and not any(parts.values()):
        try:
            day = date.fromisoformat(given) if given.isascii() else None
        except ValueError:
            day = None
        if day is None:
            return None, parts, f"Enter a real date, {DATE_EXAMPLE}"
        parts = {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
    if not any(parts.values()):
        return None, parts, None
    numbers = [parts[part] for part in DATE_PARTS]
    if not all(number.isascii() and number.isdigit() and len(number) <= 4 for number in numbers):
        missing = [part for part in DATE_PARTS if not parts[part]]
        if missing:
            return None, parts, f"The date must include a {' and a '.join(missing)}"
        return None, parts, f"Enter the day, month and year in numbers, {DATE_EXAMPLE}"
    day_number, month, year = (int(number) for number in numbers)
    try:
        iso = date(year, month, day_number).isoformat()
    except ValueError:  # 31 2 2026, or a year 0
        return None, parts, f"Enter a real date, {DATE_EXAMPLE}"
    try:
        return query_date({name: iso}, name), parts, None
    except BadQuery as problem:  # outside the dates the records format holds
        return None, parts, str(problem).replace(f" for '{name}'", "")


def plan(request: HttpRequest, compact: str) -> HttpResponse:
    the_compact = _compact(compact)
    editions = editions_of(the_compact)
    today = timezone.localdate()
    context: dict = {"compact": the_compact, "today": today}
    effective, context["effective"], context["effective_error"] = _date_from(request, "effective")
    opens, context["opens"], context["opens_error"] = _date_from(request, "opens")
    try:
        if effective:
            context["notice_plan"] = plan_notice(editions, effective)
            if context["notice_plan"].answer < today:
                # Too late for that date: the earliest date that notice given today reaches.
                context["from_today"] = plan_effective(editions, today)
        if opens:
            context["consultation_plan"] = plan_consultation(editions, opens)
    except NothingToPlan as problem:
        context["plan_problem"] = str(problem)
    return render(request, "web/public/plan.html", context)

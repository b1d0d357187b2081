"""Public pages: the Compact's text and editions, the register, each body's figures, planning."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from compactwatch import permissions
from compactwatch.compact.dates import format_date
from compactwatch.compact.diff import describe_parameter, diff_editions
from compactwatch.compact.planning import NothingToPlan, plan_consultation, plan_notice
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.findings.figures import figures as figure_rows
from compactwatch.findings.figures import imported_funding, years_with_findings
from compactwatch.organisations.models import Organisation, Sector
from compactwatch.params import BadQuery, query_date, query_year
from compactwatch.records.models import Consultation, FundingAgreement, FundingChange
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
        "register_count": the_compact.organisations.count(),
    })  # fmt: skip


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
            "text": commitment.text,
            "strength": commitment.strength,
            "binds": commitment.binds.replace("_", " "),
            "footnotes": commitment.footnotes,
            "standards": [
                {"summary": standard.summary,
                 "parameters": [(name.replace("_", " "), describe_parameter(p)) for name, p in standard.parameters.items()]}
                for standard in commitment.standards
            ],
        })  # fmt: skip
    return render(request, "web/public/edition.html", {
        "compact": the_compact, "edition": row, "core": core, "document": core.document,
        "sections": list(sections.values()), "in_force_from": format_date(row.in_force_from),
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
        "compact": the_compact, "ids": ids, "before": first, "after": second,
        "changes": diff_editions(first, second),
        "counts": (len(first_refs), len(second_refs)),
    })  # fmt: skip


def register(request: HttpRequest, compact: str) -> HttpResponse:
    the_compact = _compact(compact)
    organisations = the_compact.organisations.prefetch_related("signatures__edition")
    sector = request.GET.get("sector", "")
    query = request.GET.get("q", "").strip()
    if sector in Sector.values:
        organisations = organisations.filter(sector=sector)
    if query:
        organisations = organisations.filter(Q(name__icontains=query) | Q(org_id__iexact=query))
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(request, "web/public/register.html", {
        "compact": the_compact, "page": page, "sector": sector, "query": query,
        "sectors": Sector.choices,
    })  # fmt: skip


def organisation(request: HttpRequest, compact: str, ref: str) -> HttpResponse:
    the_compact = _compact(compact)
    body = get_object_or_404(Organisation, compact=the_compact, ref=ref)
    try:
        year = query_year(request.GET)
    except BadQuery as problem:
        return bad_request(request, problem)
    records = {}
    if permissions.is_officer(request.user, the_compact) or body.pk in permissions.organisation_ids(
        request.user, the_compact
    ):
        for label, model, path in (("Consultations", Consultation, "organisation"),
                                   ("Funding given", FundingAgreement, "funder"),
                                   ("Changes to funding", FundingChange, "agreement__funder")):  # fmt: skip
            records[label] = model.objects.filter(compact=the_compact, **{path: body}).order_by(
                "-updated"
            )[:20]
    rows = [row for row in figure_rows(the_compact, year, body) if row.total]
    return render(request, "web/public/organisation.html", {
        "compact": the_compact, "body": body, "rows": rows, "year": year,
        "edition_base": reverse("web:compact", args=[the_compact.slug]) + "editions/",
        "years": years_with_findings(the_compact), "records": records,
        "signatures": body.signatures.select_related("edition"),
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
    return render(request, "web/public/figures.html", {
        "compact": the_compact, "rows": rows, "year": year, "years": years_with_findings(the_compact),
        "body": body, "bodies": the_compact.organisations.filter(sector=Sector.PUBLIC).order_by("name"),
        "chart": [(row, 40 * position) for position, row in enumerate(rows)],
        "edition_base": reverse("web:compact", args=[the_compact.slug]) + "editions/",
        "chart_height": 40 * len(rows) + 20,
    })  # fmt: skip


def _date_from(request: HttpRequest, name: str) -> tuple[date | None, str | None]:
    try:
        return query_date(request.GET, name), None
    except BadQuery as problem:  # shown beside the field, with what was typed
        return None, str(problem).replace(f" for '{name}'", "")


def plan(request: HttpRequest, compact: str) -> HttpResponse:
    the_compact = _compact(compact)
    editions = editions_of(the_compact)
    context: dict = {"compact": the_compact, "values": request.GET}
    effective, context["effective_error"] = _date_from(request, "effective")
    opens, context["opens_error"] = _date_from(request, "opens")
    try:
        if effective:
            context["notice_plan"] = plan_notice(editions, effective)
        if opens:
            context["consultation_plan"] = plan_consultation(editions, opens)
    except NothingToPlan as problem:
        context["plan_problem"] = str(problem)
    return render(request, "web/public/plan.html", context)

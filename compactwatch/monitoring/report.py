"""The year's annual report as figures (2007 edition, 5.3: "A Cambridgeshire-wide Annual
Report will update all partners on progress and achievement").

`build_report(compact, year)` gathers everything the report shows into plain JSON-ready
data: the editions in force, the indicators against last year, how the year's records
stand on each commitment, disagreements in anonymised summary, the action plan's
progress and the register's changes. The reports app stores it as the report's snapshot;
the page and the PDF render only the snapshot, so a published report reads the same
whatever happens to the records afterwards.

Counts of disagreements are kept exact here; the page shows each through the "fewer than
5" rule of the public figures (web/views/case_figures.py, `shown_count`) when it renders.
Nothing here names a person: organisations by name (the register is public), people never.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from compactwatch.audit.models import AuditEntry
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.disputes.models import Case, CaseCommitment, Outcome, PublicStatus
from compactwatch.findings.figures import figures
from compactwatch.monitoring.indicators import indicator_figures
from compactwatch.monitoring.models import ActionItem, Status
from compactwatch.organisations.models import Organisation

Progress = Callable[[int], None]
SECTIONS = (
    ("editions", "The Compact in force"),
    ("indicators", "Is the Compact working? The indicators"),
    ("findings", "How the year's records kept the Compact"),
    ("cases", "Disagreements"),
    ("action_plan", "The action plan"),
    ("register", "The register: who joined and who left"),
    ("responses", "Partners' responses"),
)


def build_report(compact: Compact, year: int, progress: Progress | None = None) -> dict[str, Any]:
    """Every figure of `year`'s report, as plain data (see the module's docstring)."""
    step = progress or (lambda percent: None)
    parts: list[tuple[str, Callable[[Compact, int], Any]]] = [
        ("editions", _editions),
        ("indicators", _indicators),
        ("findings", _findings),
        ("cases", case_summary),
        ("action_plan", _action_plan),
        ("register", _register),
    ]
    snapshot: dict[str, Any] = {
        "compact": {"slug": compact.slug, "name": compact.name, "area": compact.area},
        "year": year,
        "made_on": timezone.localdate().isoformat(),
        "sections": [{"id": key, "title": title} for key, title in SECTIONS],
    }
    for done, (key, part) in enumerate(parts):
        snapshot[key] = part(compact, year)
        step(round(100 * (done + 1) / len(parts)))
    return snapshot


def _editions(compact: Compact, year: int) -> list[dict[str, Any]]:
    """The editions in force at any time in the year, oldest first."""
    editions = editions_of(compact)
    first, last = date(year, 1, 1), date(year, 12, 31)
    at_start = editions.in_force_on(first)
    shown = []
    for edition in editions:
        start = editions.in_force_from[edition.id]
        if edition is at_start or first <= start <= last:
            name = (
                edition.title
                if edition.name == edition.title
                else (f"{edition.title} ({edition.name})")
            )
            shown.append({"id": edition.id, "name": name, "in_force_from": start.isoformat()})
    return shown


def _figure(figure: Any) -> dict[str, Any]:
    return {
        "count": getattr(figure, "count", None),
        "total": getattr(figure, "total", None),
        "value": getattr(figure, "value", None),
        "too_small": bool(getattr(figure, "too_small", False)),
        "words": str(getattr(figure, "words", "")),
    }


def _indicators(compact: Compact, year: int) -> dict[str, Any]:
    """The indicators (5.1) for the whole Compact, this year beside last year, as the public
    sees them (small counts of disagreements as "fewer than 5")."""
    rows = []
    for row in indicator_figures(compact, year):
        rows.append({
            "id": row.indicator.id, "name": row.indicator.name,
            "definition": row.indicator.definition, "commitment": row.commitment_name,
            "this_year": _figure(row.this_year), "last_year": _figure(row.last_year),
        })  # fmt: skip
    return {"available": True, "rows": rows}


def _findings(compact: Compact, year: int) -> list[dict[str, Any]]:
    """Each measurable commitment with findings on the year's records: how many met,
    explained, not met and unknown."""
    editions = editions_of(compact)
    return [
        {
            "commitment": editions.describe(row.citation),
            "summary": row.summary,
            "met": row.met,
            "explained": row.explained,
            "not_met": row.not_met,
            "unknown": row.unknown,
        }
        for row in figures(compact, year)
        if row.total
    ]


def case_summary(compact: Compact, year: int) -> dict[str, Any]:
    """The disagreements raised in the year, as the public figures count them: no names,
    exact counts (shown through "fewer than 5" when rendered)."""
    cases = Case.objects.filter(
        compact=compact,
        year=year,
        public_status__in=[PublicStatus.NOT_PUBLIC, PublicStatus.ACCEPTED],
    )
    totals = cases.aggregate(
        raised=Count("id"),
        open=Count("id", filter=Q(closed=False)),
        resolved=Count("id", filter=Q(outcome=Outcome.RESOLVED)),
        withdrawn=Count("id", filter=Q(outcome=Outcome.WITHDRAWN)),
        unresolved=Count("id", filter=Q(outcome=Outcome.UNRESOLVED)),
        breach_found=Count("id", filter=Q(breach_found=True)),
    )
    stages = Counter(
        dict(cases.filter(closed=False).values_list("stage").annotate(n=Count("id")).order_by())
    )
    stage_names = _stage_names(cases, set(stages))
    editions = editions_of(compact)
    named = (
        CaseCommitment.objects.filter(case__in=cases)
        .values_list("commitment")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    )
    return {
        "totals": totals,
        "by_stage": sorted(
            (
                {"stage": stage_names.get(stage, stage or "Not yet placed"), "count": count}
                for stage, count in stages.items()
            ),
            key=lambda row: row["stage"],
        ),
        "by_outcome": [
            {"outcome": label, "count": totals[value]}
            for value, label in Outcome.choices
            if totals[value]
        ],
        "by_commitment": sorted(
            (
                {"commitment": editions.describe(citation), "count": count}
                for citation, count in named
            ),
            key=lambda row: row["commitment"],
        ),
    }


def _stage_names(cases: Any, stages: set[str]) -> dict[str, str]:
    """Each stage's name in the route its cases follow (one case of each stage is read)."""
    names = {}
    for stage in stages:
        case = cases.filter(stage=stage).first()
        try:
            names[stage] = case.core_route().stage(stage).name
        except Exception:  # a stage the route no longer names: its id, in words
            names[stage] = stage.replace("-", " ").replace("_", " ").capitalize()
    return names


def _action_plan(compact: Compact, year: int) -> dict[str, Any]:
    """The year's plan: how many items in each status, and each item with its owner, due
    date and whether it is overdue at the year's end (or today, for the current year)."""
    editions = editions_of(compact)
    day = min(timezone.localdate(), date(year, 12, 31))
    items = list(
        ActionItem.objects.filter(compact=compact, year=year)
        .select_related("owner")
        .annotate(notes_count=Count("notes"))
        .order_by("number")
    )
    counts = Counter(item.status for item in items)
    return {
        "on": day.isoformat(),
        "counts": [{"status": label, "count": counts[value]} for value, label in Status.choices],
        "overdue": sum(item.overdue_on(day) for item in items),
        "items": [
            {
                "ref": item.ref,
                "title": item.title,
                "owner": item.owner_words,
                "due": item.due.isoformat() if item.due else None,
                "status": item.get_status_display(),
                "overdue": item.overdue_on(day),
                "commitment": editions.describe(item.commitment) if item.commitment else "",
                "success": item.success,
                "notes": item.notes_count,
            }
            for item in items
        ],
    }


def _lead_change(changes: dict[str, Any]) -> str:
    """A change of an organisation's Compact lead in words, from an audit entry's changes
    (the records format's `compact_lead`: a name and role, False for none, None if not
    recorded; or the stored fields), never naming the lead."""
    if "compact_lead" in changes:
        before, after = changes["compact_lead"]
    elif "lead_status" in changes:
        before, after = (
            {"nominated": {}, "none": False}.get(value) for value in changes["lead_status"]
        )
    elif "lead_name" in changes or "lead_role" in changes:
        before, after = {}, {}
    else:
        return ""
    if after is False:
        return "no longer has a nominated Compact lead"
    if after is None:
        return ""
    return "changed its Compact lead" if isinstance(before, dict) else "nominated a Compact lead"


def _register(compact: Compact, year: int) -> dict[str, list[str]]:
    """Who joined, who left and whose Compact lead changed in the year, by organisation
    name, from the signatures and the audit trail (never the lead's own name)."""
    joined = set(
        Organisation.objects.filter(compact=compact, signatures__signed_on__year=year)
        .exclude(signatures__signed_on__year__lt=year)
        .values_list("ref", flat=True)
    )
    left, leads = set(), {}
    entries = AuditEntry.objects.filter(
        compact=compact, record_type="organisation", at__year=year
    ).order_by("at", "id")
    for entry in entries.iterator():
        changes = entry.changes or {}
        partner = changes.get("partner")
        if partner == [True, False]:
            left.add(entry.record_ref)
            joined.discard(entry.record_ref)
        elif partner == [False, True]:
            joined.add(entry.record_ref)
            left.discard(entry.record_ref)
        if entry.action == "changed":
            words = _lead_change(changes)
            if words:
                leads[entry.record_ref] = words
    names = dict(
        Organisation.objects.filter(compact=compact, ref__in=joined | left | set(leads))
        .values_list("ref", "name")
    )  # fmt: skip
    return {
        "joined": sorted(names.get(ref, ref) for ref in joined),
        "left": sorted(names.get(ref, ref) for ref in left),
        "leads": sorted(f"{names.get(ref, ref)} {words}" for ref, words in leads.items()),
    }

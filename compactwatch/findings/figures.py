"""Figures: counts of findings per commitment and status, in one grouped query.

Each body's own figures, with their counts; never a ranking of bodies.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.findings.models import Finding
from compactwatch.organisations.models import Organisation
from compactwatch.threesixtygiving.mapping import IMPORTED_FIELDS

BAR_WIDTH = 400


@dataclass
class FigureRow:
    edition: str
    ref: str
    summary: str
    strength: str
    met: int = 0
    explained: int = 0
    not_met: int = 0
    unknown: int = 0

    @property
    def citation(self) -> str:
        return f"{self.edition}/{self.ref}"

    @property
    def total(self) -> int:
        return self.met + self.explained + self.not_met + self.unknown

    @property
    def kept_share(self) -> int | None:
        decided = self.met + self.explained + self.not_met
        return round(100 * (self.met + self.explained) / decided) if decided else None

    def bars(self) -> list[tuple[str, int, int, int]]:
        """(status class, x, width, count) for the stacked bar of the chart."""
        scale = BAR_WIDTH / self.total if self.total else 0
        x, bars = 0, []
        for css, count in (("met", self.met), ("explained", self.explained),
                           ("not-met", self.not_met), ("unknown", self.unknown)):  # fmt: skip
            width = round(count * scale)
            bars.append((css, x, width, count))
            x += width
        return bars


def figures(
    compact: Compact, year: int | None = None, body: Organisation | None = None
) -> list[FigureRow]:
    """One row per measurable commitment that has findings (or that the editions define)."""
    findings = Finding.objects.filter(compact=compact)
    if year:
        findings = findings.filter(year=year)
    if body is not None:
        findings = findings.filter(body=body)
    counts = findings.values_list("commitment", "status").annotate(count=Count("id")).order_by()
    rows: dict[str, FigureRow] = {}
    for edition in editions_of(compact):
        for commitment in edition.measurable_commitments:
            for standard in commitment.standards:
                rows.setdefault(
                    commitment.citation,
                    FigureRow(edition.id, commitment.ref, standard.summary, commitment.strength),
                )
    for citation, status, count in counts:
        if citation in rows:
            setattr(rows[citation], status, count)
    return list(rows.values())


def years_with_findings(compact: Compact) -> list[int]:
    return sorted(
        year
        for year in Finding.objects.filter(compact=compact, year__isnull=False)
        .values_list("year", flat=True)
        .distinct()
        .order_by()
    )


@dataclass
class ImportedStanding:
    """How a funder's imported grants stand on one commitment a 360Giving file can show."""

    citation: str
    ref: str
    title: str
    edition: str
    counts: dict[str, int]


def imported_funding(compact: Compact, body: Organisation) -> dict | None:
    """What a funder's imported grants show against the funding commitments, and which
    commitments a 360Giving file cannot show (so "unknown" is not taken for "met")."""
    grants = body.funding_given.filter(compact=compact).exclude(source_grant_id="")
    total = grants.count()
    if not total:
        return None
    settled, unsettled = editions_of(compact).funding_checks(IMPORTED_FIELDS)
    counts: dict[str, dict[str, int]] = {}
    for row in (
        Finding.objects.filter(body=body, agreement__in=grants)
        .values("commitment", "status")
        .annotate(n=Count("id"))
    ):
        counts.setdefault(row["commitment"], {})[row["status"]] = row["n"]
    shown = [
        ImportedStanding(check.citation, check.clause, check.title, check.commitment.edition,
                         counts.get(check.citation, {}))
        for check in settled
    ]  # fmt: skip
    return {"total": total, "shown": [s for s in shown if s.counts], "not_shown": unsettled}

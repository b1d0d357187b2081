"""Indicators computed from what compactwatch holds (2007 edition, 5.1): per year, per body
and for the whole Compact.

The definitions are data (compactwatch/compact/indicators/*.yaml); this module counts the
findings, records, register and disagreements behind each, with grouped queries (COUNT ...
GROUP BY year, status), never a loop over the records: a fixed number of queries per
indicator, whatever the number of records. The figures themselves (words, medians, "too
few to mean much") are the core's (compactwatch.compact.indicators).

A body's figures are its own records as the acting body (the body that consulted, the
funder) and the disagreements raised about it; never a ranking of bodies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.urls import NoReverseMatch, reverse

from compactwatch.compact.disclosure import SMALLEST_SHOWN
from compactwatch.compact.disputes import Calendar
from compactwatch.compact.disputes.deadlines import OutOfRange
from compactwatch.compact.indicators import (
    Figure,
    Indicator,
    IndicatorFileError,
    IndicatorSet,
    Tally,
    load_indicators,
    median_figure,
    middle_positions,
    share,
    shipped_documents,
    tally,
    tally_groups,
)
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.disputes.models import Case, Outcome, PublicStatus, Step
from compactwatch.findings.models import Finding
from compactwatch.organisations.models import LeadStatus, Organisation
from compactwatch.records.models import ChangeKind, FundingChange

# Counts of disagreements are withheld below SMALLEST_SHOWN ("fewer than 5"), as on the
# public's figures of disagreements; the officer may see them exactly.

# The record each findings measure counts, and whether "explained" (a departure the
# Compact allows, with its reason) counts as kept. For multi-year funding it does not: a
# shorter term with reasons is explained, but it is not multi-year.
FINDINGS_MEASURES: dict[str, tuple[str, bool]] = {
    "consultations_full_length_or_reason": ("consultation", True),
    "funding_ends_with_notice": ("funding_change", True),
    "agreements_with_rationale": ("funding_agreement", True),
    "multi_year_share": ("funding_agreement", False),
    "monitoring_agreed_before_award": ("funding_agreement", True),
}
# Decisions that end or cut funding: the notice the Compact asks is about these.
ENDS_AND_CUTS = (ChangeKind.END, ChangeKind.REDUCE)


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator  # the definition: name, definition, measure, commitment, target
    this_year: Figure
    last_year: Figure
    records_url: str | None  # the records behind the figure (those who may see records)
    commitment_name: str  # "4.5 Three months' notice in writing (refreshed edition)"


def indicators_for(compact: Compact) -> IndicatorSet | None:
    """The Compact's indicator set: the shipped file with its id, or else a shipped file
    whose every commitment is in the Compact's editions; None if there is none. Kept until
    the Compact's editions change (checking a file against them is slow next to a page)."""
    editions = editions_of(compact)
    cached = _sets.get(compact.pk)
    if cached and cached[0] is editions:
        return cached[1]
    known = {
        commitment.citation: {standard.check for standard in commitment.standards}
        for edition in editions
        for commitment in edition.commitments
    }
    shipped = shipped_documents()
    candidates = [shipped[compact.slug]] if compact.slug in shipped else list(shipped.values())
    found = None
    for document, file_name in candidates:
        try:
            found = load_indicators(document, file_name, known)
            break
        except IndicatorFileError:
            continue
    _sets[compact.pk] = (editions, found)
    return found


_sets: dict[int, tuple[object, IndicatorSet | None]] = {}


def indicator_figures(
    compact: Compact,
    year: int,
    body: Organisation | None = None,
    *,
    exact: bool = False,
    today: date | None = None,
) -> list[IndicatorRow]:
    """Each indicator's figure for `year` beside the year before, for the whole Compact or
    for one body. `exact`: show small counts of disagreements as they are (for the
    officer), not as "fewer than 5"."""
    found = indicators_for(compact)
    if found is None:
        return []
    editions = editions_of(compact)
    counter = _Counter(compact, year, body, found, 0 if exact else SMALLEST_SHOWN,
                       today or date.today())  # fmt: skip
    rows = []
    for indicator in found.indicators:
        figures = counter.figures(indicator)
        rows.append(IndicatorRow(
            indicator, figures[year], figures[year - 1],
            _records_url(compact, indicator, year, body),
            editions.describe(indicator.commitment),
        ))  # fmt: skip
    return rows


def partners_without_lead(compact: Compact) -> list[Organisation]:
    """The partners with no nominated Compact lead (5.4): none nominated, or not recorded;
    by name (the register is public)."""
    return list(
        Organisation.objects.filter(compact=compact, partner=True)
        .exclude(lead_status=LeadStatus.NOMINATED)
        .order_by("name")
    )


class _Counter:
    """Counts one indicator at a time for a year and the year before."""

    def __init__(
        self, compact: Compact, year: int, body: Organisation | None, found: IndicatorSet,
        smallest_shown: int, today: date,
    ) -> None:  # fmt: skip
        self.compact, self.year, self.body, self.today = compact, year, body, today
        self.years = (year - 1, year)
        self.below, self.caution = found.too_small_below, found.too_small_words
        self.smallest_shown = smallest_shown

    def figures(self, indicator: Indicator) -> dict[int, Figure]:
        measure = indicator.measure
        if measure in FINDINGS_MEASURES:
            return self._shares(self._findings(indicator))
        counting: dict[str, Callable[[Indicator], dict[int, Figure]]] = {
            "median_notice_weeks": self._median_notice,
            "partners_with_lead": self._partners_with_lead,
            "cases_raised": self._cases_raised,
            "cases_resolved": self._cases_resolved,
            "cases_breach_found": self._cases_breach_found,
            "median_working_days_to_resolve": self._median_days_to_resolve,
            "stages_overdue": self._stages_overdue,
        }
        return counting[measure](indicator)

    # ------------------------------------------------------------------ shares

    def _shares(
        self, rows: Iterable[tuple[int, bool | None, int]], smallest_shown: int = 0
    ) -> dict[int, Figure]:
        groups, _ = tally_groups(rows)
        return {
            year: share(groups.get(year, Tally()), self.below, self.caution, smallest_shown)
            for year in self.years
        }

    def _findings(self, indicator: Indicator) -> list[tuple[int, bool | None, int]]:
        record_type, explained_counts = FINDINGS_MEASURES[indicator.measure]
        counted = {"met": True, "explained": explained_counts, "not_met": False, "unknown": None}
        findings = Finding.objects.filter(
            compact=self.compact, commitment__in=indicator.citations, record_type=record_type,
            year__in=self.years,
        )  # fmt: skip
        if self.body is not None:
            findings = findings.filter(body=self.body)
        if indicator.measure == "funding_ends_with_notice":
            findings = findings.filter(change__change__in=ENDS_AND_CUTS)
        grouped = findings.values_list("year", "status").annotate(n=Count("id")).order_by()
        return [(year, counted.get(status), n) for year, status, n in grouped]

    def _partners_with_lead(self, indicator: Indicator) -> dict[int, Figure]:
        # The register as it stands today: the same figure for both years.
        partners = Organisation.objects.filter(compact=self.compact, partner=True)
        if self.body is not None:
            partners = partners.filter(pk=self.body.pk)
        grouped = partners.values_list("lead_status").annotate(n=Count("id")).order_by()
        rows = [
            (year, status == LeadStatus.NOMINATED, n)
            for status, n in grouped
            for year in self.years
        ]
        return self._shares(rows)

    # ------------------------------------------------------------------ medians

    def _median_notice(self, indicator: Indicator) -> dict[int, Figure]:
        figures = {}
        for year in self.years:
            changes = FundingChange.objects.filter(
                compact=self.compact, change__in=ENDS_AND_CUTS, notice_given__year=year,
                effective__isnull=False,
            )  # fmt: skip
            if self.body is not None:
                changes = changes.filter(agreement__funder=self.body)
            count = changes.count()
            start, stop = middle_positions(count)
            # Only the middle one or two rows are read: the database orders the rest.
            middle = (
                changes.annotate(notice=ExpressionWrapper(
                    F("effective") - F("notice_given"), output_field=DurationField()))
                .order_by("notice", "pk")
                .values_list("notice_given", "effective")[start:stop]
            ) if count else []  # fmt: skip
            weeks = [(effective - given).days / 7 for given, effective in middle]
            figures[year] = median_figure(
                weeks, count, indicator.about.unit, indicator.about.noun, self.below, self.caution
            )
        return figures

    def _median_days_to_resolve(self, indicator: Indicator) -> dict[int, Figure]:
        closed_on = Step.objects.filter(case=OuterRef("pk"), kind="closed").order_by("-number")
        resolved = (
            self._cases().filter(outcome=Outcome.RESOLVED, raised_on__isnull=False)
            .annotate(closed_on=Subquery(closed_on.values("day")[:1]))
            .values_list("year", "raised_on", "closed_on", "route__document__region")
        )  # fmt: skip
        # Disagreements are counted in dozens a year, not thousands: each one's working
        # days are counted by the core's calendar, with its route's bank holidays.
        days: dict[int, list[float]] = {year: [] for year in self.years}
        for year, raised_on, closed, region in resolved:
            if closed is None:
                continue
            try:
                counted = Calendar("working", region or "England and Wales")
                days[year].append(counted.working_days_between(raised_on, closed))
            except (OutOfRange, ValueError):
                continue
        return {
            year: median_figure(
                sorted(values), len(values), indicator.about.unit, indicator.about.noun,
                self.below, self.caution, self.smallest_shown,
            )
            for year, values in days.items()
        }  # fmt: skip

    # ------------------------------------------------------------------ disagreements

    def _cases(self) -> Any:
        """The disagreements counted (raised by a partner, or accepted by the officer from
        the public form) raised in either year; a body's are those raised about it."""
        cases = Case.objects.filter(
            compact=self.compact, year__in=self.years,
            public_status__in=[PublicStatus.NOT_PUBLIC, PublicStatus.ACCEPTED],
        )  # fmt: skip
        if self.body is not None:
            cases = cases.filter(other_party=self.body)
        return cases

    def _tallies(self, cases: Any, indicator: Indicator) -> dict[int, Figure]:
        counts = dict(cases.values_list("year").annotate(n=Count("id")).order_by())
        return {
            year: tally(counts.get(year, 0), indicator.about.noun, self.smallest_shown)
            for year in self.years
        }

    def _cases_raised(self, indicator: Indicator) -> dict[int, Figure]:
        return self._tallies(self._cases(), indicator)

    def _stages_overdue(self, indicator: Indicator) -> dict[int, Figure]:
        # Overdue is worked out from the dates (the day after the deadline), never stored.
        overdue = self._cases().filter(closed=False, next_due__lt=self.today)
        return self._tallies(overdue, indicator)

    def _cases_resolved(self, indicator: Indicator) -> dict[int, Figure]:
        grouped = (
            self._cases().values_list("year")
            .annotate(resolved=Count("id", filter=Q(outcome=Outcome.RESOLVED)), n=Count("id"))
            .order_by()
        )  # fmt: skip
        rows: list[tuple[int, bool | None, int]] = []
        for year, resolved, n in grouped:
            rows += [(year, True, resolved), (year, False, n - resolved)]
        return self._shares(rows, self.smallest_shown)

    def _cases_breach_found(self, indicator: Indicator) -> dict[int, Figure]:
        grouped = (
            self._cases().filter(closed=True).values_list("year", "breach_found")
            .annotate(n=Count("id")).order_by()
        )  # fmt: skip
        # A closed case whose finding was not recorded is unknown, kept out of the total.
        return self._shares(list(grouped), self.smallest_shown)


def _records_url(
    compact: Compact, indicator: Indicator, year: int, body: Organisation | None
) -> str | None:
    """The list behind a figure: the records of the year (of the body, as the acting
    body), the register, or the disagreements; None where there is no such list."""
    measure = indicator.measure
    try:
        if measure in FINDINGS_MEASURES or measure == "median_notice_weeks":
            record_type = (
                FINDINGS_MEASURES[measure][0] if measure in FINDINGS_MEASURES else "funding_change"
            )
            query: dict[str, str | int] = {"type": record_type, "year": year}
            if body is not None:
                query |= {"body": body.ref, "side": "acting"}
            return reverse("web:records", args=[compact.slug]) + "?" + urlencode(query)
        if measure == "partners_with_lead":
            return reverse("web:register", args=[compact.slug])
        return reverse("web:cases", args=[compact.slug])
    except NoReverseMatch:  # a deployment without the web pages
        return None

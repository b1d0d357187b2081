"""The public's figures of disagreements (issue 13, point 5 and 10): how many cases were
raised, resolved and found a breach, per commitment and per year, beside the records'
findings, so that a commitment breached in practice shows even when records look met.

No names, and every count under 5 is shown as "fewer than 5" (`shown_count`), so that a
small count cannot point at one organisation. Cases both parties agreed to publish are
listed by name. (Here rather than in compactwatch/findings/figures.py: the findings app is
below disagreements in the layers and may not read them.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from compactwatch.compact.disclosure import shown_count
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.disputes.models import Case, CaseCommitment, Outcome, PublicStatus


@dataclass(frozen=True)
class CaseFigure:
    label: str  # the commitment in words with its clause, or the year
    raised: str
    resolved: str
    breach_found: str


def _counted():
    """The cases the public's figures count: raised by a partner or accepted by the officer."""
    return Case.objects.filter(public_status__in=[PublicStatus.NOT_PUBLIC, PublicStatus.ACCEPTED])


def per_commitment(compact: Compact, year: int | None = None) -> list[CaseFigure]:
    """One row per commitment named in a case (or found breached), in the editions' order."""
    cases = _counted().filter(compact=compact)
    if year:
        cases = cases.filter(year=year)
    named = (
        CaseCommitment.objects.filter(case__in=cases)
        .values("commitment")
        .annotate(raised=Count("case", distinct=True),
                  resolved=Count("case", filter=Q(case__outcome=Outcome.RESOLVED), distinct=True))
        .order_by()
    )  # fmt: skip
    counts = {row["commitment"]: [row["raised"], row["resolved"], 0] for row in named}
    breaches = (
        cases.filter(breach_found=True)
        .exclude(breach_commitment="")
        .values("breach_commitment")
        .annotate(count=Count("id"))
        .order_by()
    )
    for row in breaches:
        counts.setdefault(row["breach_commitment"], [0, 0, 0])[2] = row["count"]
    editions = editions_of(compact)
    order = {
        f"{edition.id}/{commitment.ref}": (number, place)
        for number, edition in enumerate(editions)
        for place, commitment in enumerate(edition.commitments)
    }
    rows = sorted(counts.items(), key=lambda item: order.get(item[0], (len(order), 0)))
    return [
        CaseFigure(editions.describe(citation), *(shown_count(n) for n in numbers))
        for citation, numbers in rows
    ]


def per_year(compact: Compact) -> list[CaseFigure]:
    rows = (
        _counted().filter(compact=compact)
        .values("year")
        .annotate(raised=Count("id"), resolved=Count("id", filter=Q(outcome=Outcome.RESOLVED)),
                  breach=Count("id", filter=Q(breach_found=True)))
        .order_by("-year")
    )  # fmt: skip
    return [
        CaseFigure(
            str(row["year"]),
            shown_count(row["raised"]),
            shown_count(row["resolved"]),
            shown_count(row["breach"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class PublishedCase:
    ref: str
    year: int
    raiser: str
    other_party: str
    commitments: list[str]
    outcome: str
    outcome_text: str
    breach: str


def published(compact: Compact) -> list[PublishedCase]:
    """The cases both parties agreed to publish, newest first: names and words, never the
    confidential notes."""
    editions = editions_of(compact)
    cases = (
        _counted()
        .filter(compact=compact, publish_raiser=True, publish_other=True)
        .select_related("raising_organisation", "other_party")
        .prefetch_related("commitments")
        .order_by("-year", "-number")
    )
    shown = []
    for case in cases:
        breach = ""
        if case.breach_found and case.breach_commitment:
            breach = f"A breach of {editions.describe(case.breach_commitment)} was found"
        elif case.breach_found is False:
            breach = "No breach of the Compact was found"
        shown.append(PublishedCase(
            case.ref, case.year, case.raiser_words, case.other_party.name,
            [editions.describe(citation) for citation in case.citations()],
            case.get_outcome_display() if case.outcome else "Open", case.outcome_text, breach,
        ))  # fmt: skip
    return shown

"""Realistic records files of any size, in the records format, written as a stream.

    python -m benchmarks.generate --records 1000000 --out benchmarks/out/records-1000000.json

Proportions: 2% organisations, 15% consultations, 50% funding agreements, 33% changes to
funding, each change pointing at an agreement earlier in the file. Dates run over
2008-2025 so both editions apply. Most records keep the Compact; some do not; some
fields are not recorded (null) and some recorded as not done (false).
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

import orjson

SHARES = (
    ("organisations", 0.02),
    ("consultations", 0.15),
    ("funding_agreements", 0.50),
    ("funding_changes", 0.33),
)
FIRST_DAY = date(2008, 1, 1)
SPAN_DAYS = (date(2025, 12, 31) - FIRST_DAY).days
KINDS = ("grant", "grant", "grant", "contract", "service_agreement")
ROLES = ("councillor", "board_member", "management_committee_member", "chief_officer")
TOPICS = ("Library services", "Youth provision", "Adult social care", "Community transport",
          "Parks and open spaces", "Advice services", "Carers support", "Homelessness prevention")  # fmt: skip


def _day(rng: random.Random) -> date:
    return FIRST_DAY + timedelta(days=rng.randrange(SPAN_DAYS))


def _maybe(rng: random.Random, value, none: float = 0.1, false: float = 0.05):
    roll = rng.random()
    if roll < none:
        return None
    if roll < none + false:
        return False
    return value


def organisation(rng: random.Random, number: int) -> dict:
    public = number % 5 == 0
    return {
        "id": f"o{number}",
        "name": f"{'Council' if public else 'Community group'} {number}",
        "sector": "public" if public else "voluntary",
        "kind": "local_authority" if public else "charity",
        "compact_lead": _maybe(rng, {"name": f"Lead {number}", "role": rng.choice(ROLES)}),
        "dbs_checks_paid_by_organisation": None if public else rng.random() < 0.9,
    }


def consultation(rng: random.Random, number: int, organisations: int) -> dict:
    opens = _day(rng)
    weeks = rng.choice((12, 12, 12, 13, 16, 8, 6))
    closes = opens + timedelta(days=weeks * 7 - 1)
    return {
        "id": f"c{number}",
        "organisation": f"o{rng.randrange(max(organisations, 1)) // 5 * 5}",
        "title": f"{rng.choice(TOPICS)} review",
        "opens": opens.isoformat(),
        "closes": closes.isoformat(),
        "formal": rng.random() < 0.85,
        "shorter_period_rationale": "Statutory deadline"
        if weeks < 12 and rng.random() < 0.5
        else None,
        "feedback_published": _maybe(
            rng, (closes + timedelta(days=rng.randrange(10, 90))).isoformat()
        ),
    }


def agreement(rng: random.Random, number: int, organisations: int) -> dict:
    award = _day(rng)
    start = award + timedelta(days=rng.randrange(0, 60))
    years = rng.choice((1, 1, 2, 3, 3))
    end = date(start.year + years, start.month, 1) - timedelta(days=1)
    return {
        "id": f"g{number}",
        "funder": f"o{rng.randrange(max(organisations, 1)) // 5 * 5}",
        "recipient": f"Example Trust {rng.randrange(10_000)}",
        "kind": rng.choice(KINDS),
        "amount": rng.randrange(2_000, 250_000),
        "currency": "GBP",
        "award_date": award.isoformat(),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "decision_rationale": _maybe(rng, "Scored against the published criteria"),
        "single_year_rationale": "Pilot year" if years == 1 and rng.random() < 0.5 else None,
        "monitoring_agreed": _maybe(
            rng, (award - timedelta(days=rng.randrange(-10, 40))).isoformat()
        ),
    }


def change(rng: random.Random, number: int, agreements: int) -> dict:
    notice = _day(rng)
    effective = notice + timedelta(days=rng.choice((42, 84, 90, 92, 120, 180)))
    return {
        "id": f"n{number}",
        "agreement": f"g{rng.randrange(agreements)}" if agreements else None,
        "change": rng.choice(("end", "reduce", "vary")),
        "notice_given": notice.isoformat(),
        "effective": effective.isoformat(),
        "in_writing": _maybe(rng, True, false=0.0),
        "rationale": _maybe(rng, "Budget reductions"),
        "exceptional_circumstances": "Loss of grant from central government"
        if rng.random() < 0.05
        else None,
        "mutual_agreement": rng.random() < 0.1,
        "impact_assessed": _maybe(
            rng, (notice - timedelta(days=rng.randrange(-5, 60))).isoformat()
        ),
        "performance_related": rng.random() < 0.1,
        "improvement_timetable_agreed": _maybe(rng, (notice - timedelta(days=30)).isoformat()),
    }


def write_records(path: Path, total: int, seed: int = 1) -> None:
    """Write `total` records to `path`, one at a time, never holding the whole file."""
    rng = random.Random(seed)
    counts = {section: int(total * share) for section, share in SHARES}
    counts["funding_agreements"] += total - sum(counts.values())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        out.write(b"{")
        for position, (section, _) in enumerate(SHARES):
            out.write(b"," if position else b"")
            out.write(orjson.dumps(section) + b": [\n")
            for number in range(counts[section]):
                if section == "organisations":
                    record = organisation(rng, number)
                elif section == "consultations":
                    record = consultation(rng, number, counts["organisations"])
                elif section == "funding_agreements":
                    record = agreement(rng, number, counts["organisations"])
                else:
                    record = change(rng, number, counts["funding_agreements"])
                out.write((b",\n" if number else b"") + orjson.dumps(record))
            out.write(b"\n]")
        out.write(b"}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    write_records(arguments.out, arguments.records, arguments.seed)


if __name__ == "__main__":
    main()

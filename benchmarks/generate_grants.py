"""Realistic 360Giving grants files of any size, written as a stream.

    python -m benchmarks.generate_grants --grants 1000000 --out benchmarks/out/grants-1000000.json

Modelled on the real files in shared/data (Trafford Council, Lloyds Bank Foundation): 50
funders, public bodies and trusts; one recipient organisation per five grants, identified
by charity or company number; amounts to the penny; planned dates given as start and end,
start and duration, or duration alone; a few grants to individuals. Every grant is valid.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

import orjson

FUNDERS = 50
FIRST_DAY = date(2010, 1, 1)
SPAN_DAYS = (date(2025, 12, 31) - FIRST_DAY).days
PROGRAMMES = ("Voluntary Sector Grants", "Community Chest", "Neighbourhood Fund", "Enable",
              "Invest", "Small Grants", "Core Funding")  # fmt: skip


def funder(number: int) -> dict:
    if number % 2:
        return {"id": f"GB-LAE-F{number:02d}", "name": f"Borough Council {number}"}
    return {"id": f"GB-CHC-{2000000 + number}", "name": f"Charitable Trust {number}"}


def recipient(number: int) -> dict:
    if number % 3 == 0:
        return {"id": f"GB-COH-{number:08d}", "name": f"Community Enterprise {number} CIC",
                "companyNumber": f"{number:08d}"}  # fmt: skip
    return {"id": f"GB-CHC-{1000000 + number}", "name": f"Community Group {number}",
            "charityNumber": str(1000000 + number)}  # fmt: skip


def grant(rng: random.Random, number: int, recipients: int) -> dict:
    awarded = FIRST_DAY + timedelta(days=rng.randrange(SPAN_DAYS))
    start = awarded + timedelta(days=rng.randrange(0, 90))
    months = rng.choice((6, 12, 12, 24, 36))
    roll = rng.random()
    if roll < 0.5:
        end = start + timedelta(days=30 * months)
        planned = {"startDate": start.isoformat(), "endDate": end.isoformat(), "duration": months}
    elif roll < 0.8:
        planned = {"startDate": start.isoformat(), "duration": months}
    else:
        planned = {"duration": months}
    data = {
        "id": f"360G-bench-{number}",
        "title": f"Grant {number}",
        "description": "Towards the running costs of a community project.",
        "currency": "GBP",
        "amountAwarded": round(rng.uniform(500, 150000), 2),
        "awardDate": awarded.isoformat(),
        "plannedDates": [planned],
        "fundingOrganization": [funder(number % FUNDERS)],
        "grantProgramme": [{"title": rng.choice(PROGRAMMES)}],
        "dateModified": "2026-01-01T00:00:00+00:00",
    }
    if rng.random() < 0.01:
        data["recipientIndividual"] = {"id": f"360G-bench-IND-{number}", "name": "Individual"}
    else:
        data["recipientOrganization"] = [recipient(rng.randrange(recipients))]
    return data


def write(path: Path, grants: int, seed: int = 360) -> Path:
    rng = random.Random(seed)
    recipients = max(1, grants // 5)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        out.write(b'{"grants": [\n')
        for number in range(grants):
            if number:
                out.write(b",\n")
            out.write(orjson.dumps(grant(rng, number, recipients)))
        out.write(b"\n]}\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grants", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args()
    write(arguments.out, arguments.grants)


if __name__ == "__main__":
    main()

"""A year of demonstration records for the Cambridgeshire Compact (clearly marked as such)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from compactwatch.changes.base import Actor
from compactwatch.changes.register import save_compact
from compactwatch.changes.uploads import store_records
from compactwatch.compact.dates import add_months
from compactwatch.compact.records import read_mapping
from compactwatch.compacts.models import Compact
from compactwatch.demo_cases import load_demo_cases
from compactwatch.demo_monitoring import load_demo_monitoring
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import FundingAgreement

FUNDERS = ["cambridgeshire-county-council", "cambridge-city-council", "huntingdonshire-dc",
           "south-cambridgeshire-dc", "east-cambridgeshire-dc", "fenland-dc", "cambridgeshire-pct"]  # fmt: skip
GROUPS = ["Ely Community Transport", "Wisbech Food Bank", "St Neots Carers Network", "March Youth Club",
          "Cambourne Men's Shed", "Huntingdon Advice Centre", "Soham Good Neighbours", "Chatteris Day Centre",
          "Histon Library Friends", "Ramsey Tenants Association", "Littleport Play Association",
          "Sawston Village Hall Trust", "Whittlesey Mental Health Group", "Cottenham Befriending"]  # fmt: skip
TOPICS = ["Library services", "Community transport", "Youth services", "Adult day services",
          "Advice services", "Parks and open spaces", "Carers support", "Homelessness prevention"]  # fmt: skip


def load_demo(compact: Compact, today: date | None = None) -> int:
    """Mark the Compact as a demonstration (every page then says so) and create the
    demonstration records once, through the same way in as an upload; returns how many
    were created (0 if present)."""
    actor = Actor.system("demonstration")
    if not compact.demonstration:
        compact.demonstration = True
        save_compact(actor, compact)
    today = today or timezone.localdate()
    created = 0
    if not FundingAgreement.objects.filter(compact=compact, ref__startswith="demo-").exists():
        document = demo_document(compact, today)
        outcome = store_records(
            actor, compact, read_mapping(document, "demonstration"), summary="demonstration data"
        )
        created = sum(count for kind, count in outcome.created.items() if kind != "organisation")
    # After the records: the invented groups are partners by then, and one raises a case.
    load_demo_cases(compact, today)  # disagreements, once
    load_demo_monitoring(compact, today)  # the action plan, once
    return created


def demo_document(compact: Compact, today: date) -> dict[str, list[dict[str, Any]]]:
    """A year of invented records, in the records format (dates as dates: the reader takes
    them as it takes ISO text).

    The funders are real bodies of the register and are named, never changed: no invented
    person is put on a real organisation's entry. Only the invented groups have invented
    leads, named as such.
    """
    rng = random.Random(2026)
    missing = set(FUNDERS) - set(
        Organisation.objects.filter(compact=compact, ref__in=FUNDERS).values_list("ref", flat=True)
    )
    if missing:
        raise ValueError(f"the register lacks the demonstration's funders: {sorted(missing)}")
    organisations = []
    groups = []
    for number, name in enumerate(GROUPS):
        groups.append(f"demo-group-{number + 1}")
        organisations.append({
            "id": groups[-1], "name": f"{name} (demonstration)", "sector": "voluntary",
            "kind": "charity", "compact_lead": {"name": "A. Trustee (invented)", "role": "board_member"},
            "dbs_checks_paid_by_organisation": rng.random() < 0.85,
        })  # fmt: skip
    year_ago = today - timedelta(days=365)

    def day() -> date:
        return year_ago + timedelta(days=rng.randrange(300))

    consultations = []
    for number in range(40):
        opens = day()
        weeks = rng.choice([12, 12, 12, 13, 16, 8, 6])
        published = opens + timedelta(days=7 * weeks + 30) if rng.random() < 0.6 else None
        not_published = rng.random() < 0.1
        consultations.append({
            "id": f"demo-c-{number + 1}", "organisation": rng.choice(FUNDERS),
            "title": f"{rng.choice(TOPICS)} review (demonstration)", "opens": opens,
            "closes": opens + timedelta(days=7 * weeks - 1), "formal": rng.random() < 0.85,
            "shorter_period_rationale": "Statutory deadline" if weeks < 12 and rng.random() < 0.5 else None,
            "feedback_published": published or (False if not_published else None),
        })  # fmt: skip
    agreements = []
    for number in range(150):
        award = day()
        start = award + timedelta(days=rng.randrange(0, 45))
        years = rng.choice([1, 1, 2, 3, 3])
        rationale = "Scored against the published criteria" if rng.random() < 0.85 else None
        none_given = rng.random() < 0.05
        agreements.append({
            "id": f"demo-g-{number + 1}", "funder": rng.choice(FUNDERS),
            "recipient": rng.choice(groups),
            "kind": rng.choice(["grant", "grant", "contract", "service_agreement"]),
            "amount": rng.randrange(2_000, 250_000), "award_date": award, "start": start,
            "end": add_months(start, 12 * years) - timedelta(days=1),
            "decision_rationale": rationale or (False if none_given else None),
            "single_year_rationale": "Pilot year" if years == 1 and rng.random() < 0.5 else None,
            "monitoring_agreed": award - timedelta(days=rng.randrange(-10, 40)),
        })  # fmt: skip
    changes = []
    for number, agreement in enumerate(rng.sample(agreements, 40)):
        notice = day()
        changes.append({
            "id": f"demo-n-{number + 1}", "agreement": agreement["id"],
            "change": rng.choice(["end", "reduce", "vary"]), "notice_given": notice,
            "effective": notice + timedelta(days=rng.choice([42, 84, 92, 92, 120, 180])),
            "in_writing": rng.random() < 0.9,
            "rationale": "Budget reductions" if rng.random() < 0.85 else None,
            "exceptional_circumstances": "Loss of central government grant" if rng.random() < 0.1 else None,
            "impact_assessed": notice - timedelta(days=rng.randrange(-5, 40)) if rng.random() < 0.8 else None,
            "performance_related": rng.random() < 0.15,
            "improvement_timetable_agreed": notice - timedelta(days=30) if rng.random() < 0.5 else None,
        })  # fmt: skip
    return {
        "organisations": organisations,
        "consultations": consultations,
        "funding_agreements": agreements,
        "funding_changes": changes,
    }

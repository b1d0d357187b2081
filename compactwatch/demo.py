"""A year of demonstration records for the Cambridgeshire Compact (clearly marked as such)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from compactwatch.audit.services import record_action
from compactwatch.compact.dates import add_months
from compactwatch.compacts.models import Compact
from compactwatch.findings.services import refresh_compact
from compactwatch.organisations.models import LeadStatus, Organisation, Sector
from compactwatch.records.models import Consultation, FundingAgreement, FundingChange

DEMO_NOTE = (
    "Demonstration data: the Compact's text and register are real (from its published "
    "editions); the consultations, funding and notices are invented for demonstration."
)
FUNDERS = ["cambridgeshire-county-council", "cambridge-city-council", "huntingdonshire-dc",
           "south-cambridgeshire-dc", "east-cambridgeshire-dc", "fenland-dc", "cambridgeshire-pct"]  # fmt: skip
GROUPS = ["Ely Community Transport", "Wisbech Food Bank", "St Neots Carers Network", "March Youth Club",
          "Cambourne Men's Shed", "Huntingdon Advice Centre", "Soham Good Neighbours", "Chatteris Day Centre",
          "Histon Library Friends", "Ramsey Tenants Association", "Littleport Play Association",
          "Sawston Village Hall Trust", "Whittlesey Mental Health Group", "Cottenham Befriending"]  # fmt: skip
TOPICS = ["Library services", "Community transport", "Youth services", "Adult day services",
          "Advice services", "Parks and open spaces", "Carers support", "Homelessness prevention"]  # fmt: skip


@transaction.atomic
def load_demo(compact: Compact, today: date | None = None) -> int:
    """Create the demonstration records once; returns how many were created (0 if present)."""
    if FundingAgreement.objects.filter(compact=compact, ref__startswith="demo-").exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(2026)
    compact.description = DEMO_NOTE
    compact.save(update_fields=["description"])
    register = {org.ref: org for org in Organisation.objects.filter(compact=compact)}
    for ref in FUNDERS:
        body = register[ref]
        body.lead_status = LeadStatus.NOMINATED if rng.random() < 0.8 else LeadStatus.NONE
        body.lead_name, body.lead_role = (
            ("Cllr A. Example", "councillor")
            if body.kind == "local_authority"
            else ("B. Example", "board_member")
        )
        body.save()
    groups = []
    for number, name in enumerate(GROUPS):
        group, _ = Organisation.objects.get_or_create(
            compact=compact, ref=f"demo-group-{number + 1}",
            defaults={"name": f"{name} (demonstration)", "sector": Sector.VOLUNTARY, "kind": "charity",
                      "lead_status": LeadStatus.NOMINATED, "lead_name": "C. Trustee", "lead_role": "board_member",
                      "dbs_checks_paid": rng.random() < 0.85, "source": "Demonstration data"},
        )  # fmt: skip
        groups.append(group)
    year_ago = today - timedelta(days=365)

    def day() -> date:
        return year_ago + timedelta(days=rng.randrange(300))

    consultations = []
    for number in range(40):
        opens = day()
        weeks = rng.choice([12, 12, 12, 13, 16, 8, 6])
        consultations.append(Consultation(
            compact=compact, ref=f"demo-c-{number + 1}", organisation=register[rng.choice(FUNDERS)],
            title=f"{rng.choice(TOPICS)} review (demonstration)", opens=opens,
            closes=opens + timedelta(days=7 * weeks - 1), formal=rng.random() < 0.85,
            shorter_period_rationale="Statutory deadline" if weeks < 12 and rng.random() < 0.5 else "",
            feedback_published=opens + timedelta(days=7 * weeks + 30) if rng.random() < 0.6 else None,
            feedback_not_published=rng.random() < 0.1,
        ))  # fmt: skip
    agreements = []
    for number in range(150):
        award = day()
        start = award + timedelta(days=rng.randrange(0, 45))
        years = rng.choice([1, 1, 2, 3, 3])
        agreements.append(FundingAgreement(
            compact=compact, ref=f"demo-g-{number + 1}", funder=register[rng.choice(FUNDERS)],
            recipient=rng.choice(groups), kind=rng.choice(["grant", "grant", "contract", "service_agreement"]),
            amount=Decimal(rng.randrange(2_000, 250_000)), award_date=award, start=start,
            end=add_months(start, 12 * years) - timedelta(days=1),
            decision_rationale="Scored against the published criteria" if rng.random() < 0.85 else "",
            decision_rationale_none=rng.random() < 0.05,
            single_year_rationale="Pilot year" if years == 1 and rng.random() < 0.5 else "",
            monitoring_agreed=award - timedelta(days=rng.randrange(-10, 40)), programme="Demonstration grants",
        ))  # fmt: skip
    FundingAgreement.objects.bulk_create(agreements)
    Consultation.objects.bulk_create(consultations)
    changes = []
    for number, agreement in enumerate(rng.sample(agreements, 40)):
        notice = day()
        changes.append(FundingChange(
            compact=compact, ref=f"demo-n-{number + 1}", agreement=agreement,
            change=rng.choice(["end", "reduce", "vary"]), notice_given=notice,
            effective=notice + timedelta(days=rng.choice([42, 84, 92, 92, 120, 180])),
            in_writing=rng.random() < 0.9, rationale="Budget reductions" if rng.random() < 0.85 else "",
            exceptional_circumstances="Loss of central government grant" if rng.random() < 0.1 else "",
            impact_assessed=notice - timedelta(days=rng.randrange(-5, 40)) if rng.random() < 0.8 else None,
            performance_related=rng.random() < 0.15,
            improvement_timetable_agreed=notice - timedelta(days=30) if rng.random() < 0.5 else None,
        ))  # fmt: skip
    FundingChange.objects.bulk_create(changes)
    refresh_compact(compact, today)
    created = len(consultations) + len(agreements) + len(changes)
    record_action(
        None,
        "loaded",
        "demonstration data",
        compact=compact,
        summary=f"{created} demonstration records",
    )
    return created

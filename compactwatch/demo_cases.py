"""Demonstration disagreements: a case at every stage of the route, some overdue, raised
and moved through the same use cases as anyone's (changes/cases.py), by the officer
recording steps on the days they were taken."""

from __future__ import annotations

from datetime import date
from typing import Any

from compactwatch.changes import cases
from compactwatch.changes.base import Actor
from compactwatch.compact.disputes import Calendar
from compactwatch.compacts.models import Compact
from compactwatch.disputes.models import Case
from compactwatch.organisations.models import Organisation

# (raising partner, other party, commitment's clause, working days ago raised, the steps
# after raising as (kind, working days after raising, values)).
STORIES: list[tuple[str, str, str, int, list[tuple[str, int, dict[str, Any]]]]] = [
    # The demonstration's small charity (the `group` sign-in) raised one itself.
    ("demo-group-7", "cambridgeshire-county-council", "4.5", 8, [("acknowledged", 3, {})]),
    ("hunts-forum", "huntingdonshire-dc", "4.5", 2, []),
    ("fenland-cvs", "fenland-dc", "4.5", 30, []),
    ("cambridge-cvs", "cambridge-city-council", "2.5", 25, [("acknowledged", 3, {})]),
    ("vcaec", "east-cambridgeshire-dc", "4.5", 12,
     [("acknowledged", 2, {}), ("extended", 8, {"days": 10, "reason": "The officer who "
       "decided is away until next month (demonstration)"})]),
    ("young-lives", "cambridgeshire-county-council", "4.5", 20,
     [("acknowledged", 2, {}), ("responded", 9, {"text": "We accept the notice was short and "
       "have extended the grant by two months (demonstration)."})]),
    ("hunts-forum", "cambridgeshire-county-council", "4.5", 35,
     [("acknowledged", 3, {}), ("responded", 12, {"text": "The decision stands (demonstration)."}),
      ("moved", 14, {"to_stage": "compact-development-group"})]),
    ("fenland-cvs", "fenland-dc", "2.5", 60,
     [("acknowledged", 2, {}), ("responded", 10, {"text": "Feedback will follow (demonstration)."}),
      ("moved", 12, {"to_stage": "compact-development-group"}),
      ("moved", 15, {"to_stage": "positive-disputes-resolution"})]),
    ("cambridge-cvs", "cambridge-city-council", "4.5", 90,
     [("acknowledged", 2, {}), ("responded", 10, {"text": "No change (demonstration)."}),
      ("moved", 12, {"to_stage": "compact-development-group"}),
      ("acknowledged", 14, {}), ("responded", 30, {"text": "The Group could not agree "
       "(demonstration)."}), ("moved", 32, {"to_stage": "mediation"})]),
    ("vcaec", "east-cambridgeshire-dc", "4.5", 120,
     [("acknowledged", 2, {}), ("responded", 10, {"text": "No change (demonstration)."}),
      ("moved", 12, {"to_stage": "compact-development-group"}),
      ("acknowledged", 14, {}), ("responded", 30, {"text": "Not upheld (demonstration)."}),
      ("moved", 35, {"to_stage": "external"})]),
    ("young-lives", "cambridgeshire-county-council", "4.5", 80,
     [("acknowledged", 1, {}), ("responded", 6, {"text": "We will give three months' notice "
       "(demonstration)."}),
      ("closed", 8, {"outcome": "resolved", "outcome_text": "Notice extended to three months.",
                     "breach_found": True, "breach_commitment": "4.5",
                     "lessons": "Check the notice period before writing to a group."})]),
    ("hunts-forum", "huntingdonshire-dc", "2.5", 150,
     [("acknowledged", 4, {}), ("responded", 14, {"text": "No feedback is planned "
       "(demonstration)."}),
      ("closed", 40, {"outcome": "unresolved", "outcome_text": "The parties did not agree.",
                      "breach_found": False})]),
]  # fmt: skip


def load_demo_cases(compact: Compact, today: date) -> int:
    """Create the demonstration cases once; returns how many were made (0 if present)."""
    if Case.objects.filter(compact=compact).exists():
        return 0
    actor = Actor.system("demonstration")
    calendar = Calendar("working", "England and Wales")
    made = 0
    for raising, other, clause, ago, steps in STORIES:
        partners = Organisation.objects.filter(compact=compact, ref__in=[raising, other])
        if partners.count() != 2:
            continue  # a register without these partners: no story to tell
        raised = _working_days_before(calendar, today, ago)
        citation = _citation(compact, raised, clause)
        if citation is None:
            continue
        case = cases.raise_case(
            actor, compact, other_party=partners.get(ref=other),
            raising_organisation=partners.get(ref=raising), commitments=[citation],
            what_happened="The grant was ended with less notice than the Compact asks "
                          "(demonstration).",
            wanted="Notice as the Compact says, and an explanation (demonstration).", day=raised,
        )  # fmt: skip
        for kind, after, values in steps:
            day = min(calendar.add(raised, after).day, today)
            case = Case.objects.get(pk=case.pk)
            if kind == "closed" and values.get("breach_commitment"):
                values = {**values, "breach_commitment": citation}
            _take(actor, case, kind, day, values)
        made += 1
    made += _public(compact, actor)
    return made


def _take(actor: Actor, case: Case, kind: str, day: date, values: dict[str, Any]) -> None:
    step = {"acknowledged": cases.acknowledge, "responded": cases.respond,
            "extended": cases.extend, "moved": cases.move, "closed": cases.close}[kind]  # fmt: skip
    step(actor, case, version=case.version, day=day, **values)
    if kind == "closed":
        case = Case.objects.get(pk=case.pk)
        answer = "yes" if values["outcome"] == "resolved" else "no"
        cases.answer(actor, case, version=case.version, answer=answer)


def _public(compact: Compact, actor: Actor) -> int:
    other = Organisation.objects.filter(compact=compact, ref="south-cambridgeshire-dc").first()
    choices = cases.commitment_choices(compact)
    if other is None or not choices:
        return 0
    cases.submit_public_case(
        actor, compact, contact_name="A. Volunteer (invented)",
        contact_email="volunteer@example.org", other_party=other,
        commitments=[choices[0][0]], on_behalf_of="Sawston Village Hall Trust (demonstration)",
        what_happened="We were not told about the consultation on village halls "
                      "(demonstration).",
        wanted="To be told of consultations that affect us (demonstration).",
    )  # fmt: skip
    return 1


def _working_days_before(calendar: Calendar, today: date, count: int) -> date:
    day = today
    while calendar.working_days_between(day, today) < count:
        day = date.fromordinal(day.toordinal() - 1)
    return day


def _citation(compact: Compact, day: date, clause: str) -> str | None:
    choices = [citation for citation, _words in cases.commitment_choices(compact, day)]
    return next((c for c in choices if c.endswith(f"/{clause}")), choices[0] if choices else None)

"""Demonstration action plans and an annual review (2007 edition, 5.2): last year's plan
with items in every status and progress noted, its review meeting, the unfinished items
carried into this year's plan, new items this year (some overdue), and last year's work
programme (the review page opens on last year). Made once, through the same use cases as
anyone's (changes/action_plan.py and changes/annual_review.py), by the Compact officer."""

from __future__ import annotations

from datetime import date
from typing import Any

from compactwatch.changes import action_plan, annual_review
from compactwatch.changes.base import Actor
from compactwatch.compacts.models import Compact
from compactwatch.monitoring.models import ActionItem, OwnerKind, Status
from compactwatch.organisations.models import Organisation

GROUP = "group"  # the Compact Development Group owns it
# (title, owner's ref or GROUP, commitment's clause in the refreshed edition or an
# indicator's id, status, due (month, day) in the plan year, progress notes).
LAST_YEAR: list[tuple[str, str, str, str, tuple[int, int], list[str]]] = [
    ("Publish every public consultation on one web page", "cambridgeshire-county-council",
     "2.4", Status.DONE, (6, 30), ["The page is live and lists every open consultation."]),
    ("Agree a standard notice letter for ending or reducing a grant", "cambridge-city-council",
     "4.5", Status.IN_PROGRESS, (9, 30), ["A first draft went to the Development Group."]),
    ("Ask every partner to nominate a Compact lead", GROUP, "partners-with-lead",
     Status.NOT_STARTED, (3, 31), []),
    ("Train commissioners on multi-year funding", "huntingdonshire-dc", "multi-year-funding",
     Status.DROPPED, (11, 30), ["Dropped: the county-wide commissioning training covers it."]),
    ("Hold a workshop on the disagreements route for small groups", "hunts-forum",
     "disagreements-raised", Status.DONE, (5, 31), ["Twenty groups came to the workshop."]),
]  # fmt: skip
THIS_YEAR: list[tuple[str, str, str, str, tuple[int, int], list[str]]] = [
    ("Give reasons with every funding decision", "fenland-dc", "agreements-with-rationale",
     Status.NOT_STARTED, (1, 31), []),
    ("Agree monitoring before each award", "cambridgeshire-county-council",
     "monitoring-before-award", Status.IN_PROGRESS, (12, 15),
     ["Monitoring forms agreed for the two largest programmes."]),
    ("Publish the annual report to all partners", GROUP, "disagreements-resolved",
     Status.NOT_STARTED, (12, 31), []),
]  # fmt: skip
WORK_PROGRAMME = [
    ("Run the annual survey of partners", GROUP, 2),
    ("Refresh the Compact's guide to consultation", "cambridgeshire-county-council", 3),
    ("Prepare the annual report", GROUP, 4),
]


def _owner(compact: Compact, ref: str) -> dict[str, Any] | None:
    if ref == GROUP:
        return {"owner_kind": OwnerKind.DEVELOPMENT_GROUP, "owner": None}
    owner = Organisation.objects.filter(compact=compact, ref=ref, partner=True).first()
    return {"owner_kind": OwnerKind.PARTNER, "owner": owner} if owner else None


def _serves(compact: Compact, what: str) -> dict[str, str] | None:
    if what[0].isdigit():  # a clause of the refreshed edition
        citations = dict(action_plan.commitment_choices(compact))
        citation = next((c for c in citations if c.endswith(f"/{what}") and "refreshed" in c),
                        None)  # fmt: skip
        return {"commitment": citation, "indicator": ""} if citation else None
    known = dict(action_plan.indicator_choices(compact))
    return {"commitment": "", "indicator": what} if what in known else None


def _add(actor: Actor, compact: Compact, year: int, stories: list) -> None:
    for title, owner_ref, what, status, (month, day), notes in stories:
        owner, serves = _owner(compact, owner_ref), _serves(compact, what)
        if owner is None or serves is None:
            continue  # a register or Compact without it: no story to tell
        item = action_plan.add_item(actor, compact, year, {
            "title": title, "success": f"{title}, seen by the partners (demonstration).",
            "due": date(year, month, day), "status": status, **owner, **serves,
        })  # fmt: skip
        for note in notes:
            action_plan.add_note(actor, item, f"{note} (demonstration)")


def load_demo_monitoring(compact: Compact, today: date) -> int:
    """Create the demonstration plans and review once; returns how many action items were
    made (0 if the Compact has any already)."""
    if ActionItem.objects.filter(compact=compact).exists():
        return 0
    actor = Actor.system("demonstration")
    last = today.year - 1
    _add(actor, compact, last, LAST_YEAR)
    present = list(Organisation.objects.filter(
        compact=compact, partner=True,
        ref__in=["cambridgeshire-county-council", "cambridge-city-council", "hunts-forum"]))  # fmt: skip
    annual_review.record_meeting(actor, compact, last, {
        "date": min(today, date(today.year, 1, 20)),
        "attendees": "The Compact officer (demonstration)\n"
                     "A representative of each partner named below (demonstration)",
        "organisations": present,
        "minutes": "The Development Group reviewed the year's action plan and work programme "
                   "item by item (demonstration).",
        "decisions": "Carry the unfinished items into next year's plan (demonstration)\n"
                     "Run the annual survey of partners in the spring (demonstration)",
    })  # fmt: skip
    action_plan.carry_unfinished(actor, compact, last)
    _add(actor, compact, today.year, THIS_YEAR)
    for title, lead_ref, quarter in WORK_PROGRAMME:
        lead = _owner(compact, lead_ref)
        if lead is None:
            continue
        annual_review.add_work_item(actor, compact, last, {
            "title": title, "description": f"{title} (demonstration).", "quarter": quarter,
            "lead_kind": lead["owner_kind"], "lead": lead["owner"],
        })  # fmt: skip
    return ActionItem.objects.filter(compact=compact).count()

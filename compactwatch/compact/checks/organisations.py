"""Checks on organisations in the register: DBS checks (refreshed 1.8), Compact lead (2007 5.4)."""

from __future__ import annotations

from datetime import date

from compactwatch.compact.checks.base import Check, Record, met, not_met, unknown
from compactwatch.compact.findings import Status


class DbsChecksPaid(Check):
    """Voluntary groups pay for their volunteers' DBS checks themselves."""

    name = "dbs_checks_paid"
    title = "DBS checks paid for by the organisation"
    section = "organisations"
    needs = frozenset({"dbs_checks_paid_by_organisation"})
    parameters = {"sector": "text"}

    def applies(self, record: Record) -> bool:
        return record["sector"] == self.param("sector")

    def evaluate(self, record: Record, as_of: date) -> tuple[Status, str]:
        paid = record["dbs_checks_paid_by_organisation"]
        if paid is None:
            outcome = unknown("who pays for volunteers' DBS checks is not recorded")
        elif paid:
            outcome = met("the organisation pays for its volunteers' DBS checks")
        else:
            outcome = not_met(
                "the organisation does not pay for its volunteers' DBS checks; the Compact asks "
                "that the organisation covers the charge, not the volunteers"
            )
        return self.verdict(outcome)


def _normalise_role(role: str) -> str:
    return "_".join(role.lower().replace("-", " ").split())


def _describe_roles(roles: list[str]) -> str:
    names = [role.replace("_", " ") for role in roles]
    return "a " + " or ".join(names)


class CompactLead(Check):
    """Each partner nominates a Compact lead of the right standing."""

    name = "compact_lead"
    title = "A nominated Compact lead"
    section = "organisations"
    needs = frozenset({"compact_lead"})
    parameters = {"lead_roles": "roles"}

    def evaluate(self, record: Record, as_of: date) -> tuple[Status, str]:
        lead = record["compact_lead"]
        if lead is False:
            return self.verdict(not_met("no Compact lead has been nominated"))
        if lead is None:
            return self.verdict(unknown("no Compact lead is recorded"))
        kind = record["kind"]
        if kind is None:
            return self.verdict(
                unknown(
                    "the organisation's kind is not recorded, so the role its lead needs is not known"
                )
            )
        lead_roles = self.param("lead_roles")
        roles = lead_roles.get(_normalise_role(kind), lead_roles.get("other", []))
        wanted = _describe_roles(roles)
        kind_text = kind.replace("_", " ")
        who = f"the Compact lead, {lead['name']}," if lead["name"] else "the Compact lead"
        if lead["role"] is None:
            return self.verdict(unknown(f"the role of {who.strip(',')} is not recorded"))
        if _normalise_role(lead["role"]) in roles:
            return self.verdict(met(f"{who} is {wanted}, as the Compact asks of a {kind_text}"))
        return self.verdict(
            not_met(
                f"{who} is recorded as '{lead['role']}'; the Compact asks for {wanted} "
                f"in a {kind_text}"
            )
        )

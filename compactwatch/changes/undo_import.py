"""Undoing an import: removing the funding agreements and organisations it added, where
nothing else refers to them. Only a Compact's officer undoes an import.

An import marks what it adds with its number (`added_by_import`). Undoing it removes the
agreements it created (and their findings) unless a change to funding refers to one or it
was changed since (evidence added by a form, an upload or a later import is not thrown
away); then the organisations it added, unless something still refers to one: a record
kept, a signature, a membership, a contact, or the officer having made it a partner or
changed it. Agreements the import changed rather than created are kept as they are now: it
did not add them. Like the import's own store pass, the undoing is audited in one entry
naming every row removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from compactwatch.changes.base import Actor, Refused, changing
from compactwatch.compacts.models import Compact
from compactwatch.findings.models import Finding
from compactwatch.organisations.models import Contact, Membership, Organisation, Signature
from compactwatch.records.models import Consultation, FundingAgreement

CHUNK = 500  # ids a query names at once (SQLite bounds the values a query takes)
KEPT_SHOWN = 50  # of the rows kept, those named on the page and in the job's outcome

# Why an organisation the import added is kept, in the order the reasons are looked for.
AGREEMENT_CHANGED = "it was changed after the import"
AGREEMENT_CHANGE_OF_FUNDING = "a change to funding refers to it"
ORGANISATION_REASONS = (
    "it is now a partner of the Compact",
    "it was changed in the register after the import",
    "another funding agreement names it",
    "a consultation names it",
    "it has signed an edition",
    "people act for it",
    "the register holds a contact for it",
)


@dataclass
class Kept:
    ref: str
    name: str
    why: str


@dataclass
class UndoPlan:
    """What undoing an import removes and what it keeps, with why."""

    agreements: list[tuple[int, str]] = field(default_factory=list)  # (pk, ref)
    organisations: list[tuple[int, str]] = field(default_factory=list)
    kept_agreements: list[Kept] = field(default_factory=list)
    kept_organisations: list[Kept] = field(default_factory=list)

    @property
    def nothing_to_remove(self) -> bool:
        return not self.agreements and not self.organisations

    def as_dict(self) -> dict[str, Any]:
        def kept(rows: list[Kept]) -> list[dict[str, str]]:
            return [vars(row) for row in rows[:KEPT_SHOWN]]

        return {
            "agreements_removed": len(self.agreements),
            "organisations_removed": len(self.organisations),
            "agreements_kept": len(self.kept_agreements),
            "organisations_kept": len(self.kept_organisations),
            "kept_agreements": kept(self.kept_agreements),
            "kept_organisations": kept(self.kept_organisations),
        }


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _organisation_reasons(
    compact: Compact, import_id: int, added: QuerySet, kept_agreement_ids: list[int]
) -> list[set[int]]:
    """For each of ORGANISATION_REASONS, the ids of the added organisations it holds for."""
    others = FundingAgreement.objects.filter(compact=compact).filter(
        ~Q(added_by_import=import_id) | Q(pk__in=kept_agreement_ids)
    )
    named = set()
    for party in ("funder", "recipient"):
        named |= set(others.filter(**{f"{party}__in": added}).values_list(f"{party}_id", flat=True))

    def holding(model: type, path: str = "organisation") -> set[int]:
        return set(model.objects.filter(**{f"{path}__in": added}).values_list(f"{path}_id",
                                                                              flat=True))  # fmt: skip

    return [
        set(added.filter(partner=True).values_list("pk", flat=True)),
        set(added.filter(version__gt=1).values_list("pk", flat=True)),
        named,
        holding(Consultation),
        holding(Signature),
        holding(Membership),
        holding(Contact),
    ]


def plan_undo(compact: Compact, import_id: int) -> UndoPlan:
    """What undoing the import would remove, and what it would keep (read, not changed)."""
    plan = UndoPlan()
    created = FundingAgreement.objects.filter(compact=compact, added_by_import=import_id)
    referred = set(created.filter(changes__isnull=False).values_list("pk", flat=True).distinct())
    kept_ids = []
    for pk, ref, version, recipient in created.order_by("ref").values_list(
        "pk", "ref", "version", "recipient__name"
    ):
        if pk in referred or version > 1:
            why = AGREEMENT_CHANGE_OF_FUNDING if pk in referred else AGREEMENT_CHANGED
            plan.kept_agreements.append(Kept(ref, recipient or "", why))
            kept_ids.append(pk)
        else:
            plan.agreements.append((pk, ref))
    added = Organisation.objects.filter(compact=compact, added_by_import=import_id)
    reasons = _organisation_reasons(compact, import_id, added, kept_ids)
    for pk, ref, name in added.order_by("name", "ref").values_list("pk", "ref", "name"):
        why = next((text for text, ids in zip(ORGANISATION_REASONS, reasons, strict=True)
                    if pk in ids), None)  # fmt: skip
        if why:
            plan.kept_organisations.append(Kept(ref, name, why))
        else:
            plan.organisations.append((pk, ref))
    return plan


def undo_import(actor: Actor, compact: Compact, import_id: int, label: str) -> UndoPlan:
    """Remove what the import numbered `import_id` added, where nothing else refers to it,
    in one transaction; returns what was removed and kept. `label` names the import in the
    audit trail (its file). Whether the import may be undone (finished, not undone already)
    is its job's to say: call inside the transaction that marks the job undone."""
    with changing():
        if not actor.is_officer(compact):
            raise Refused("Only the Compact officer can undo an import")
        # Held to the end: a form saved meanwhile waits, then finds the rows gone.
        list(Compact.objects.select_for_update().filter(pk=compact.pk).values_list("pk"))
        plan = plan_undo(compact, import_id)
        agreement_ids = [pk for pk, _ in plan.agreements]
        for chunk in _chunks(agreement_ids):
            Finding.objects.filter(agreement_id__in=chunk).delete()
            FundingAgreement.objects.filter(pk__in=chunk).delete()
        for chunk in _chunks([pk for pk, _ in plan.organisations]):
            Finding.objects.filter(organisation_id__in=chunk).delete()
            Organisation.objects.filter(pk__in=chunk).delete()
        actor.audit(
            "import undone", "360giving_import", str(import_id), compact=compact,
            before={"funding agreements": [ref for _, ref in plan.agreements],
                    "organisations": [ref for _, ref in plan.organisations]},
            after=None, summary=undo_summary(label, plan),
        )  # fmt: skip
    return plan


def undo_summary(label: str, plan: UndoPlan) -> str:
    kept = len(plan.kept_agreements), len(plan.kept_organisations)
    return (
        f"{label}: undone; {len(plan.agreements)} funding agreements and "
        f"{len(plan.organisations)} organisations it added removed"
        + (f"; kept because other records refer to them or they changed since: {kept[0]} "
           f"agreements and {kept[1]} organisations" if any(kept) else "")
    )  # fmt: skip

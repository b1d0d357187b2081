"""Storing a 360Giving file's grants as funding agreements, a batch at a time, with their
findings: the use case behind an import (compactwatch/imports runs the job around it).
Only a Compact's officer imports into it.

Grants are matched to stored agreements by their 360Giving grant id: a grant already
stored with the same values is left alone, one whose values differ is updated and the
difference kept for the outcome. Only the fields a 360Giving file fills are written, so
evidence an officer has added to an imported agreement (a rationale, monitoring) stays.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection

from compactwatch.bulk import insert_rows_by_ref
from compactwatch.changes.base import Actor, Refused, changing
from compactwatch.changes.grant_register import Entry, RegisterIndex
from compactwatch.compacts.models import Compact
from compactwatch.findings.services import Checked, refresh, store_findings
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import REF_LENGTH, FundingAgreement, agreement_record
from compactwatch.threesixtygiving.mapping import GRANT_KIND, Grant

Party = Entry | Organisation  # a funder or recipient: found in the register, or just added
CHANGES_KEPT = 200
PENNY = Decimal("0.01")
# The columns a new agreement's row gives, in the order `GrantStore._insert` gives them;
# the others take their defaults (compactwatch/bulk.py).
AGREEMENT_COLUMNS = ("compact_id", "ref", "created_by_id", "funder_id", "recipient_id", "kind",
                     "amount", "currency", "award_date", "start", "end", "programme",
                     "source_grant_id", "added_by_import")  # fmt: skip
# The agreement's fields an import writes (and compares): its parties, and what `_values` gives.
VALUES = ("kind", "amount", "currency", "award_date", "start", "end", "programme")
WRITTEN = ("funder", "recipient", *VALUES)


@dataclass
class StoreOutcome:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    individuals: int = 0
    organisations_added: int = 0
    derived_terms: Counter = field(default_factory=Counter)
    funders: Counter = field(default_factory=Counter)
    changes: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "individuals": self.individuals,
            "organisations_added": self.organisations_added,
            "derived_terms": dict(self.derived_terms),
            "funders": [{"ref": ref, "grants": count} for ref, count in self.funders.most_common()],
            "changes": self.changes,
        }


def _pennies(amount: Decimal | None) -> Decimal | None:
    """An amount as stored: to the penny."""
    return None if amount is None else amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def _ref_for(grant_id: str) -> str:
    if len(grant_id) <= REF_LENGTH:
        return grant_id
    digest = hashlib.sha256(grant_id.encode()).hexdigest()[:16]
    return f"{grant_id[: REF_LENGTH - 17]}-{digest}"


def _values(grant: Grant) -> dict[str, Any]:
    """What an agreement holds of a grant, beside its funder and recipient (the import
    writes these and nothing else)."""
    return {"kind": GRANT_KIND, "amount": _pennies(grant.amount),
            "currency": grant.currency or "GBP", "award_date": grant.award_date,
            "start": grant.term.start, "end": grant.term.end, "programme": grant.programme}  # fmt: skip


def _shown(funder_ref: str | None, recipient_ref: str | None, values: dict[str, Any]) -> dict:
    """The WRITTEN fields' values as text, to compare and to show what changed."""
    every = {"funder": funder_ref, "recipient": recipient_ref, **values}
    return {name: None if every[name] in (None, "") else str(every[name]) for name in WRITTEN}


def _as_stored(agreement: FundingAgreement) -> dict[str, str | None]:
    values = {name: getattr(agreement, name) for name in VALUES}
    values["amount"] = _pennies(agreement.amount)
    funder, recipient = agreement.funder, agreement.recipient
    return _shown(funder.ref if funder else None, recipient.ref if recipient else None, values)


class GrantStore:
    """Stores grants for one import. Call `store` with batches, inside one transaction."""

    def __init__(self, actor: Actor, compact: Compact, source: str, import_id: int | None = None):
        """Call inside the import's transaction: it holds the Compact's row until the end,
        so a second import into the same Compact waits for this one, then finds its grants
        stored (unchanged) rather than adding them again. What it adds is marked with
        `import_id`, the import's number, so that undoing the import can remove it."""
        if not actor.is_officer(compact):
            raise Refused("Only the Compact officer can import grants into the Compact")
        list(Compact.objects.select_for_update().filter(pk=compact.pk).values_list("pk"))
        self.compact = compact
        self.register = RegisterIndex(compact, source, import_id)
        self.import_id = import_id
        self.user = actor.user if actor.user is not None and actor.user.is_authenticated else None
        self.outcome = StoreOutcome()

    def store(self, grants: list[Grant]) -> None:
        with changing():
            self._store(grants)

    def _store(self, grants: list[Grant]) -> None:
        organisations = [g for g in grants if g.recipient is not None]
        self.outcome.individuals += len(grants) - len(organisations)
        ids = [grant.grant_id for grant in organisations]
        # Held until the import ends, so that a form saved meanwhile waits, then sees it.
        stored = {
            agreement.source_grant_id: agreement
            for agreement in FundingAgreement.objects.select_for_update(of=("self",))
            .filter(compact=self.compact, source_grant_id__in=[i for i in ids if i])
            .select_related("funder", "recipient")
        }
        new: list[tuple[Grant, Party, Party, str]] = []
        changed: list[FundingAgreement] = []
        parties = [
            (self.register.find_or_add(g.funder), self.register.find_or_add(g.recipient))
            for g in organisations
        ]
        added = self.register.save_added()
        self.outcome.organisations_added += len(added)
        taken = self._refs_taken(ids, stored)
        for grant, (funder, recipient) in zip(organisations, parties, strict=True):
            self.outcome.funders[funder.ref] += 1
            if grant.term.derived:
                self.outcome.derived_terms[grant.term.derived] += 1
            agreement = stored.get(grant.grant_id)
            if agreement is None:
                new.append((grant, funder, recipient, self._new_ref(grant.grant_id, taken)))
                continue
            before, after = _as_stored(agreement), _shown(funder.ref, recipient.ref, _values(grant))
            if before == after:
                self.outcome.unchanged += 1
                continue
            self._fill(agreement, grant, funder, recipient)
            agreement.version += 1
            changed.append(agreement)
            if len(self.outcome.changes) < CHANGES_KEPT:
                self.outcome.changes.append(
                    {
                        "grant": grant.grant_id,
                        "ref": agreement.ref,
                        "fields": {
                            name: [before[name], after[name]]
                            for name in WRITTEN
                            if before[name] != after[name]
                        },
                    }
                )
        self._insert(new)
        if changed:
            FundingAgreement.objects.bulk_update(
                changed, [*WRITTEN, "funder_name", "recipient_name", "version"], batch_size=500
            )
        self.outcome.created += len(new)
        self.outcome.changed += len(changed)
        refresh([*added, *changed])

    def _insert(self, new: list[tuple[Grant, Party, Party, str]]) -> None:
        """Insert new agreements as plain rows, then store their findings: at a million
        grants, making a model instance of each would take most of the time."""
        if not new:
            return
        ops = connection.ops
        user = self.user.pk if self.user else None

        def day(value: date | None) -> Any:
            return ops.adapt_datefield_value(value)

        rows, checks = [], []
        for grant, funder, recipient, ref in new:
            values = _values(grant)
            rows.append((self.compact.pk, ref, user, funder.pk, recipient.pk, values["kind"],
                         values["amount"], values["currency"], day(values["award_date"]),
                         day(values["start"]), day(values["end"]), values["programme"],
                         grant.grant_id, self.import_id))  # fmt: skip
            values.pop("programme")  # not part of the records format
            record = agreement_record(ref=ref, funder=funder.ref, recipient=recipient.ref, **values)
            checks.append((ref, funder.pk, grant.award_date, record))
        ids = insert_rows_by_ref(FundingAgreement, AGREEMENT_COLUMNS, rows, self.compact.pk)
        store_findings(
            [Checked(FundingAgreement, ids[ref], self.compact.pk, record, funder_pk, award_date)
             for ref, funder_pk, award_date, record in checks],
            replace=False,
        )  # fmt: skip

    def _fill(
        self, agreement: FundingAgreement, grant: Grant, funder: Party, recipient: Party
    ) -> None:
        agreement.funder_id, agreement.funder_name = funder.pk, ""
        agreement.recipient_id, agreement.recipient_name = recipient.pk, ""
        for name, value in _values(grant).items():
            setattr(agreement, name, value)

    def _refs_taken(self, ids: list[str], stored: dict[str, FundingAgreement]) -> set[str]:
        """Refs of other records that the new grants' refs would clash with."""
        wanted = [_ref_for(grant_id) for grant_id in ids if grant_id not in stored]
        if not wanted:
            return set()
        return set(
            FundingAgreement.objects.filter(compact=self.compact, ref__in=wanted).values_list(
                "ref", flat=True
            )
        )

    @staticmethod
    def _new_ref(grant_id: str, taken: set[str]) -> str:
        ref = _ref_for(grant_id)
        if ref in taken:  # another record already has this ref: keep both
            ref = f"360g-{hashlib.sha256(grant_id.encode()).hexdigest()[:24]}"
        taken.add(ref)
        return ref

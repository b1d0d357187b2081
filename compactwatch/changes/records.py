"""Creating, changing and deleting records: consultations, funding agreements and changes
to funding, from a form, the API, an upload or the command line.

A member of a partner may change only the records in which their own organisation acts
(the consulting body, the funder), judged on the stored record as well as on the new
values; they cannot address another's record. Record ids belong to their organisation: a
record a member makes under an id of their own choosing is stored under the id with their
organisation's id in front ("hunts-forum/c-1"), so what they are told never depends on
whether another organisation has a record of that id; they name it by either afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from compactwatch import permissions
from compactwatch.changes.base import (
    Actor,
    Invalid,
    NotFound,
    Refused,
    Stale,
    Taken,
    changes_since,
    changing,
)
from compactwatch.compacts.models import Compact
from compactwatch.findings.services import refresh
from compactwatch.organisations.matching import RegisterLookup
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import REF_LENGTH, FundingAgreement, Record

TAKEN = "This id is in use in this Compact: choose another, or leave it out to have one made"


def next_ref(model: type[Record], compact: Compact) -> str:
    """A fresh reference such as c-12 for a record entered without one."""
    prefix = model.traits.prefix
    pattern = re.compile(rf"^{prefix}-(\d+)$")
    taken = model.objects.filter(compact=compact, ref__startswith=f"{prefix}-").values_list(
        "ref", flat=True
    )
    numbers = [int(match.group(1)) for ref in taken if (match := pattern.match(ref))]
    return f"{prefix}-{max(numbers, default=0) + 1}"


def may_edit(actor: Actor, record: Record) -> bool:
    return actor.is_system or permissions.can_edit(actor.user, record)


def may_view(actor: Actor, record: Record) -> bool:
    return actor.is_system or permissions.can_view(actor.user, record)


def editable_agreement_refs(actor: Actor, compact: Compact) -> set[str]:
    """The agreements a change the actor records may be made to: a member names only their
    own organisation's, and is told "no such agreement" of any other, existing or not."""
    if actor.is_officer(compact):
        queryset = FundingAgreement.objects.filter(compact=compact)
    else:
        queryset = permissions.editable_records(actor.user, FundingAgreement, compact)
    return own_names(actor, compact, set(queryset.values_list("ref", flat=True)))


def member_organisations(actor: Actor, compact: Compact) -> list[str]:
    """The register ids of the organisations a member acts for ([] for an officer)."""
    if actor.is_officer(compact):
        return []
    return list(
        Organisation.objects.filter(pk__in=permissions.organisation_ids(actor.user, compact))
        .order_by("ref")
        .values_list("ref", flat=True)
    )


def own_names(actor: Actor, compact: Compact, refs: set[str]) -> set[str]:
    """The ids a member may name their records by: each id, and without their
    organisation's id in front."""
    prefixes = [f"{org}/" for org in member_organisations(actor, compact)]
    return refs | {ref[len(p) :] for ref in refs for p in prefixes if ref.startswith(p)}


class Resolver:
    """What records name: organisations by the one matcher, agreements by id (those of
    the same upload first; for a member, their own organisation's first)."""

    def __init__(self, compact: Compact, actor: Actor | None = None):
        self.compact = compact
        self.register = RegisterLookup(compact)
        self.agreements: dict[str, FundingAgreement] = {}
        self.prefixes = [f"{org}/" for org in member_organisations(actor, compact)] if actor else []

    def organisation(self, value: str | None) -> Organisation | None:
        return self.register.find(value)

    def agreement(self, value: str | None) -> FundingAgreement | None:
        if not value:
            return None
        if value not in self.agreements:
            names = [*(prefix + value for prefix in self.prefixes), value]
            found = {
                agreement.ref: agreement
                for agreement in FundingAgreement.objects.filter(
                    compact=self.compact, ref__in=names
                ).select_related("funder", "recipient")
            }
            first = next((found[name] for name in names if name in found), None)
            if first is None:
                return None
            self.agreements[value] = first
        return self.agreements[value]


# A record's new values: given, or made from the stored record as read under the lock (a
# partial change: the API's PATCH merges its fields into what is stored at that moment).
Values = dict[str, Any] | Callable[[Record | None], dict[str, Any]]


@dataclass
class Written:
    record: Record
    created: bool
    changed: bool


def _snapshot(record: Record, names: list[str]) -> dict[str, Any]:
    """The record in the records format, with any other field being written (a programme)."""
    shown = record.as_record()
    for name in names:
        if name not in shown and name not in record.format_fields():
            shown[name] = getattr(record, name)
    return shown


def _locked(model: type[Record], compact: Compact, ref: str) -> Record | None:
    related = [path for path in model.traits.part_of if path]
    return (
        model.objects.select_for_update(of=("self",))
        .select_related(*related)
        .filter(compact=compact, ref=ref)
        .first()
    )


def write_record(
    actor: Actor,
    compact: Compact,
    model: type[Record],
    ref: str | None,
    values: Values,
    *,
    mode: str = "upsert",
    version: int | None = None,
    summary: str = "",
) -> Written:
    """Create or change one record (inside `changing()`): `mode` is "create", "update" or
    "upsert" (an upload: create, or change one's own). `version`, when given, is the
    version the actor read: a record changed since is refused (Stale). Findings are left
    to the caller, which may have many records to check."""
    if ref and mode != "update" and not callable(values) and not actor.is_officer(compact):
        ref = _members_ref(actor, compact, model, ref, values)
    stored = _locked(model, compact, ref) if ref else None
    if stored is not None and not may_edit(actor, stored):
        if mode == "update" and may_view(actor, stored):
            body = stored.body()
            raise Refused(
                f"Only members of {body or 'the acting body'} and the Compact officer can "
                f"change this {model.traits.label.lower()}"
            )
        raise NotFound("No such record") if mode == "update" else Taken(TAKEN, "id")
    if stored is None and mode == "update":
        raise NotFound("No such record")
    if stored is not None and mode == "create":
        raise Taken(TAKEN, "id")
    if stored is not None and version is not None and stored.version != version:
        raise Stale(stored, changes_since(compact, model.traits.type, stored.ref, version))
    if callable(values):
        values = values(stored)
    record = stored or model(compact=compact, ref=ref or next_ref(model, compact))
    names = list(values)
    before = _snapshot(stored, names) if stored else None
    for name, value in values.items():
        setattr(record, name, value)
    if not may_edit(actor, record):
        raise Refused(
            "You can record only for your own organisation", model.traits.acting.split("__")[0]
        )
    after = _snapshot(record, names)
    if before == after:
        return Written(record, created=False, changed=False)
    if stored is None:
        record.created_by = actor.user if actor.user and actor.user.is_authenticated else None
        record.version = 1
    else:
        record.version = stored.version + 1
    try:
        with transaction.atomic():  # a savepoint: two creates of one id at the same moment
            record.save()
    except IntegrityError:
        raise Taken(TAKEN, "id") from None
    actor.audit(
        "created" if stored is None else "changed", model.traits.type, record.ref,
        compact=compact, before=before, after=after, version=record.version, summary=summary,
    )  # fmt: skip
    return Written(record, created=stored is None, changed=stored is not None)


def _members_ref(
    actor: Actor, compact: Compact, model: type[Record], ref: str, values: dict[str, Any]
) -> str:
    """The id a member's new record is stored under: their own record's id if they name
    one, else the id with the organisation that acts in it in front."""
    related = [path for path in model.traits.part_of if path]
    for name in (ref, *(f"{org}/{ref}" for org in member_organisations(actor, compact))):
        stored = model.objects.filter(compact=compact, ref=name).select_related(*related).first()
        if stored is not None and may_edit(actor, stored):
            return name
    probe = model(compact=compact)
    for name, value in values.items():
        setattr(probe, name, value)
    body = probe.body()
    if body is None or not may_edit(actor, probe):
        return ref  # refused in a moment: they record only for their own organisation
    prefix = f"{body.ref}/"
    owned = ref if ref.startswith(prefix) else prefix + ref
    if len(owned) > REF_LENGTH:
        raise Invalid(
            f"The id is too long: your organisation's records are stored as '{prefix}' and "
            f"their id, at most {REF_LENGTH} characters in all",
            "id",
        )
    return owned


def affected_by(record: Record) -> list[Record]:
    """The records whose findings a change to this one moves: a change's findings belong to
    its agreement's funder."""
    if isinstance(record, FundingAgreement) and record.pk:
        return [record, *record.changes.select_related("agreement__funder")]
    return [record]


def save_record(
    actor: Actor,
    compact: Compact,
    model: type[Record],
    ref: str | None,
    values: Values,
    *,
    mode: str,
    version: int | None = None,
) -> Record:
    """Create or change one record and check it again; returns it as stored."""
    with changing():
        written = write_record(actor, compact, model, ref, values, mode=mode, version=version)
        if written.created or written.changed:
            refresh(affected_by(written.record))
    return written.record


def delete_record(
    actor: Actor, compact: Compact, model: type[Record], ref: str, *, version: int | None = None
) -> None:
    with changing():
        stored = _locked(model, compact, ref)
        if stored is None or not may_view(actor, stored):
            raise NotFound("No such record")
        if not may_edit(actor, stored):
            raise Refused(f"You cannot delete this {model.traits.label.lower()}")
        if version is not None and stored.version != version:
            raise Stale(stored, changes_since(compact, model.traits.type, ref, version))
        actor.audit("deleted", model.traits.type, ref, compact=compact,
                    before=stored.as_record(), after=None, version=stored.version + 1)  # fmt: skip
        stored.delete()

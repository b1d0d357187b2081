"""Changing the register and who may act: organisations, their signatures and contacts,
the people who act for them (memberships), and a Compact's officers.

Only a Compact's officer (or a site administrator) changes its register and memberships;
only a site administrator makes or removes Compact officers. Every change is audited with
its old and new values.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from compactwatch import permissions
from compactwatch.changes.base import (
    Actor,
    NotFound,
    Refused,
    Stale,
    Taken,
    changes_since,
    changing,
)
from compactwatch.compacts.models import Compact
from compactwatch.findings.services import refresh
from compactwatch.organisations.models import Contact, Membership, Organisation, Signature

OFFICERS_ONLY = "Only the Compact officer can change the register"


def _require_officer(actor: Actor, compact: Compact) -> None:
    if not actor.is_officer(compact):
        raise Refused(OFFICERS_ONLY)


# What a partner's own members may change of its entry (its Compact lead under 2007 5.4,
# its DBS undertaking), and leaving: `partner` set to False, never to True.
MEMBERS_MAY_CHANGE = ("lead_status", "lead_name", "lead_role", "dbs_checks_paid")


def _require_writer(
    actor: Actor, compact: Compact, stored: Organisation | None, values: dict[str, Any]
) -> None:
    """The officer writes any entry; a member of a partner changes only what
    MEMBERS_MAY_CHANGE names of its own entry, or takes it out of the Compact."""
    if actor.is_officer(compact):
        return
    leaving = values.get("partner", False) is False
    own = (
        stored is not None
        and stored.pk in permissions.organisation_ids(actor.user, compact)
        and set(values) <= {*MEMBERS_MAY_CHANGE, "partner"}
        and leaving
    )
    if not own:
        raise Refused(OFFICERS_ONLY)


def write_organisation(
    actor: Actor,
    compact: Compact,
    ref: str,
    values: dict[str, Any],
    *,
    mode: str = "upsert",
    version: int | None = None,
    summary: str = "",
) -> tuple[Organisation, bool]:
    """Create or change one entry of the register (inside `changing()`); returns it and
    whether anything changed. Findings are left to the caller."""
    stored = (
        Organisation.objects.select_for_update().filter(compact=compact, ref=ref).first()
        if ref
        else None
    )
    _require_writer(actor, compact, stored, values)
    if stored is None and mode == "update":
        raise NotFound("No such organisation in the register")
    if stored is not None and mode == "create":
        raise Taken("An organisation in the register already has this id", "ref")
    if stored is not None and version is not None and stored.version != version:
        raise Stale(stored, changes_since(compact, "organisation", ref, version))
    organisation = stored or Organisation(compact=compact, ref=ref)
    names = list(values)
    before = {**organisation.as_record(), **{n: getattr(organisation, n) for n in names}}
    for name, value in values.items():
        setattr(organisation, name, value)
    if not organisation.name:
        organisation.name = organisation.ref
    after = {**organisation.as_record(), **{n: getattr(organisation, n) for n in names}}
    if stored is not None and before == after:
        return organisation, False
    organisation.version = stored.version + 1 if stored else 1
    organisation.save()
    actor.audit(
        "created" if stored is None else "changed", "organisation", organisation.ref,
        compact=compact, before=before if stored else None, after=after,
        version=organisation.version, summary=summary,
    )  # fmt: skip
    return organisation, True


def save_organisation(
    actor: Actor,
    compact: Compact,
    ref: str,
    values: dict[str, Any],
    *,
    mode: str,
    version: int | None = None,
    stored_ref: str | None = None,
) -> Organisation:
    """Create or change one entry of the register and check it again. `stored_ref` is the
    entry's id before this change, when the change gives it a new one."""
    with changing():
        if stored_ref and stored_ref != ref:
            values = {**values, "ref": ref}
            ref = stored_ref
        organisation, changed = write_organisation(
            actor, compact, ref, values, mode=mode, version=version
        )
        if changed:
            refresh([organisation])
    return organisation


def make_partner(actor: Actor, compact: Compact, ref: str, *, version: int | None) -> Organisation:
    """Make an organisation known from imported data a partner of the Compact: the register
    lists it from now on. `version` is the version the officer read (Stale if it changed
    since); making a partner of one already a partner changes nothing."""
    with changing():
        stored = Organisation.objects.filter(compact=compact, ref=ref).first()
        name = stored.name if stored else ref
        organisation, changed = write_organisation(
            actor, compact, ref, {"partner": True}, mode="update", version=version,
            summary=f"{name} made a partner of the Compact",
        )  # fmt: skip
        if changed:
            refresh([organisation])
    return organisation


# Signatures, contacts and memberships: rows of an organisation, shown in the admin.
ENTRY_TYPES = {Signature: "signature", Contact: "contact", Membership: "membership"}


def _entry_values(entry: Model) -> dict[str, Any]:
    return {
        field.name: str(getattr(entry, field.name))
        for field in entry._meta.concrete_fields
        if field.name != "id"
    }


def save_entry(actor: Actor, entry: Signature | Contact | Membership) -> None:
    """Add or change a signature, contact or membership of an organisation."""
    compact = entry.organisation.compact
    with changing():
        _require_officer(actor, compact)
        stored = type(entry).objects.filter(pk=entry.pk).first() if entry.pk else None
        before = _entry_values(stored) if stored else None
        entry.save()
        actor.audit("created" if stored is None else "changed", ENTRY_TYPES[type(entry)],
                    entry.organisation.ref, compact=compact, before=before,
                    after=_entry_values(entry))  # fmt: skip
        if isinstance(entry, Signature) and not entry.organisation.partner:
            # Who signs is a partner: an organisation known from data that signs becomes one.
            write_organisation(actor, compact, entry.organisation.ref, {"partner": True},
                               summary=f"{entry.organisation.name} signed: now a partner")  # fmt: skip


def delete_entry(actor: Actor, entry: Signature | Contact | Membership) -> None:
    compact = entry.organisation.compact
    with changing():
        _require_officer(actor, compact)
        actor.audit("deleted", ENTRY_TYPES[type(entry)], entry.organisation.ref,
                    compact=compact, before=_entry_values(entry), after=None)  # fmt: skip
        entry.delete()


def add_membership(actor: Actor, organisation: Organisation, user: Any) -> Membership:
    """`user` acts for `organisation` from now on: records for it, sees its records."""
    with changing():
        _require_officer(actor, organisation.compact)
        membership, created = Membership.objects.get_or_create(user=user, organisation=organisation)
        if created:
            actor.audit("created", "membership", organisation.ref, compact=organisation.compact,
                        before=None, after=_entry_values(membership),
                        summary=f"{user.get_username()} acts for {organisation.name}")  # fmt: skip
    return membership


def set_officers(actor: Actor, compact: Compact, users: list[Any]) -> None:
    """Make exactly these users the Compact's officers (site administrators only)."""
    with changing():
        before = sorted(user.get_username() for user in compact.officers.all())
        after = sorted(user.get_username() for user in users)
        if before == after:
            return  # nothing to change (the admin's Compact page saves the list as it is)
        if not actor.is_site_admin():
            raise Refused("Only a site administrator can make or remove Compact officers")
        compact.officers.set(users)
        actor.audit("changed", "officers", compact.slug, compact=compact,
                    before={"officers": before}, after={"officers": after},
                    summary="Compact officers changed")  # fmt: skip


def add_officer(actor: Actor, compact: Compact, user: Any) -> None:
    set_officers(actor, compact, [*compact.officers.all(), user])


def save_compact(actor: Actor, compact: Compact) -> Compact:
    """Create a Compact or change its name, area or description (site administrators, or
    its officers for an existing one)."""
    with changing():
        if compact.pk is None and not actor.is_site_admin():
            raise Refused("Only a site administrator can set up a Compact")
        if compact.pk is not None and not actor.is_officer(compact):
            raise Refused("Only the Compact officer can change the Compact")
        stored = Compact.objects.filter(pk=compact.pk).first() if compact.pk else None
        fields = ("slug", "name", "area", "description", "demonstration")
        before = {name: getattr(stored, name) for name in fields} if stored else None
        compact.save()
        actor.audit("created" if stored is None else "changed", "compact", compact.slug,
                    compact=compact, before=before,
                    after={name: getattr(compact, name) for name in fields})  # fmt: skip
    return compact

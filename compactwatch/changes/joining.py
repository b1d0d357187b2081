"""Partners who join and leave: an organisation asks to join from the public form, the
officer approves (it becomes a partner and its signature is recorded) or declines with a
reason; a partner's members keep its own details (Compact lead, DBS undertaking, contacts)
and may leave. Every step is audited.

The register's own use cases (changes/register.py) let only the officer write an entry; a
partner's member may change these few fields of its own entry, so they are written here,
with the same version check and audit trail.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

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
from compactwatch.changes.register import (
    MEMBERS_MAY_CHANGE,
    _entry_values,
    save_entry,
    write_organisation,
)
from compactwatch.compact.words import as_stored
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact, Edition
from compactwatch.findings.services import refresh
from compactwatch.organisations.matching import identity_keys, other_org_id
from compactwatch.organisations.models import (
    LEAD_ROLE_WORDS,
    Contact,
    JoinRequest,
    JoinStatus,
    LeadStatus,
    Organisation,
    Signature,
)
from compactwatch.threesixtygiving.mapping import identify

# What the public form gives; the rest the use cases set.
REQUEST_FIELDS = ("name", "sector", "kind", "charity_number", "company_number", "org_id",
                  "signer_name", "signer_role", "signer_email", "lead_status", "lead_name",
                  "lead_role")  # fmt: skip
# What a partner's member may change of its own entry.
REASON_LENGTH = 2000
SOURCE = "Join the Compact form"


def edition_to_sign(compact: Compact) -> Edition | None:
    """The edition in force today: the one a joining organisation signs."""
    core = editions_of(compact).in_force_on(timezone.localdate())
    return compact.editions.get(slug=core.id) if core else None


def _first_problem(error: ValidationError) -> Invalid:
    field, messages = next(iter(error.message_dict.items()))
    return Invalid(messages[0], None if field == "__all__" else field)


def _taken(compact: Compact, values: dict[str, Any]) -> Taken:
    """Taken for the field whose org-id or charity number a pending request holds (field
    None when neither does, for the caller to tell)."""
    pending = JoinRequest.objects.filter(compact=compact, status=JoinStatus.PENDING)
    for field in ("org_id", "charity_number"):
        value = values[field]
        if value and pending.filter(**{f"{field}__iexact": value}).exists():
            return Taken(
                f"A request to join for the organisation with this "
                f"{'org-id' if field == 'org_id' else 'charity number'} is already waiting "
                "for the Compact officer",
                field,
            )
    return Taken("A request to join for this organisation is already waiting for the Compact "
                 "officer")  # fmt: skip


def _account(actor: Actor) -> Any:
    """The account acting, for what it records (None at the command line)."""
    return actor.user if getattr(actor.user, "is_authenticated", False) else None


def submit(actor: Actor, compact: Compact, values: dict[str, Any]) -> JoinRequest:
    """Anyone may ask for an organisation to join: one request at a time for an org-id or a
    charity number, none for an organisation already a partner."""
    values = {name: " ".join(str(values.get(name) or "").split()) for name in REQUEST_FIELDS}
    if values["lead_status"] != LeadStatus.NOMINATED:
        values.update(lead_name="", lead_role="")
    elif not values["lead_name"]:
        raise Invalid("Enter the Compact lead's name, or say that none is nominated", "lead_name")
    with changing():
        edition = edition_to_sign(compact)
        if edition is None:
            raise Invalid("No edition of the Compact is in force yet, so it cannot be signed")
        join = JoinRequest(compact=compact, edition=edition, **values)
        try:
            join.full_clean(exclude=["compact", "edition", "organisation", "decided_by"])
        except ValidationError as error:
            raise _first_problem(error) from error
        taken = _taken(compact, values)
        if taken.field:
            raise taken
        found = match(join)
        if found is not None and found.partner:
            raise Taken(
                f"{found.name} is already a partner of {compact.name}: its members can update "
                "its details once signed in",
                "name",
            )
        try:
            with transaction.atomic():
                join.save()
        except IntegrityError as error:
            # Sent at the same moment as another request for the same organisation: the
            # database's one-pending-request constraints let one of the two be stored.
            raise _taken(compact, values) from error
        actor.audit("created", "join_request", join.ref, compact=compact, version=1,
                    after={name: getattr(join, name) for name in REQUEST_FIELDS},
                    summary=f"{join.name} asked to join {compact.name}")  # fmt: skip
    return join


def match(join: JoinRequest) -> Organisation | None:
    """The organisation of the register a request names, by the one matcher's keys and
    order (org-id, charity number, company number, name); two org-ids are two
    organisations."""
    who = identify({"id": join.org_id, "name": join.name, "charityNumber": join.charity_number,
                    "companyNumber": join.company_number})  # fmt: skip
    register = Organisation.objects.filter(compact=join.compact)
    for field, key in identity_keys(who):
        for found in register.filter(**{f"{field}__iexact": key}).order_by("pk")[:2]:
            if not other_org_id(found.org_id, who.org_id):
                return found
    return None


def _pending(actor: Actor, compact: Compact, pk: int, version: int) -> JoinRequest:
    if not actor.is_officer(compact):
        raise Refused("Only the Compact officer can approve or decline a request to join")
    join = JoinRequest.objects.select_for_update().filter(compact=compact, pk=pk).first()
    if join is None:
        raise NotFound("No such request to join")
    if join.version != version:
        raise Stale(join, changes_since(compact, "join_request", join.ref, version))
    if join.status != JoinStatus.PENDING:
        raise Invalid(f"This request was {join.get_status_display().lower()} already")
    return join


def _decide(actor: Actor, join: JoinRequest, status: str, summary: str, **values: Any) -> None:
    before = {"status": join.status}
    join.status, join.decided_at, join.version = status, timezone.now(), join.version + 1
    join.decided_by = actor.user if getattr(actor.user, "is_authenticated", False) else None
    for name, value in values.items():
        setattr(join, name, value)
    join.save()
    actor.audit("changed", "join_request", join.ref, compact=join.compact, before=before,
                after={"status": status, "reason": join.reason}, version=join.version,
                summary=summary)  # fmt: skip


def _new_ref(compact: Compact, name: str) -> str:
    base = slugify(name)[:80].strip("-") or "organisation"
    taken = set(
        Organisation.objects.filter(compact=compact, ref__startswith=base).values_list(
            "ref", flat=True
        )
    )
    ref, number = base, 1
    while ref in taken:
        number += 1
        ref = f"{base}-{number}"
    return ref


def approve(actor: Actor, compact: Compact, pk: int, *, version: int) -> Organisation:
    """The organisation becomes a partner (an organisation known from imported data is the
    same organisation, not a second entry), with its Compact lead, its signature of the
    edition in force on the day it asked, and the person who signed as a contact."""
    with changing():
        join = _pending(actor, compact, pk, version)
        found = match(join)
        values: dict[str, Any] = {
            "partner": True, "lead_status": join.lead_status, "lead_name": join.lead_name,
            "lead_role": as_stored(join.lead_role, LEAD_ROLE_WORDS),
        }  # fmt: skip
        for name in ("sector", "kind", "charity_number", "company_number", "org_id"):
            if found is None or not getattr(found, name):  # what the register knows stays
                values[name] = getattr(join, name)
        if found is None:
            values.update(name=join.name, source=SOURCE)
        organisation, _ = write_organisation(
            actor, compact, found.ref if found else _new_ref(compact, join.name), values,
            mode="update" if found else "create", summary=f"{join.name} joined {compact.name}",
        )  # fmt: skip
        if not organisation.signatures.filter(edition=join.edition).exists():
            signed_on = timezone.localdate(join.submitted)
            save_entry(actor, Signature(
                organisation=organisation, edition=join.edition, signed_on=signed_on,
                signer_name=join.signer_name, signer_role=join.signer_role,
                recorded_by=_account(actor),
            ))  # fmt: skip
        save_entry(actor, Contact(organisation=organisation, name=join.signer_name,
                                  role=join.signer_role, email=join.signer_email))  # fmt: skip
        _decide(
            actor, join, JoinStatus.APPROVED, organisation=organisation,
            summary=f"{organisation.name} joined: {join.signer_name} ({join.signer_role}) "
            f"signed the {join.edition.name}",
        )  # fmt: skip
        refresh([organisation])
    return organisation


def _reason(reason: str, what: str) -> str:
    reason = reason.strip()
    if not reason:
        raise Invalid(f"Enter the reason {what}", "reason")
    if len(reason) > REASON_LENGTH:
        raise Invalid(f"The reason must be {REASON_LENGTH:,} characters or fewer", "reason")
    return reason


def decline(actor: Actor, compact: Compact, pk: int, *, version: int, reason: str) -> JoinRequest:
    with changing():
        join = _pending(actor, compact, pk, version)
        reason = _reason(reason, "the request is declined")
        _decide(actor, join, JoinStatus.DECLINED, reason=reason,
                summary=f"The request of {join.name} to join was declined: {reason}")  # fmt: skip
    return join


def _require_member(actor: Actor, organisation: Organisation) -> None:
    compact = organisation.compact
    if not (actor.is_officer(compact) or
            organisation.pk in permissions.organisation_ids(actor.user, compact)):  # fmt: skip
        raise Refused(f"Only the members of {organisation.name} or the Compact officer can do this")


def _change_own(
    actor: Actor, organisation: Organisation, values: dict[str, Any], *, version: int,
    summary: str,
) -> Organisation:  # fmt: skip
    """Change fields of a partner's own entry, from the version its member read (the
    register's one write, which lets a member change what MEMBERS_MAY_CHANGE names)."""
    stored, changed = write_organisation(
        actor, organisation.compact, organisation.ref, values, mode="update", version=version,
        summary=summary,
    )  # fmt: skip
    if changed:
        refresh([stored])
    return stored


def update_details(
    actor: Actor, organisation: Organisation, values: dict[str, Any], *, version: int
) -> Organisation:
    """A partner's Compact lead and whether it pays for its volunteers' DBS checks."""
    values = {name: values[name] for name in MEMBERS_MAY_CHANGE if name in values}
    if values.get("lead_status") != LeadStatus.NOMINATED:
        values.update(lead_name="", lead_role="")
    else:
        values["lead_role"] = as_stored(values.get("lead_role") or "", LEAD_ROLE_WORDS)
    with changing():
        return _change_own(actor, organisation, values, version=version,
                           summary=f"{organisation.name} updated its details")  # fmt: skip


def leave(actor: Actor, organisation: Organisation, *, version: int, reason: str) -> Organisation:
    """The organisation stops being a partner; its records and signatures are kept."""
    reason = _reason(reason, f"{organisation.name} leaves the Compact")
    with changing():
        if not organisation.partner:
            raise Invalid(f"{organisation.name} is not a partner of the Compact")
        return _change_own(
            actor, organisation, {"partner": False}, version=version,
            summary=f"{organisation.name} left {organisation.compact.name}: {reason}",
        )  # fmt: skip


SIGNER_LENGTH = 200  # Signature.signer_name and signer_role


def _signer(value: str, field: str, what: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise Invalid(f"Enter {what}", field)
    if len(value) > SIGNER_LENGTH:
        raise Invalid(f"{what[:1].upper()}{what[1:]} must be {SIGNER_LENGTH} characters or "
                      "fewer", field)  # fmt: skip
    return value


def unsigned(organisation: Organisation) -> Edition | None:
    """The edition in force, if the partner has not signed it (a new edition adopted since
    it last signed); None when it has, or when it is no partner."""
    edition = edition_to_sign(organisation.compact)
    if edition is None or not organisation.partner:
        return None
    return None if organisation.signatures.filter(edition=edition).exists() else edition


def partners_not_signed(compact: Compact) -> tuple[Edition | None, list[Organisation]]:
    """The edition in force and the partners that have not signed it, for the officer."""
    edition = edition_to_sign(compact)
    if edition is None:
        return None, []
    partners = compact.organisations.filter(partner=True).exclude(signatures__edition=edition)
    return edition, list(partners.order_by("name"))


def sign_edition(
    actor: Actor, organisation: Organisation, edition: Edition, signer_name: str,
    signer_role: str,
) -> Signature:  # fmt: skip
    """A partner signs the edition in force, by one of its members (or the officer for it),
    once: who signed (name and role as typed), the account that recorded it, today's date."""
    compact = organisation.compact
    with changing():
        _require_member(actor, organisation)
        if edition.compact_id != compact.pk:
            raise NotFound("No such edition of the Compact")
        # One signature at a time for the organisation: the second of two waits here, then
        # finds the first.
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not organisation.partner:
            raise Invalid(f"{organisation.name} is not a partner of {compact.name}: to join, "
                          "send the Join the Compact form")  # fmt: skip
        words = edition.name
        if edition != edition_to_sign(compact):
            raise Invalid(f"The {words} is not the edition in force, so it cannot be signed now")
        if organisation.signatures.filter(edition=edition).exists():
            raise Taken(f"{organisation.name} has signed the {words} already")
        name = _signer(signer_name, "signer_name", "the name of the person signing")
        role = _signer(signer_role, "signer_role", "their role in the organisation")
        signature = Signature(organisation=organisation, edition=edition,
                              signed_on=timezone.localdate(), signer_name=name,
                              signer_role=role, recorded_by=_account(actor))  # fmt: skip
        try:
            with transaction.atomic():
                signature.save()
        except IntegrityError as error:  # signed from two pages at once
            raise Taken(f"{organisation.name} has signed the {words} already") from error
        actor.audit("created", "signature", organisation.ref, compact=compact,
                    after=_entry_values(signature),
                    summary=f"{organisation.name} signed the {words}: {name} ({role})")  # fmt: skip
    return signature


def add_contact(actor: Actor, organisation: Organisation, values: dict[str, str]) -> Contact:
    with changing():
        _require_member(actor, organisation)
        contact = Contact(organisation=organisation, **values)
        try:
            contact.full_clean(exclude=["organisation"])
        except ValidationError as error:
            raise _first_problem(error) from error
        contact.save()
        actor.audit("created", "contact", organisation.ref, compact=organisation.compact,
                    after=_entry_values(contact), summary=f"{contact.name} is a contact of "
                    f"{organisation.name}")  # fmt: skip
    return contact


def remove_contact(actor: Actor, organisation: Organisation, pk: int) -> None:
    with changing():
        _require_member(actor, organisation)
        contact = organisation.contacts.filter(pk=pk).first()
        if contact is None:
            raise NotFound("No such contact")
        actor.audit("deleted", "contact", organisation.ref, compact=organisation.compact,
                    before=_entry_values(contact), summary=f"{contact.name} is no longer a "
                    f"contact of {organisation.name}")  # fmt: skip
        contact.delete()

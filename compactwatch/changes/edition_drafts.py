"""Drafting a new edition of a Compact from the edition in force: its commitments' text and
names, commitments added and removed, standards' parameters; consulting partners on it;
adopting it (it becomes an edition, in force from a date, and every record is checked
again) and asking every partner to sign it; or abandoning it.

Only the Compact's officer drafts. Every change is checked against the version the officer
read, validated as a whole edition by the core (the schema and each check's parameters),
and audited. An adopted or abandoned draft is kept as it ended: it no longer changes.
"""

from __future__ import annotations

import copy
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

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
from compactwatch.changes.editions import load_edition
from compactwatch.changes.records import write_record
from compactwatch.compact.checks import CHECKS
from compactwatch.compact.dates import format_date
from compactwatch.compact.edition import EditionFileError
from compactwatch.compact.loader import parse_edition
from compactwatch.compact.words import in_words
from compactwatch.compacts.draft_preview import preview
from compactwatch.compacts.models import (
    OPEN_DRAFT_STATUSES,
    Compact,
    DraftStatus,
    Edition,
    EditionDraft,
)
from compactwatch.compacts.review import edition_in_force
from compactwatch.findings.models import Recheck
from compactwatch.findings.services import refresh
from compactwatch.organisations.models import Organisation, Sector
from compactwatch.records.models import Consultation

KIND = "edition_draft"  # the audit trail's name for a draft
OFFICERS_ONLY = "Only the Compact officer can draft a new edition"


def _audit(actor: Actor, draft: EditionDraft, action: str, summary: str, **sides: Any) -> None:
    actor.audit(action, KIND, str(draft.pk), compact=draft.compact, version=draft.version,
                summary=summary, **sides)  # fmt: skip


def _require_officer(actor: Actor, compact: Compact) -> None:
    if not actor.is_officer(compact):
        raise Refused(OFFICERS_ONLY)


def open_draft(compact: Compact) -> EditionDraft | None:
    """The Compact's draft still being worked on, if there is one."""
    return compact.drafts.filter(status__in=OPEN_DRAFT_STATUSES).first()


def proposed_id(compact: Compact, year: int) -> str:
    """An id for a new edition no edition or draft of the Compact uses: slug-2026, then
    slug-2026-2 and so on."""
    taken = set(compact.editions.values_list("slug", flat=True)) | {
        draft.edition_id for draft in compact.drafts.all()
    }
    base = f"{compact.slug}-{year}"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _validated(document: dict[str, Any], file_name: str) -> None:
    """The whole document checked by the core, and every period parameter more than
    nothing (a 0-week consultation is no consultation); a problem names its field."""
    try:
        edition = parse_edition(document, file_name)
    except EditionFileError as error:
        raise _in_words(str(error).removeprefix(f"{file_name}: ")) from None
    for commitment in edition.commitments:
        for position, standard in enumerate(commitment.standards):
            kinds = CHECKS[standard.check].parameters | CHECKS[standard.check].optional_parameters
            for name, parameter in standard.parameters.items():
                if kinds.get(name) == "period" and parameter.value < 1:
                    unit = parameter.unit or "days"
                    raise Invalid(
                        f"{commitment.ref} {in_words(name)}: enter a whole number of {unit}, "
                        f"1 or more (not {parameter.value})",
                        f"standards[{position}].parameters.{name}.value",
                    )


_PROBLEM = re.compile(r"^commitment (?P<ref>\S+), field (?P<field>\S+): (?P<problem>.*)$", re.S)
_PARAMETER = re.compile(r"^standards\[\d+\]\.parameters\.(?P<name>\w+)")


def _in_words(problem: str) -> Invalid:
    """The core's problem with a document, its commitment and parameter named in words
    ("2.4 Minimum length: ..."); the field it names is kept for a form to show it by."""
    found = _PROBLEM.match(problem)
    if found is None:
        return Invalid(problem)
    parameter = _PARAMETER.match(found["field"])
    what = in_words(parameter["name"]) if parameter else in_words(found["field"].split(".")[-1])
    return Invalid(f"{found['ref']} {what}: {found['problem']}", found["field"])


def start_draft(
    actor: Actor,
    compact: Compact,
    *,
    edition_id: str | None = None,
    edition_name: str | None = None,
    today: date | None = None,
) -> EditionDraft:
    """Start a draft of a new edition from the edition in force, under a new id and name
    (proposed if not given). Refused (Taken) while another draft is open."""
    today = today or timezone.localdate()
    with changing():
        _require_officer(actor, compact)
        # Lock the Compact: two officers starting a draft at once make one draft.
        Compact.objects.select_for_update().filter(pk=compact.pk).first()
        current = open_draft(compact)
        if current is not None:
            raise Taken(
                f"{compact.name} already has a draft of a new edition ({current.name}): "
                "continue it, or abandon it first",
                "edition_id",
            )
        based_on = (
            edition_in_force(compact, today) or compact.editions.order_by("in_force_from").first()
        )
        if based_on is None:
            raise Invalid(f"{compact.name} has no edition yet to draft a new one from")
        edition_id = (edition_id or "").strip() or proposed_id(compact, today.year)
        name = (edition_name or "").strip() or f"{today.year} edition"
        if compact.editions.filter(slug=edition_id).exists():
            raise Taken(
                f"{compact.name} already has an edition with the id '{edition_id}': choose another",
                "edition_id",
            )
        document = copy.deepcopy(based_on.document)
        document.update({
            "id": edition_id, "edition_name": name, "short_name": name,
            "source": f"Drafted in compactwatch from {based_on.title}",
            "source_date": today.isoformat(), "default_in_force_from": today.isoformat(),
            "in_force_basis": "A draft: the date is set when the partners adopt it.",
        })  # fmt: skip
        _validated(document, f"{edition_id}.yaml")
        draft = EditionDraft(
            compact=compact, based_on=based_on, document=document,
            created_by=actor.user if actor.user and actor.user.is_authenticated else None,
        )  # fmt: skip
        try:
            with transaction.atomic():  # the one-open-draft constraint, should a race reach it
                draft.save()
        except IntegrityError:
            raise Taken(
                f"{compact.name} already has a draft of a new edition", "edition_id"
            ) from None
        _audit(actor, draft, "created", f"a draft of {name}, from {based_on.title}",
               after={"edition": edition_id, "name": name, "based_on": based_on.slug})  # fmt: skip
    return draft


def _locked(actor: Actor, compact: Compact, pk: int, version: int | None) -> EditionDraft:
    """The draft, locked, once the actor may change it and it has not changed since."""
    _require_officer(actor, compact)
    draft = EditionDraft.objects.select_for_update().filter(compact=compact, pk=pk).first()
    if draft is None:
        raise NotFound("There is no such draft")
    if version is not None and draft.version != version:
        raise Stale(draft, changes_since(compact, KIND, str(pk), version))
    if not draft.is_open:
        raise Invalid(
            f"This draft was {draft.get_status_display().lower()}: it is kept as it was, and "
            "no longer changes"
        )
    return draft


def _change(
    actor: Actor,
    compact: Compact,
    pk: int,
    version: int | None,
    change: Callable[[dict[str, Any]], str],
) -> EditionDraft:
    """Apply `change` to a copy of the draft's document (it returns what it did, in words),
    validate the whole document, save and audit."""
    with changing():
        draft = _locked(actor, compact, pk, version)
        document = copy.deepcopy(draft.document)
        summary = change(document)
        if document == draft.document:
            return draft
        _validated(document, f"{draft.edition_id}.yaml")
        before, draft.document = draft.document, document
        draft.version += 1
        draft.save(update_fields=["document", "version", "updated"])
        _audit(actor, draft, "changed", summary, before=_sides(before, document)[0],
               after=_sides(before, document)[1])  # fmt: skip
    return draft


def _sides(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """The commitments that differ, each side keyed by clause, for the audit trail."""
    was = {item["ref"]: item for item in before["commitments"]}
    now = {item["ref"]: item for item in after["commitments"]}
    refs = [ref for ref in dict.fromkeys([*was, *now]) if was.get(ref) != now.get(ref)]
    return ({ref: was.get(ref) for ref in refs}, {ref: now.get(ref) for ref in refs})


def _commitment(document: dict[str, Any], ref: str) -> dict[str, Any]:
    for item in document["commitments"]:
        if item["ref"] == ref:
            return item
    raise NotFound(f"The draft has no commitment {ref}")


def change_commitment(
    actor: Actor,
    compact: Compact,
    pk: int,
    ref: str,
    *,
    text: str,
    name: str = "",
    parameters: dict[tuple[int, str], Any] | None = None,
    version: int | None = None,
) -> EditionDraft:
    """Change a commitment's text, name and its standards' parameters (by the standard's
    position and the parameter's name)."""

    def change(document: dict[str, Any]) -> str:
        item = _commitment(document, ref)
        item["text"] = " ".join(text.split())
        if name.strip():
            item["name"] = " ".join(name.split())
        else:
            item.pop("name", None)
        standards = item.get("standards", [])
        for (position, parameter), value in (parameters or {}).items():
            if position >= len(standards) or parameter not in standards[position]["parameters"]:
                raise Invalid(f"{ref} has no parameter {in_words(parameter).lower()}", parameter)
            standards[position]["parameters"][parameter]["value"] = value
        return f"changed {ref}"

    return _change(actor, compact, pk, version, change)


def _order(ref: str) -> tuple[int, ...]:
    return tuple(int(part) for part in ref.split(".")) if re.fullmatch(r"\d+\.\d+", ref) else ()


def add_commitment(
    actor: Actor,
    compact: Compact,
    pk: int,
    *,
    ref: str,
    section: str,
    binds: str,
    strength: str,
    text: str,
    name: str = "",
    version: int | None = None,
) -> EditionDraft:
    """Add a commitment, placed in clause order."""

    def change(document: dict[str, Any]) -> str:
        commitments = document["commitments"]
        if any(item["ref"] == ref for item in commitments):
            raise Taken(f"The draft already has a commitment {ref}: choose another number", "ref")
        sections = {item["id"]: item for item in document.get("sections", [])}
        if sections and section not in sections:
            raise Invalid("Choose a section of the edition", "section")
        item: dict[str, Any] = {"ref": ref, "section": section, "binds": binds,
                                "strength": strength, "text": " ".join(text.split())}  # fmt: skip
        if name.strip():
            item["name"] = " ".join(name.split())
        outcome = sections.get(section, {}).get("outcome")
        if outcome is not None:
            item["outcome"] = outcome
        later = [i for i, other in enumerate(commitments) if _order(other["ref"]) > _order(ref)]
        commitments.insert(later[0] if later else len(commitments), item)
        return f"added {ref}"

    return _change(actor, compact, pk, version, change)


def remove_commitment(
    actor: Actor, compact: Compact, pk: int, ref: str, *, version: int | None = None
) -> EditionDraft:
    def change(document: dict[str, Any]) -> str:
        item = _commitment(document, ref)
        document["commitments"].remove(item)
        if not document["commitments"]:
            raise Invalid("An edition needs at least one commitment: this is the last", "ref")
        return f"removed {ref}"

    return _change(actor, compact, pk, version, change)


def consult_on_draft(
    actor: Actor,
    compact: Compact,
    pk: int,
    *,
    organisation: Organisation,
    opens: date,
    closes: date,
    version: int | None = None,
) -> Consultation:
    """Consult the partners on the draft: a consultation record of the Compact itself, by
    the public body the officer chooses, checked against the edition in force like any
    other (so a consultation on the Compact shorter than it asks for is found wanting)."""
    with changing():
        draft = _locked(actor, compact, pk, version)
        if draft.consultation_ref:
            raise Taken(
                f"The partners are already consulted on this draft ({draft.consultation_ref})",
                "organisation",
            )
        if (
            organisation.compact_id != compact.pk
            or not organisation.partner
            or (organisation.sector != Sector.PUBLIC)
        ):
            raise Invalid("Choose a public body in the register", "organisation")
        if closes < opens:
            raise Invalid("The closing date must be on or after the opening date", "closes")
        written = write_record(
            actor, compact, Consultation, None,
            {"organisation": organisation, "title": f"Draft {draft.name} of {compact.name}",
             "opens": opens, "closes": closes, "formal": True},
            mode="create", summary=f"the partners consulted on the draft {draft.name}",
        )  # fmt: skip
        refresh([written.record])
        draft.consultation_ref, draft.status = written.record.ref, DraftStatus.CONSULTING
        draft.version += 1
        draft.save(update_fields=["consultation_ref", "status", "version", "updated"])
        _audit(actor, draft, "changed", f"consultation {written.record.ref} by {organisation.name}",
               before={"status": "draft"},
               after={"status": "consulting", "consultation": written.record.ref})  # fmt: skip
    return written.record


@dataclass
class Adopted:
    edition: Edition
    recheck: Recheck | None
    asked: int  # the people asked to sign the new edition
    not_sent: str  # why the emails could not be sent, if they could not


def adopt_draft(
    actor: Actor,
    compact: Compact,
    pk: int,
    in_force_from: date,
    *,
    site_url: str,
    version: int | None = None,
) -> Adopted:
    """Adopt the draft: it is stored as an edition in force from `in_force_from` (every
    record is checked again), the draft no longer changes, and every partner is asked by
    email to sign the new edition."""
    with changing():
        draft = _locked(actor, compact, pk, version)
        # The newest edition made: the edition file's own date would order the new one
        # among the others, so the order editions were made in is kept here.
        latest = compact.editions.order_by("-in_force_from").first()
        if latest is not None and in_force_from <= latest.in_force_from:
            raise Invalid(
                f"The new edition must come into force after {latest.title} "
                f"({format_date(latest.in_force_from)})",
                "in_force_from",
            )
        document = copy.deepcopy(draft.document)
        today = timezone.localdate()
        document["default_in_force_from"] = in_force_from.isoformat()
        document["in_force_basis"] = (
            f"Adopted on {format_date(today)}, in force from {format_date(in_force_from)}."
        )
        edition, recheck = load_edition(
            actor, compact, document, f"{draft.edition_id}.yaml", in_force_from
        )
        draft.document, draft.status, draft.adopted_as = document, DraftStatus.ADOPTED, edition
        draft.version += 1
        draft.save(update_fields=["document", "status", "adopted_as", "version", "updated"])
        _audit(actor, draft, "changed", f"adopted as {edition.title}",
               before={"status": "draft"},
               after={"status": "adopted", "in_force_from": in_force_from})  # fmt: skip
    asked, not_sent = ask_partners_to_sign(actor, draft, site_url)
    return Adopted(edition, recheck, asked, not_sent)


def recipients(organisation: Organisation) -> list[str]:
    """The email addresses of a partner's active members and its contacts, each once."""
    members = organisation.memberships.filter(user__is_active=True).exclude(user__email="")
    emails = [*members.values_list("user__email", flat=True),
              *organisation.contacts.exclude(email="").values_list("email", flat=True)]  # fmt: skip
    return list(dict.fromkeys(email.strip().lower() for email in emails if email.strip()))


def ask_partners_to_sign(actor: Actor, draft: EditionDraft, site_url: str) -> tuple[int, str]:
    """Email each partner's members and contacts: the new edition, what changed, and a link
    to their organisation's page to sign it. Returns how many were emailed, and why none
    could be if the mail server refused."""
    compact, edition = draft.compact, draft.adopted_as
    if edition is None:
        raise Invalid("Only an adopted draft's edition can be signed")
    changes = [
        change.words
        for commitment in preview(draft.based_on.core(), edition.core())
        for change in commitment.parameters
    ]
    messages = []
    for organisation in compact.organisations.filter(partner=True).order_by("name"):
        link = site_url.rstrip("/") + reverse(
            "web:partner_details", args=[compact.slug, organisation.ref]
        )
        body = (
            f"Hello,\n\n{compact.name} has a new edition, {draft.name}, in force from "
            f"{format_date(edition.in_force_from)}.\n\n"
            + ("What changes in its measurable standards:\n"
               + "".join(f"- {line}\n" for line in changes) + "\n" if changes else "")
            + f"Please read it and sign it for {organisation.name} on your organisation's "
            f"page:\n\n{link}\n\nThe edition word for word: "
            + site_url.rstrip("/") + reverse("web:edition", args=[compact.slug, edition.slug])
            + "\n"
        )  # fmt: skip
        subject = f"Please sign the new edition of {compact.name}"
        messages += [
            EmailMessage(subject, body, None, [email]) for email in recipients(organisation)
        ]
    try:
        get_connection().send_messages(messages)
    except (OSError, smtplib.SMTPException) as error:
        return 0, str(error)
    actor.audit("sent", KIND, str(draft.pk), compact=compact,
                summary=f"asked the partners to sign {edition.title}: {len(messages)} emails")  # fmt: skip
    return len(messages), ""


def abandon_draft(
    actor: Actor, compact: Compact, pk: int, *, version: int | None = None
) -> EditionDraft:
    """Abandon the draft: it is kept, no longer changes, and a new one may be started."""
    with changing():
        draft = _locked(actor, compact, pk, version)
        before = draft.status
        draft.status = DraftStatus.ABANDONED
        draft.version += 1
        draft.save(update_fields=["status", "version", "updated"])
        _audit(actor, draft, "changed", "abandoned", before={"status": before},
               after={"status": "abandoned"})  # fmt: skip
    return draft

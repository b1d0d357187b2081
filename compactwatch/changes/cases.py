"""Disagreements (2007 edition, section 6; issue 13): every change to a case goes here.

Who may act on a case: the members of its two parties (the raising organisation and the
other party), whoever raised it, the Compact officer and the members of the Compact
Development Group. Anyone else is told the case does not exist (NotFound), never a hint.
Within a case, what may happen next is the route's rule, asked of the core (`check_step`):
a refusal is Invalid with the core's own plain words. Each step is taken in one
transaction holding the case's row (select_for_update), checking its version (Stale when
someone else acted first), so two people acting at once never lose a step or reach a state
the route does not allow. Every step is audited ("case", the case's ref).

The use cases, for the web pages, the API and the CLI (all keyword arguments after `case`):
    raise_case(actor, compact, other_party=..., commitments=[...], records=[...], ...)
    submit_public_case(actor, compact, contact_name=..., contact_email=..., ...)
    accept_public_case / decline_public_case (the officer)
    acknowledge, respond, extend, move, close, add_note     -> Step
    answer (the raiser: yes, partly, no), agree_to_publish   -> Case
    add_confidential_note (the officer)                      -> ConfidentialNote
    set_development_group_member (the officer)
    send_reminders (compactwatch remind)
And to read: visible_cases, get_case, roles_in, choices_for, prefill_from_finding,
commitment_choices, timeline.
Every step taking `version` refuses with Stale unless it is the case's version as read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from compactwatch import permissions
from compactwatch.changes.base import (
    Actor,
    Invalid,
    NotFound,
    Refused,
    Stale,
    changes_since,
    changing,
)
from compactwatch.changes.case_route import route_of
from compactwatch.compact.dates import format_date
from compactwatch.compact.disputes import ROLE_NAMES, Choice, StepRefused, check_step
from compactwatch.compact.disputes import Step as CoreStep
from compactwatch.compact.disputes.route import ROLES, Role
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.disputes.models import (
    Answer,
    Case,
    CaseCommitment,
    CaseRecord,
    ConfidentialNote,
    DevelopmentGroupMember,
    Outcome,
    PublicStatus,
    SentReminder,
    Step,
    StepDocument,
)
from compactwatch.disputes.reminders import Message, due_messages
from compactwatch.findings.models import Finding
from compactwatch.limits import size_in_words
from compactwatch.organisations.models import Organisation, Sector
from compactwatch.records.models import RECORD_MODELS

log = logging.getLogger(__name__)

RecordRef = tuple[
    str, str
]  # (record type, ref), as findings name a record: ("funding_agreement", "g-1")
Documents = Sequence[UploadedFile]
AUDIT_TYPE = "case"
# The kinds of organisation that raise a concern for a small group that asks them to: the
# voluntary sector's infrastructure bodies (a CVS, a consortium of them).
ON_BEHALF_KINDS = ("infrastructure_organisation", "consortium")
MAX_COMMITMENTS = 20
MAX_RECORDS = 50
MAX_DOCUMENTS = 10
TEXT_LIMITS = {"what_happened": 10000, "wanted": 5000, "text": 10000, "outcome_text": 5000,
               "lessons": 5000, "reason": 2000, "on_behalf_of": 300, "contact_name": 200}  # fmt: skip
NOT_FOUND = "No such case"


# ---------------------------------------------------------------- reading


def visible_cases(actor: Actor, compact: Compact) -> QuerySet[Case]:
    """The cases of `compact` the actor may see (permissions.visible_cases): every case for
    the officer and the Development Group, else those of the actor's organisations or that
    the actor raised. Public-form cases waiting for the officer are seen by the officer only."""
    if actor.is_system:
        return Case.objects.filter(compact=compact)
    return permissions.visible_cases(actor.user, compact)


def get_case(actor: Actor, compact: Compact, ref: str) -> Case:
    """The case `ref` ("D-2026-014") if the actor may see it; NotFound otherwise, the same
    words whether or not it exists."""
    case = (
        Case.objects.filter(compact=compact, ref=ref)
        .select_related("compact", "other_party", "raising_organisation", "raised_by")
        .first()
    )
    if case is None or not roles_in(actor, case):
        raise NotFound(NOT_FOUND)
    return case


def roles_in(actor: Actor, case: Case) -> list[Role]:
    """The roles the actor holds in the case, most particular first: "raiser", "other
    party", "Compact Development Group", "officer". Empty for anyone else."""
    if actor.is_system:
        return ["officer"]
    return permissions.case_roles(actor.user, case)  # type: ignore[return-value]


def choices_for(actor: Actor, case: Case, today: date | None = None) -> list[Choice]:
    """The steps the actor may take now (the core's choices narrowed to the actor's roles),
    each with `by` narrowed to the actor's roles; for the case page's buttons."""
    roles = roles_in(actor, case)
    if not roles or case.public_status in (PublicStatus.WAITING, PublicStatus.DECLINED):
        return []
    found = []
    for choice in case.state().choices(today or timezone.localdate()):
        mine = tuple(role for role in choice.by if role in roles)
        if mine:
            found.append(replace(choice, by=mine))
    return found


def timeline(actor: Actor, case: Case) -> list[Step]:
    """The case's steps, oldest first, with their documents (NotFound if not visible)."""
    if not roles_in(actor, case):
        raise NotFound(NOT_FOUND)
    return list(case.steps.order_by("number").prefetch_related("documents"))


def commitment_choices(compact: Compact, day: date | None = None) -> list[tuple[str, str]]:
    """The commitments of the edition in force on `day` (today), as (citation, words):
    ("cambridgeshire-refreshed/4.5", "4.5 Three months' notice in writing (refreshed
    edition)"). A case names commitments from these only."""
    edition = editions_of(compact).in_force_on(day or timezone.localdate())
    if edition is None:
        return []
    return [(item.citation, edition.describe(item.ref)) for item in edition.commitments]


@dataclass(frozen=True)
class Prefill:
    """What a "raise a case" form starts with, from a not-met finding."""

    other_party: Organisation | None
    commitments: list[str]
    records: list[RecordRef]
    what_happened: str
    raising_organisation: Organisation | None


def prefill_from_finding(actor: Actor, compact: Compact, finding_id: int) -> Prefill:
    """The values a case raised from finding `finding_id` starts with: the record, the
    commitment, the other party (the body whose undertaking it is) and the finding's words.
    NotFound unless the actor may see the finding's record; Invalid unless it is not met."""
    finding = (
        Finding.objects.filter(compact=compact, pk=finding_id)
        .select_related("consultation", "agreement", "change", "organisation", "body")
        .first()
    )
    record = finding and (finding.consultation or finding.agreement or finding.change)
    if finding is None or not _may_see_finding(actor, finding, record):
        raise NotFound("No such finding")
    if finding.status != "not_met":
        raise Invalid(
            f"A case is opened from a finding that is not met; this one is "
            f"'{finding.status_label.lower()}'"
        )
    mine = set(_organisation_ids(actor, compact))
    involved = record.involved() if record is not None else []
    raising = next(
        (org for org in involved if org.pk in mine and org.pk != finding.body_id), None
    ) or next((org for org in Organisation.objects.filter(pk__in=mine, partner=True)), None)
    return Prefill(
        other_party=finding.body,
        commitments=[finding.commitment],
        records=[(finding.record_type, finding.record_ref)],
        what_happened=finding.message,
        raising_organisation=raising,
    )


def _may_see_finding(actor: Actor, finding: Finding, record: Any) -> bool:
    if actor.is_officer(finding.compact):
        return True
    if record is not None:
        return permissions.can_view(actor.user, record)
    return finding.organisation is not None and finding.organisation.pk in _organisation_ids(
        actor, finding.compact
    )


def _organisation_ids(actor: Actor, compact: Compact) -> list[int]:
    return [] if actor.is_system else permissions.organisation_ids(actor.user, compact)


# ---------------------------------------------------------------- checking values


def _words(value: Any, field: str, label: str, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise Invalid(f"Enter {label}", field)
    limit = TEXT_LIMITS.get(field, 10000)
    if len(text) > limit:
        raise Invalid(f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer "
                      f"(it is {len(text):,})", field)  # fmt: skip
    return text


def _today() -> date:
    return timezone.localdate()


def _day(actor: Actor, case_compact: Compact, day: date | None) -> date:
    """The day a step counts from: today, or (for the officer recording a step taken on
    paper) an earlier day; never a day to come."""
    today = _today()
    if day is None or day == today:
        return today
    if not actor.is_officer(case_compact):
        raise Invalid("Only the Compact officer can record a step on another day", "day")
    if day > today:
        raise Invalid(f"A step cannot be dated after today ({format_date(today)})", "day")
    return day


def _partner(
    compact: Compact, organisation: Organisation | None, field: str, label: str
) -> Organisation:
    if organisation is None:
        raise Invalid(f"Choose {label}", field)
    if organisation.compact_id != compact.pk or not organisation.partner:
        raise Invalid(f"Choose {label} from the partners of {compact.name}", field)
    return organisation


def _commitments(compact: Compact, citations: Iterable[str], day: date) -> list[str]:
    chosen = list(dict.fromkeys(str(item).strip() for item in citations if str(item).strip()))
    if not chosen:
        raise Invalid("Choose at least one commitment the concern is about", "commitments")
    if len(chosen) > MAX_COMMITMENTS:
        raise Invalid(f"Choose at most {MAX_COMMITMENTS} commitments", "commitments")
    known = dict(commitment_choices(compact, day))
    if not known:
        raise Invalid("No edition of the Compact is in force yet", "commitments")
    for citation in chosen:
        if citation not in known:
            raise Invalid(
                f"'{citation}' is not a commitment of the edition in force: choose from the list",
                "commitments",
            )
    return chosen


def _records(actor: Actor, compact: Compact, records: Iterable[RecordRef]) -> list[RecordRef]:
    chosen = list(dict.fromkeys((str(kind), str(ref).strip()) for kind, ref in records))
    if len(chosen) > MAX_RECORDS:
        raise Invalid(f"Choose at most {MAX_RECORDS} records", "records")
    for kind, ref in chosen:
        model = RECORD_MODELS.get(kind)
        record = model.objects.filter(compact=compact, ref=ref).first() if model else None
        visible = record is not None and (
            actor.is_officer(compact) or permissions.can_view(actor.user, record)
        )
        if not visible:
            raise Invalid(f"There is no record '{ref}' that you can see", "records")
    return chosen


def _documents(documents: Documents) -> list[UploadedFile]:
    files = list(documents)
    if len(files) > MAX_DOCUMENTS:
        raise Invalid(f"Attach at most {MAX_DOCUMENTS} documents to one step", "documents")
    limit = settings.CASE_DOCUMENT_MAX_BYTES
    for item in files:
        if item.size is None or item.size > limit:
            raise Invalid(
                f"{item.name} is {size_in_words(item.size or 0)}; a document is at most "
                f"{size_in_words(limit)}",
                "documents",
            )
    return files


# ---------------------------------------------------------------- storing a step


def _step(
    case: Case,
    number: int,
    kind: str,
    day: date,
    actor: Actor,
    role: str,
    *,
    from_stage: str = "",
    to_stage: str = "",
    text: str = "",
    outcome: str = "",
    days: int | None = None,
    reason: str = "",
    documents: Sequence[UploadedFile] = (),
) -> Step:
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    step = Step.objects.create(
        case=case, number=number, kind=kind, day=day, user=user,
        username=user.get_username() if user else "", acting_as=role, from_stage=from_stage,
        to_stage=to_stage, text=text, outcome=outcome, extension_days=days, reason=reason,
    )  # fmt: skip
    for item in documents:
        StepDocument.objects.create(step=step, file=item, name=item.name[:200], size=item.size)
    return step


def _refresh(case: Case) -> None:
    """The cached stage, whose move and next deadline, from the core's reading of the steps."""
    state = case.state()
    case.stage = state.stage.id if state.stage else ""
    case.closed = state.phase == "closed"
    case.whose_move = state.whose_move or ""
    due = state.next_deadline
    case.next_due = due.day if due else None
    case.next_action = due.action if due else ""
    case.raised_on = state.raised


def _next_number(case: Case) -> int:
    return (case.steps.aggregate(last=Max("number"))["last"] or 0) + 1


def _locked(actor: Actor, case: Case, version: int) -> tuple[Case, list[Role]]:
    """The case's row, held until the transaction ends, with the actor's roles; NotFound
    for anyone outside the case, Stale if it changed since `version`."""
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("compact", "other_party", "raising_organisation", "raised_by")
        .filter(pk=case.pk)
        .first()
    )
    if locked is None:
        raise NotFound(NOT_FOUND)
    roles = roles_in(actor, locked)
    if not roles:
        raise NotFound(NOT_FOUND)
    if locked.version != version:
        raise Stale(locked, changes_since(locked.compact, AUDIT_TYPE, locked.ref, version))
    return locked, roles


def _pick_role(roles: Sequence[Role], as_role: Role | None, case: Case, step: CoreStep) -> Role:
    """The first of the actor's roles (or `as_role`) the route allows this step for;
    Invalid with the core's words when none is."""
    if as_role is not None:
        if as_role not in roles:
            raise Refused(f"You are not {ROLE_NAMES.get(as_role, as_role)} in this case")
        roles = [as_role]
    route, steps = case.core_route(), case.core_steps()
    first_problem = None
    for role in roles:
        try:
            check_step(route, steps, replace(step, by=role))
        except StepRefused as refused:
            first_problem = first_problem or str(refused)
            continue
        return role
    raise Invalid(first_problem or "The route does not allow this step now")


def _take(
    actor: Actor,
    case: Case,
    version: int,
    kind: str,
    *,
    day: date | None,
    as_role: Role | None,
    text: str = "",
    to: str | None = None,
    outcome: str = "",
    days: int | None = None,
    reason: str = "",
    documents: Documents = (),
    update: Callable[[Case], None] | None = None,
    summary: str = "",
) -> tuple[Case, Step]:
    """Take one step of the route: lock, check who and the route, store, audit."""
    files = _documents(documents)
    with changing():
        locked, roles = _locked(actor, case, version)
        if locked.public_status in (PublicStatus.WAITING, PublicStatus.DECLINED):
            raise Invalid("The Compact officer has not accepted this case")
        when = _day(actor, locked.compact, day)
        core = CoreStep(kind, when, "officer", days=days, reason=text if kind == "note" else reason,
                        to=to, outcome=outcome or None)  # type: ignore[arg-type]  # fmt: skip
        role = _pick_role(roles, as_role, locked, core)
        before = _values(locked)
        from_stage = locked.stage
        step = _step(
            locked, _next_number(locked), kind, when, actor, role, from_stage=from_stage,
            to_stage=to or (from_stage if kind != "closed" else ""), text=text, outcome=outcome,
            days=days, reason=reason, documents=files,
        )  # fmt: skip
        if update is not None:
            update(locked)
        _refresh(locked)
        locked.version += 1
        locked.save()
        _audit(actor, locked, before, summary or f"{step.kind_words} ({ROLE_NAMES[role]})")
    return locked, step


def _values(case: Case) -> dict[str, Any]:
    """What the audit trail records of a case."""
    return {
        "stage": case.stage, "whose move": case.whose_move,
        "next deadline": case.next_due.isoformat() if case.next_due else None,
        "closed": case.closed, "outcome": case.outcome, "breach found": case.breach_found,
        "breach of": case.breach_commitment, "raiser's answer": case.raiser_answer,
        "public form": case.public_status, "publish (raiser)": case.publish_raiser,
        "publish (other party)": case.publish_other,
    }  # fmt: skip


def _audit(actor: Actor, case: Case, before: dict[str, Any] | None, summary: str) -> None:
    actor.audit(
        "created" if before is None else "changed", AUDIT_TYPE, case.ref, compact=case.compact,
        before=before, after=_values(case), summary=summary, version=case.version,
    )  # fmt: skip


# ---------------------------------------------------------------- raising


def _new_case(compact: Compact, day: date, **values: Any) -> Case:
    """A case with the next number of its year ("D-2026-014"), even when two are raised at
    once: the unique constraint refuses the second, which takes the next number."""
    for _attempt in range(10):
        last = Case.objects.filter(compact=compact, year=day.year).aggregate(n=Max("number"))["n"]
        number = (last or 0) + 1
        case = Case(compact=compact, year=day.year, number=number,
                    ref=f"D-{day.year}-{number:03d}", **values)  # fmt: skip
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            continue
        return case
    raise Invalid("Many cases are being raised at this moment: try again")


def _attach(case: Case, commitments: Sequence[str], records: Sequence[RecordRef]) -> None:
    for citation in commitments:
        CaseCommitment.objects.create(case=case, commitment=citation)
    for kind, ref in records:
        CaseRecord.objects.create(case=case, record_type=kind, record_ref=ref)


def raise_case(
    actor: Actor,
    compact: Compact,
    *,
    other_party: Organisation,
    commitments: Sequence[str],
    what_happened: str,
    wanted: str,
    raising_organisation: Organisation | None = None,
    on_behalf_of: str = "",
    records: Sequence[RecordRef] = (),
    documents: Documents = (),
    day: date | None = None,
) -> Case:
    """A member of a partner raises a case for it (`raising_organisation`, which the actor
    must be a member of; the officer may raise for any partner), or a member of a voluntary
    sector infrastructure body raises it on behalf of a small group (`on_behalf_of`, the
    group's name). The other party is another partner; commitments are citations from the
    edition in force; records are (type, ref) pairs the raiser may see. Emails the other
    party's members. Invalid names the field: "other_party", "commitments", "records",
    "what_happened", "wanted", "raising_organisation", "documents"."""
    officer = actor.is_officer(compact)
    mine = _organisation_ids(actor, compact)
    if not officer and not mine:
        raise Refused(
            "Only a member of a partner of the Compact can raise a concern here; anyone can "
            "use the public form"
        )
    if raising_organisation is None and len(mine) == 1:
        raising_organisation = Organisation.objects.get(pk=mine[0])
    raising = _partner(compact, raising_organisation, "raising_organisation",
                       "the organisation raising the concern")  # fmt: skip
    if not officer and raising.pk not in mine:
        raise Invalid("You can raise a concern only for an organisation you act for",
                      "raising_organisation")  # fmt: skip
    other = _partner(compact, other_party, "other_party", "the other party")
    if other.pk == raising.pk:
        raise Invalid("The other party must be another organisation than the one raising it",
                      "other_party")  # fmt: skip
    behalf = _words(on_behalf_of, "on_behalf_of", "the group's name", required=False)
    if behalf and not (raising.sector == Sector.VOLUNTARY and raising.kind in ON_BEHALF_KINDS):
        raise Invalid(
            "Only a voluntary sector infrastructure body (such as a CVS) raises a concern on "
            "behalf of a group",
            "on_behalf_of",
        )
    when = _day(actor, compact, day)
    chosen = _commitments(compact, commitments, when)
    concerned = _records(actor, compact, records)
    happened = _words(what_happened, "what_happened", "what happened")
    wants = _words(wanted, "wanted", "what you want to happen")
    files = _documents(documents)
    route_row = route_of(compact)
    route = route_row.core()
    role: Role = "raiser" if raising.pk in mine else "officer"
    try:
        check_step(route, [], CoreStep("raised", when, role))
    except StepRefused as refused:
        raise Invalid(str(refused), "day") from refused
    with changing():
        user = actor.user if getattr(actor.user, "is_authenticated", False) else None
        case = _new_case(
            compact, when, route=route_row, raised_by=user, raising_organisation=raising,
            on_behalf_of=behalf, other_party=other, what_happened=happened, wanted=wants,
        )  # fmt: skip
        _attach(case, chosen, concerned)
        _step(case, 1, "raised", when, actor, role, to_stage=route.first_stage, text=happened,
              documents=files)  # fmt: skip
        _refresh(case)
        case.save()
        _audit(actor, case, None, f"{raising.name} raised a concern about {other.name}")
    _tell_raised(case)
    return case


def submit_public_case(
    actor: Actor,
    compact: Compact,
    *,
    contact_name: str,
    contact_email: str,
    other_party: Organisation,
    commitments: Sequence[str],
    what_happened: str,
    wanted: str,
    on_behalf_of: str = "",
) -> Case:
    """Anyone sends a concern from the public form: the case waits for the officer to accept
    it (no step of the route yet; the timeline shows "Sent from the public form"). Emails
    the officers."""
    name = _words(contact_name, "contact_name", "your name")
    email = str(contact_email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid("Enter an email address in the right form, like name@example.org",
                      "contact_email") from None  # fmt: skip
    other = _partner(compact, other_party, "other_party", "the organisation the concern is about")
    behalf = _words(on_behalf_of, "on_behalf_of", "the group's name", required=False)
    today = _today()
    chosen = _commitments(compact, commitments, today)
    happened = _words(what_happened, "what_happened", "what happened")
    wants = _words(wanted, "wanted", "what you want to happen")
    route = route_of(compact)
    with changing():
        user = actor.user if getattr(actor.user, "is_authenticated", False) else None
        case = _new_case(
            compact, today, route=route, raised_by=user, other_party=other,
            on_behalf_of=behalf, what_happened=happened, wanted=wants, contact_name=name,
            contact_email=email, public_status=PublicStatus.WAITING,
        )  # fmt: skip
        _attach(case, chosen, ())
        _step(case, 1, "submitted", today, actor, "", text=happened)
        _audit(actor, case, None, f"A concern about {other.name} was sent from the public form")
    _mail(
        _officer_emails(compact),
        f"{case.ref}: a concern about {other.name} waits for you to accept it",
        f"{name} sent a concern about {other.name} from the public form on "
        f"{format_date(today)}.\n\nAccept or decline it: {_link(case)}\n",
    )
    return case


def accept_public_case(actor: Actor, case: Case, *, version: int, day: date | None = None) -> Case:
    """The officer accepts a case sent from the public form: it is raised (by the officer,
    for the raiser) at the route's first stage, and the other party is told."""
    with changing():
        locked, roles = _locked(actor, case, version)
        if "officer" not in roles:
            raise Refused("Only the Compact officer can accept a concern sent from the public form")
        if locked.public_status != PublicStatus.WAITING:
            raise Invalid("This case is not waiting to be accepted")
        when = _day(actor, locked.compact, day)
        try:
            check_step(locked.core_route(), [], CoreStep("raised", when, "officer"))
        except StepRefused as refused:
            raise Invalid(str(refused), "day") from refused
        before = _values(locked)
        _step(locked, _next_number(locked), "raised", when, actor, "officer",
              to_stage=locked.core_route().first_stage,
              text="The Compact officer accepted the concern sent from the public form")  # fmt: skip
        locked.public_status = PublicStatus.ACCEPTED
        _refresh(locked)
        locked.version += 1
        locked.save()
        _audit(actor, locked, before, "The Compact officer accepted the concern")
    _tell_raised(locked)
    return locked


def decline_public_case(actor: Actor, case: Case, *, version: int, reason: str) -> Case:
    """The officer declines a case sent from the public form, with a reason (emailed to
    whoever sent it)."""
    why = _words(reason, "reason", "the reason it is declined")
    with changing():
        locked, roles = _locked(actor, case, version)
        if "officer" not in roles:
            raise Refused(
                "Only the Compact officer can decline a concern sent from the public form"
            )
        if locked.public_status != PublicStatus.WAITING:
            raise Invalid("This case is not waiting to be accepted")
        before = _values(locked)
        _step(locked, _next_number(locked), "declined", _today(), actor, "officer", reason=why)
        locked.public_status = PublicStatus.DECLINED
        locked.declined_reason = why
        locked.closed = True
        locked.version += 1
        locked.save()
        _audit(actor, locked, before, "The Compact officer declined the concern")
    _mail(
        [locked.contact_email],
        f"Your concern about {locked.other_party.name} ({locked.ref})",
        f"Dear {locked.contact_name},\n\nThe Compact officer of {locked.compact.name} looked at "
        f"your concern about {locked.other_party.name} and cannot take it forward:\n\n{why}\n",
    )
    return locked


# ---------------------------------------------------------------- steps of the route


def acknowledge(
    actor: Actor,
    case: Case,
    *,
    version: int,
    text: str = "",
    day: date | None = None,
    as_role: Role | None = None,
    documents: Documents = (),
) -> Step:
    """Whoever acts at the stage (or the officer for them) acknowledges the concern."""
    words = _words(text, "text", "a message", required=False)
    case, step = _take(actor, case, version, "acknowledged", day=day, as_role=as_role,
                       text=words, documents=documents)  # fmt: skip
    _tell_step(case, step, to="raiser")
    return step


def respond(
    actor: Actor,
    case: Case,
    *,
    version: int,
    text: str,
    day: date | None = None,
    as_role: Role | None = None,
    documents: Documents = (),
) -> Step:
    """Whoever acts at the stage (or the officer) responds in writing; the raiser is told."""
    words = _words(text, "text", "the response")
    case, step = _take(actor, case, version, "responded", day=day, as_role=as_role,
                       text=words, documents=documents)  # fmt: skip
    _tell_step(case, step, to="raiser")
    return step


def extend(
    actor: Actor,
    case: Case,
    *,
    version: int,
    days: int,
    reason: str,
    day: date | None = None,
    as_role: Role | None = None,
) -> Step:
    """More time to respond, within the stage's extensions (how many, how long, a reason)."""
    why = _words(reason, "reason", "the reason for more time", required=False)
    try:
        count = int(days)
    except (TypeError, ValueError):
        raise Invalid("Enter the number of days, like 10", "days") from None
    case, step = _take(actor, case, version, "extended", day=day, as_role=as_role, days=count,
                       reason=why)  # fmt: skip
    _tell_step(case, step, to="raiser")
    return step


def move(
    actor: Actor,
    case: Case,
    *,
    version: int,
    to_stage: str,
    text: str = "",
    day: date | None = None,
    as_role: Role | None = None,
    documents: Documents = (),
) -> Step:
    """The case moves to stage `to_stage` (a stage id of the case's route), as the route
    allows; whoever acts there is told."""
    words = _words(text, "text", "a message", required=False)
    case, step = _take(actor, case, version, "moved", day=day, as_role=as_role, to=to_stage,
                       text=words, documents=documents)  # fmt: skip
    _tell_step(case, step, to=case.whose_move or "officer")
    return step


def close(
    actor: Actor,
    case: Case,
    *,
    version: int,
    outcome: str,
    outcome_text: str,
    breach_found: bool | None = None,
    breach_commitment: str = "",
    lessons: str = "",
    day: date | None = None,
    as_role: Role | None = None,
) -> Step:
    """The case is closed as "resolved", "withdrawn" or "unresolved", with the outcome in
    words, whether a breach was found and of which commitment (one of the case's, or any of
    the edition), and lessons learned. The raiser is then asked whether it was resolved."""
    if outcome not in Outcome.values:
        raise Invalid("Say how the case ended: resolved, withdrawn or unresolved", "outcome")
    words = _words(outcome_text, "outcome_text", "the outcome")
    learned = _words(lessons, "lessons", "the lessons learned", required=False)
    breach = (breach_commitment or "").strip() if breach_found else ""
    if breach_found and not breach:
        raise Invalid("Choose the commitment that was breached", "breach_commitment")
    if breach and editions_of(case.compact).describe(breach) == breach:
        raise Invalid(f"'{breach}' is not a commitment of the Compact", "breach_commitment")

    def update(locked: Case) -> None:
        locked.outcome, locked.outcome_text, locked.lessons = outcome, words, learned
        locked.breach_found, locked.breach_commitment = breach_found, breach

    case, step = _take(actor, case, version, "closed", day=day, as_role=as_role,
                       outcome=outcome, text=words, update=update)  # fmt: skip
    _tell_step(case, step, to="raiser", ask="Was it resolved for you? Say yes, partly or no on "
               "the case's page.")  # fmt: skip
    _tell_step(case, step, to="other party")
    return step


def add_note(
    actor: Actor,
    case: Case,
    *,
    version: int,
    text: str,
    day: date | None = None,
    as_role: Role | None = None,
    documents: Documents = (),
) -> Step:
    """A note on the timeline, seen by everyone in the case, while it is open."""
    words = _words(text, "text", "the note")
    _case, step = _take(actor, case, version, "note", day=day, as_role=as_role, text=words,
                        documents=documents)  # fmt: skip
    return step


# ---------------------------------------------------------------- after closing, and notes


def answer(actor: Actor, case: Case, *, version: int, answer: str, text: str = "") -> Case:
    """The raiser (a member of the raising organisation, whoever raised it, or the officer
    recording it) says whether it was resolved for them: "yes", "partly" or "no"; once,
    after the case is closed."""
    if answer not in Answer.values:
        raise Invalid("Say whether it was resolved for you: yes, partly or no", "answer")
    words = _words(text, "text", "a comment", required=False)
    with changing():
        locked, roles = _locked(actor, case, version)
        role = next((role for role in roles if role in ("raiser", "officer")), None)
        if role is None:
            raise Refused("Only the raiser says whether it was resolved for them")
        if not locked.closed or locked.public_status == PublicStatus.DECLINED:
            raise Invalid("The raiser is asked once the case is closed")
        if locked.raiser_answer:
            raise Invalid(
                f"The raiser already answered: {locked.get_raiser_answer_display().lower()}"
            )
        before = _values(locked)
        _step(locked, _next_number(locked), "answered", _today(), actor, role,
              text=words, outcome="")  # fmt: skip
        locked.raiser_answer, locked.raiser_answer_text = answer, words
        locked.version += 1
        locked.save()
        _audit(actor, locked, before, f"Resolved for the raiser: {answer}")
    return locked


def agree_to_publish(
    actor: Actor, case: Case, *, version: int, as_role: Role | None = None
) -> Case:
    """A party agrees to the case being published (names and words, not the confidential
    notes); published once both parties agree."""
    with changing():
        locked, roles = _locked(actor, case, version)
        parties = [role for role in roles if role in ("raiser", "other party")]
        if as_role is not None:
            if as_role not in parties:
                raise Refused(f"You are not {ROLE_NAMES.get(as_role, as_role)} in this case")
            parties = [as_role]
        if not parties:
            raise Refused("Only the parties to the case agree to publish it")
        if locked.public_status in (PublicStatus.WAITING, PublicStatus.DECLINED):
            raise Invalid("The Compact officer has not accepted this case")
        role = parties[0]
        already = locked.publish_raiser if role == "raiser" else locked.publish_other
        if already:
            raise Invalid(f"{ROLE_NAMES[role][0].upper()}{ROLE_NAMES[role][1:]} already agreed")
        before = _values(locked)
        _step(locked, _next_number(locked), "agreed to publish", _today(), actor, role)
        if role == "raiser":
            locked.publish_raiser = True
        else:
            locked.publish_other = True
        locked.version += 1
        locked.save()
        _audit(actor, locked, before, f"{ROLE_NAMES[role]} agreed to publish the case")
    return locked


def add_confidential_note(actor: Actor, case: Case, text: str) -> ConfidentialNote:
    """The officer's own note on the case; nobody else sees it (Refused for anyone else who
    sees the case, NotFound for the rest)."""
    words = _words(text, "text", "the note")
    roles = roles_in(actor, case)
    if not roles:
        raise NotFound(NOT_FOUND)
    if "officer" not in roles:
        raise Refused("Only the Compact officer keeps confidential notes")
    with changing():
        user = actor.user if getattr(actor.user, "is_authenticated", False) else None
        note = ConfidentialNote.objects.create(
            case=case, text=words, author=user, username=user.get_username() if user else ""
        )
        # The audit trail says a note was added, never its words (the trail is wider read).
        actor.audit("changed", AUDIT_TYPE, case.ref, compact=case.compact,
                    summary="The Compact officer added a confidential note")  # fmt: skip
    return note


def confidential_notes(actor: Actor, case: Case) -> list[ConfidentialNote]:
    """The officer's notes on the case; an empty list for anyone else."""
    if actor.is_system or permissions.can_read_confidential_notes(actor.user, case):
        return list(case.confidential_notes.all())
    return []


def set_development_group_member(actor: Actor, compact: Compact, user: Any, member: bool) -> None:
    """The officer adds `user` to the Compact Development Group, or takes them off it."""
    if not actor.is_officer(compact):
        raise Refused("Only the Compact officer changes the Compact Development Group")
    with changing():
        current = DevelopmentGroupMember.objects.filter(compact=compact, user=user)
        if member and not current.exists():
            DevelopmentGroupMember.objects.create(compact=compact, user=user)
        elif not member and current.exists():
            current.delete()
        else:
            return
        actor.audit(
            "created" if member else "deleted", "development_group", user.get_username(),
            compact=compact,
            summary=f"{user.get_username()} {'joined' if member else 'left'} the Compact "
                    "Development Group",
        )  # fmt: skip


# ---------------------------------------------------------------- telling people


def _link(case: Case) -> str:
    return settings.SITE_URL.rstrip("/") + case.get_absolute_url()


def _mail(to: Iterable[str], subject: str, body: str) -> None:
    """One message to each address (none shows another's address)."""
    for address in dict.fromkeys(address for address in to if address):
        send_mail(subject, body, None, [address])


def _officer_emails(compact: Compact) -> list[str]:
    return [user.email for user in compact.officers.filter(is_active=True) if user.email]


def _emails_for(case: Case, role: str) -> list[str]:
    """Who acts as `role` in the case, by email."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if role == "other party":
        found = users.filter(memberships__organisation=case.other_party)
    elif role == "raiser":
        emails = [case.contact_email] if case.contact_email else []
        if case.raised_by is not None and case.raised_by.email:
            emails.append(case.raised_by.email)
        if case.raising_organisation_id:
            emails += [u.email for u in users.filter(
                memberships__organisation_id=case.raising_organisation_id)]  # fmt: skip
        return list(dict.fromkeys(emails))
    elif role == "Compact Development Group":
        found = users.filter(development_groups__compact=case.compact)
    else:
        return _officer_emails(case.compact)
    return list(dict.fromkeys(user.email for user in found))


def _tell_raised(case: Case) -> None:
    _mail(
        _emails_for(case, "other party"),
        f"{case.ref}: {case.raiser_words} raised a concern about {case.other_party.name}",
        f"{case.raiser_words} raised a concern about {case.other_party.name} under the "
        f"{case.compact.name}.\n\n{_deadline_words(case)}\n\nSee the case: {_link(case)}\n",
    )


def _deadline_words(case: Case) -> str:
    due = case.state().next_deadline
    if due is None:
        return "No deadline runs at this stage."
    return f"{due.summary} ({due.explanation})."


def _tell_step(case: Case, step: Step, *, to: str, ask: str = "") -> None:
    stage = case.stage_name(step.to_stage or step.from_stage)
    lines = [f"{case.ref}: {step.kind_words.lower()} by {ROLE_NAMES.get(step.acting_as, 'someone')}"  # type: ignore[call-overload]
             f" on {format_date(step.day)}, at '{stage}'."]  # fmt: skip
    if not case.closed:
        lines.append(_deadline_words(case))
    if ask:
        lines.append(ask)
    lines.append(f"See the case: {_link(case)}")
    _mail(
        _emails_for(case, to), f"{case.ref}: {step.kind_words.lower()}", "\n\n".join(lines) + "\n"
    )


# ---------------------------------------------------------------- reminders


def send_reminders(actor: Actor, today: date, say: Callable[[str], None] = print) -> int:
    """Send each reminder due on `today` once (compactwatch remind): before and after a
    case's deadline, prevention for funders, consultations without feedback. Says one line
    per message sent; returns how many were sent."""
    if not actor.is_system and not actor.is_site_admin():
        raise Refused("Only the server's operator sends reminders")
    sent = 0
    for message in due_messages(today):
        if _send_once(message):
            say(f"{message.to}: {message.subject}")
            sent += 1
    return sent


def _send_once(message: Message) -> bool:
    """Store the message's key, then send it, in one transaction: another run sending the
    same message at the same moment waits on the key and then finds it taken. If sending
    fails, the key is not kept and the next run tries again."""
    with changing():
        try:
            with transaction.atomic():
                SentReminder.objects.create(
                    key=message.key, compact_id=message.compact_id, case_id=message.case_id,
                    to=message.to, subject=message.subject[:300], due=message.due,
                )  # fmt: skip
        except IntegrityError:
            return False
        send_mail(message.subject, message.body, None, [message.to])
    return True


__all__ = [
    "ROLES", "Choice", "Documents", "Prefill", "RecordRef", "accept_public_case", "acknowledge",
    "add_confidential_note", "add_note", "agree_to_publish", "answer", "choices_for", "close",
    "commitment_choices", "confidential_notes", "decline_public_case", "extend", "get_case",
    "move", "prefill_from_finding", "raise_case", "respond", "roles_in", "send_reminders",
    "set_development_group_member", "submit_public_case", "timeline", "visible_cases",
]  # fmt: skip

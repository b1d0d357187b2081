"""What `compactwatch remind` would send today: each message with its unique key.

Three kinds, their timings in data/reminders.yaml (each citing its reason):
- a case's deadline: whoever must act, a little before it; then, with the officer, once it
  is overdue and once it is long overdue (worked out from the dates, never stored);
- prevention: a funder whose funding agreement ends soon, with the last day notice can be
  given to keep the Compact (the notice planning of compact/planning.py, the notice period
  of the edition in force);
- the officer, of consultations that closed weeks ago with no feedback published (2.5).

A key names the message and its recipient ("case cambridgeshire/D-2026-014 at-source
respond due 2027-03-12 before to user 7"): the sender stores it before sending, under a
unique constraint, so each message goes once. Candidates are found by indexed queries on
the cases' cached next deadline, so a run with nothing due reads almost nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml
from django.conf import settings
from django.db.models import Q

from compactwatch.compact.dates import format_date
from compactwatch.compact.disputes import ROLE_NAMES, OutOfRange, Period, add_period
from compactwatch.compact.planning import NothingToPlan, plan_notice
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.disputes.models import Case, DevelopmentGroupMember, PublicStatus, SentReminder
from compactwatch.organisations.models import Membership
from compactwatch.records.models import ChangeKind, Consultation, FundingAgreement

CHUNK = 1000
KIND_WORDS = {"grant": "grant", "contract": "contract", "service_agreement": "service agreement"}


@dataclass(frozen=True)
class Message:
    key: str
    to: str  # an email address
    subject: str
    body: str
    compact_id: int
    case_id: int | None = None
    due: date | None = None


@dataclass(frozen=True)
class Timings:
    before: Period  # a case's deadline: remind this long before it
    notice_ahead_weeks: int  # a funder: first told this many weeks before its last day
    notice_again_weeks: int
    feedback_after_weeks: int  # the officer: consultations closed this long ago
    feedback_until_weeks: int  # ... and no longer ago than this


@cache
def timings() -> Timings:
    text = resources.files("compactwatch.disputes").joinpath("data", "reminders.yaml").read_text()
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    before = data["case_deadlines"]["before"]
    notice = data["funding_notice"]
    feedback = data["consultation_feedback"]
    return Timings(
        before=Period(int(before["within"]), before["unit"]),
        notice_ahead_weeks=int(notice["ahead"]["within"]),
        notice_again_weeks=int(notice["again"]["within"]),
        feedback_after_weeks=int(feedback["after"]["within"]),
        feedback_until_weeks=int(feedback["until"]["within"]),
    )


def due_messages(today: date) -> Iterator[Message]:
    """Every message due on `today` not yet sent (a race may still find one sent: the
    sender's unique key decides)."""
    for batch in _chunks(_all(today), CHUNK):
        sent = set(
            SentReminder.objects.filter(key__in=[m.key for m in batch]).values_list(
                "key", flat=True
            )
        )
        yield from (message for message in batch if message.key not in sent)


def _all(today: date) -> Iterator[Message]:
    yield from case_messages(today)
    yield from funding_messages(today)
    yield from feedback_messages(today)


def _chunks(items: Iterable[Message], size: int) -> Iterator[list[Message]]:
    batch: list[Message] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# ---------------------------------------------------------------- who to tell


class People:
    """Email addresses of organisations' members, Development Groups and officers, read in
    a few queries for a batch of cases rather than one per message."""

    def __init__(self, organisation_ids: Iterable[int], compact_ids: Iterable[int]):
        self.members: dict[int, list[tuple[int, str]]] = defaultdict(list)
        rows = Membership.objects.filter(
            organisation_id__in=set(organisation_ids), user__is_active=True
        ).exclude(user__email="")
        for org, pk, email in rows.values_list("organisation_id", "user_id", "user__email"):
            self.members[org].append((pk, email))
        compact_ids = set(compact_ids)
        self.group: dict[int, list[tuple[int, str]]] = defaultdict(list)
        rows = DevelopmentGroupMember.objects.filter(
            compact_id__in=compact_ids, user__is_active=True
        ).exclude(user__email="")
        for compact, pk, email in rows.values_list("compact_id", "user_id", "user__email"):
            self.group[compact].append((pk, email))
        self.officers: dict[int, list[tuple[int, str]]] = defaultdict(list)
        through = Compact.officers.through.objects.filter(
            compact_id__in=compact_ids, user__is_active=True
        ).exclude(user__email="")
        for compact, pk, email in through.values_list("compact_id", "user_id", "user__email"):
            self.officers[compact].append((pk, email))

    def for_role(self, case: Case, role: str) -> list[tuple[str, str]]:
        """(key part, email) for everyone who acts as `role` in `case`."""
        people: list[tuple[int, str]] = []
        extra: list[tuple[str, str]] = []
        if role == "other party":
            people = self.members[case.other_party_id]
        elif role == "raiser":
            if case.raising_organisation_id:
                people = list(self.members[case.raising_organisation_id])
            if case.raised_by_id and case.raised_by and case.raised_by.email:
                people = [*people, (case.raised_by_id, case.raised_by.email)]
            if case.contact_email:
                extra = [(f"email {case.contact_email.lower()}", case.contact_email)]
        elif role == "Compact Development Group":
            people = self.group[case.compact_id]
        else:  # the officer, and the officer for an external body (which compactwatch cannot bind)
            people = self.officers[case.compact_id]
        unique = {pk: email for pk, email in people}
        return [(f"user {pk}", email) for pk, email in unique.items()] + extra

    def for_role_members(self, organisation_id: int) -> list[tuple[str, str]]:
        return [(f"user {pk}", email) for pk, email in self.members[organisation_id]]

    def officers_of(self, compact_id: int) -> list[tuple[str, str]]:
        return [(f"user {pk}", email) for pk, email in self.officers[compact_id]]


# ---------------------------------------------------------------- cases


def case_messages(today: date) -> Iterator[Message]:
    """Before, on passing and long after each open case's next deadline."""
    rules = timings()
    # Working days are never shorter than calendar days; two weeks more covers any run of
    # bank holidays, and the exact test below uses each case's own calendar.
    horizon = today + timedelta(days=rules.before.amount * 2 + 14)
    cases = (
        Case.objects.filter(closed=False, next_due__isnull=False, next_due__lte=horizon)
        .filter(public_status__in=[PublicStatus.NOT_PUBLIC, PublicStatus.ACCEPTED])
        # Every party named in a message, read with the case: not one query per case.
        .select_related("compact", "raised_by", "other_party", "raising_organisation")
        .order_by("next_due", "id")
    )
    for batch in _case_batches(cases):
        people = People(
            [org for case in batch for org in (case.other_party_id, case.raising_organisation_id)
             if org],
            {case.compact_id for case in batch},
        )  # fmt: skip
        for case in batch:
            yield from _case_reminders(case, today, rules, people)


def _case_batches(cases: Any) -> Iterator[list[Case]]:
    last = None
    while True:
        page = cases if last is None else cases.filter(
            Q(next_due__gt=last[0]) | Q(next_due=last[0], id__gt=last[1])
        )  # fmt: skip
        batch = list(page[:CHUNK])
        if not batch:
            return
        yield batch
        last = (batch[-1].next_due, batch[-1].id)


def _when(case: Case, today: date, rules: Timings) -> str | None:
    """ "before", "overdue" or "long overdue", or None when nothing is due today."""
    due = case.next_due
    assert due is not None
    try:
        if today < due:
            region = case.core_route().region
            return "before" if add_period(today, rules.before, region).day >= due else None
        state = case.status_on(today)
    except OutOfRange:
        return None
    return "before" if state == "due today" else state


def _case_reminders(case: Case, today: date, rules: Timings, people: People) -> Iterator[Message]:
    when = _when(case, today, rules)
    if when is None:
        return
    due = case.next_due
    assert due is not None
    role = case.whose_move or "officer"
    who = ROLE_NAMES.get(role, "the Compact officer")  # type: ignore[call-overload]
    action = case.next_action or "respond"
    stage = case.stage_name()
    if when == "before":
        subject = f"{case.ref}: {who} is to {action} by {format_date(due)}"
        lead = f"A reminder: at '{stage}', {who} is to {action} by {format_date(due)}."
    else:
        late = (today - due).days
        subject = f"{case.ref} is {when}: {who} was to {action} by {format_date(due)}"
        lead = (
            f"At '{stage}', {who} was to {action} by {format_date(due)}, "
            f"{late} day{'s' if late != 1 else ''} ago."
        )
    body = (
        f"{lead}\n\nThe disagreement {case.ref}: {case.raiser_words} and "
        f"{case.other_party.name}.\n\nSee the case: {_link(case.get_absolute_url())}\n"
    )
    recipients = people.for_role(case, role)
    if when != "before" and role != "officer":
        recipients += people.officers_of(case.compact_id)
    seen: set[str] = set()
    for part, email in recipients:
        if part in seen:
            continue
        seen.add(part)
        key = (
            f"case {case.compact.slug}/{case.ref} {case.stage} {action} due {due.isoformat()} "
            f"{when} to {part}"
        )
        yield Message(key, email, subject, body, case.compact_id, case.pk, due)


# ---------------------------------------------------------------- prevention


def _notice_days(compact: Compact) -> int:
    """The longest notice any edition of the Compact asks for, in days (at least)."""
    longest = 0
    for edition in editions_of(compact):
        for _commitment, standard in edition.standards("notice_period"):
            amount, unit = standard.period("minimum_notice")
            per = {"days": 1, "weeks": 7, "months": 31, "years": 366}.get(unit, 31)
            longest = max(longest, int(amount) * per)
    return longest


def funding_messages(today: date) -> Iterator[Message]:
    """A funder's members, when the last day to give notice of an agreement's end (and keep
    the Compact) is near."""
    rules = timings()
    ahead = today + timedelta(weeks=rules.notice_ahead_weeks)
    again = today + timedelta(weeks=rules.notice_again_weeks)
    for compact in Compact.objects.all():
        notice = _notice_days(compact)
        if not notice:
            continue
        editions = editions_of(compact)
        agreements = (
            FundingAgreement.objects.filter(
                compact=compact, funder__isnull=False, end__gte=today,
                end__lte=ahead + timedelta(days=notice + 1),
            )
            .exclude(changes__change=ChangeKind.END)
            .select_related("funder", "recipient")
            .order_by("end", "id")
        )  # fmt: skip
        rows = list(agreements)
        if not rows:
            continue
        people = People({row.funder_id for row in rows}, [compact.pk])
        for agreement in rows:
            assert agreement.end is not None
            try:
                plan = plan_notice(editions, agreement.end)
            except NothingToPlan:
                continue
            last = plan.answer
            if not today <= last <= ahead:
                continue
            which = "again" if last <= again else "ahead"
            kind = KIND_WORDS.get(agreement.kind, "funding agreement")
            to = agreement.recipient.name if agreement.recipient else agreement.recipient_name
            subject = (
                f"Your {kind} to {to} ends on {format_date(agreement.end)}: to keep "
                f"{plan.commitment.ref}, give notice in writing by {format_date(last)}"
            )
            body = (
                f"{subject}.\n\n{plan.name}: {plan.standard.summary}\n\n"
                f"If the funding is to continue, agree the renewal with {to} before then; "
                f"if it is to end or change, tell them in writing by {format_date(last)}.\n\n"
                f"The agreement: {_link(agreement.get_absolute_url())}\n"
            )
            for part, email in people.for_role_members(agreement.funder_id):
                key = (
                    f"notice {compact.slug}/{agreement.ref} ends {agreement.end.isoformat()} "
                    f"notice by {last.isoformat()} {which} to {part}"
                )
                yield Message(key, email, subject, body, compact.pk, None, last)


def feedback_messages(today: date) -> Iterator[Message]:
    """The officers, of consultations that closed weeks ago with no feedback published (2.5)."""
    rules = timings()
    latest = today - timedelta(weeks=rules.feedback_after_weeks)
    earliest = today - timedelta(weeks=rules.feedback_until_weeks)
    consultations = (
        Consultation.objects.filter(
            closes__lte=latest, closes__gte=earliest, feedback_published__isnull=True,
            feedback_not_published=False,
        )
        .select_related("compact", "organisation")
        .order_by("compact_id", "closes", "id")
    )  # fmt: skip
    rows = list(consultations)
    if not rows:
        return
    people = People((), {row.compact_id for row in rows})
    for consultation in rows:
        assert consultation.closes is not None
        weeks = (today - consultation.closes).days // 7
        body_name = (
            consultation.organisation.name
            if consultation.organisation
            else consultation.organisation_name
        )
        subject = (
            f"{body_name}'s consultation '{consultation.title}' closed on "
            f"{format_date(consultation.closes)}, {weeks} weeks ago, with no feedback published"
        )
        body = (
            f"{subject}.\n\nThe Compact asks public bodies to give feedback explaining how "
            "respondents influenced the decision (refreshed edition 2.5).\n\n"
            f"The consultation: {_link(consultation.get_absolute_url())}\n"
        )
        for part, email in people.officers_of(consultation.compact_id):
            key = f"feedback {consultation.compact.slug}/{consultation.ref} to {part}"
            yield Message(key, email, subject, body, consultation.compact_id)

"""A case in words for pages: its parties, stage, whose move it is and its next deadline
with its status ("due", "due today", "overdue", "long overdue"), each status a GOV.UK tag
with its words, never colour alone. The status is worked out on the day asked, never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from compactwatch.compact.dates import format_date
from compactwatch.compact.disputes import ROLE_NAMES
from compactwatch.compact.disputes.case import StepRefused
from compactwatch.compact.words import capital
from compactwatch.disputes.models import Case

# Each status: its words and its tag's colour (the words say it; the colour only repeats).
STATUS_TAGS = {
    "due": ("Due", "govuk-tag--blue"),
    "due today": ("Due today", "govuk-tag--yellow"),
    "overdue": ("Overdue", "govuk-tag--orange"),
    "long overdue": ("Long overdue", "govuk-tag--red"),
}


@dataclass(frozen=True)
class DeadlineWords:
    summary: str  # "The other party is to respond by 6 April 2027"
    explanation: str  # "10 working days from 19 March 2027, skipping Good Friday (26 March) ..."
    day: date
    status: str
    tag: str
    tag_class: str


def _tag(state: str) -> tuple[str, str]:
    return STATUS_TAGS.get(state, (state.capitalize(), "govuk-tag--grey"))


def deadline_of(case: Case, today: date) -> DeadlineWords | None:
    """The next deadline, worked out by the core from the case's route and steps."""
    if case.closed or case.is_waiting:
        return None
    try:
        due = case.state().next_deadline
    except (StepRefused, ValueError):  # a stored step the route no longer reads: the cache
        return _from_cache(case, today)
    if due is None:
        return None
    state = due.status(today)
    words, css = _tag(state)
    return DeadlineWords(due.summary, due.explanation, due.day, state, words, css)


def _from_cache(case: Case, today: date) -> DeadlineWords | None:
    state = case.status_on(today)
    if state is None or case.next_due is None:
        return None
    who = ROLE_NAMES.get(case.whose_move, "someone")  # type: ignore[call-overload]
    summary = f"{capital(who)} is to {case.next_action or 'act'} by {format_date(case.next_due)}"
    words, css = _tag(state)
    return DeadlineWords(summary, "", case.next_due, state, words, css)


def whose_move_words(case: Case) -> str:
    """Whose move it is, with the party's name: "The other party (Cambridgeshire County
    Council)"; empty once closed or while the officer has not accepted it."""
    if case.closed or case.is_waiting or not case.whose_move:
        return ""
    words = capital(ROLE_NAMES.get(case.whose_move, case.whose_move))  # type: ignore[call-overload]
    if case.whose_move == "raiser":
        return f"{words} ({case.raiser_words})"
    if case.whose_move == "other party":
        return f"{words} ({case.other_party.name})"
    return words


@dataclass(frozen=True)
class CaseRow:
    case: Case
    raiser: str
    other_party: str
    stage: str
    whose_move: str
    due: date | None
    status: str | None
    tag: str
    tag_class: str


def case_summary(case: Case, today: date) -> CaseRow:
    """One line of a list of cases, from the case's row alone."""
    state = case.status_on(today)
    words, css = _tag(state) if state else ("", "")
    if case.closed:
        stage = f"Closed: {case.get_outcome_display().lower()}" if case.outcome else "Closed"
    elif case.is_waiting:
        stage = "Waiting for the Compact officer"
    elif case.public_status == "declined":
        stage = "Declined by the Compact officer"
    else:
        stage = case.stage_name()
    who = "" if case.closed else capital(ROLE_NAMES.get(case.whose_move, ""))  # type: ignore[call-overload]
    return CaseRow(case, case.raiser_words, case.other_party.name, stage, who,
                   None if case.closed else case.next_due, state, words, css)  # fmt: skip

"""A disagreement's state, computed from its route and its steps (never stored).

A case is the list of its steps, oldest first, each a `Step`: raised, acknowledged,
responded, extended (by some days, with a reason), moved (to a stage), closed (with an
outcome) or a note, each with its day and the role of whoever took it. `case_state`
reads them against the route and gives where the case stands: its stage, whose move
it is, the next deadline (with how it was worked out) and what may happen next.
`check_step` says, in plain words, why the route does not allow a further step.

The rules, beyond what the route's data says:
- the first step raises the case (the raiser, or the officer accepting a public form);
  it starts at the route's first stage; steps are dated in order, none before the last;
- at a stage the acting party (or the officer for them) acknowledges, then responds;
  a response given before any acknowledgement counts as both; a stage without an
  acknowledge clock has no acknowledgement: its respond clock runs from arrival;
- the acknowledge clock runs from the day the case reached the stage, the respond
  clock from the acknowledgement, lengthened by each extension (asked before the
  response, by the acting party or the officer);
- a move whose `when` is "after the response or its deadline" is allowed once the stage
  has responded, or once the stage's current deadline has passed on the move's day;
- anyone in the case may add a note while it is open; a closed case allows nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal, get_args

from compactwatch.compact.dates import format_date
from compactwatch.compact.disputes.deadlines import (
    FIRST_DAY,
    LAST_WORKING_DAY,
    Deadline,
    OutOfRange,
    Period,
    Status,
    add_period,
    status,
)
from compactwatch.compact.disputes.route import (
    OUTCOMES,
    ROLE_NAMES,
    ROLES,
    Outcome,
    Role,
    Route,
    Stage,
)

StepKind = Literal["raised", "acknowledged", "responded", "extended", "moved", "closed", "note"]
STEP_KINDS: tuple[StepKind, ...] = get_args(StepKind)
Phase = Literal["awaiting acknowledgement", "awaiting response", "responded", "closed"]
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


class StepRefused(ValueError):
    """The route does not allow this step now; the message says why, in plain words."""


@dataclass(frozen=True)
class Step:
    """One step of a case. `days` and `reason` for an extension, `to` (a stage id) for
    a move, `outcome` for a close; `reason` holds a note's words too."""

    kind: StepKind
    day: date
    by: Role
    days: int | None = None
    reason: str = ""
    to: str | None = None
    outcome: Outcome | None = None


@dataclass(frozen=True)
class NextDeadline:
    """The next thing due at the case's stage: who is to do what, by when, and how the
    day was worked out."""

    action: Literal["acknowledge", "respond"]
    who: Role
    clock: Period  # the stage's clock, before any extension
    extended_by: tuple[int, ...]
    deadline: Deadline
    route: Route

    @property
    def day(self) -> date:
        return self.deadline.day

    @property
    def explanation(self) -> str:
        """ "10 working days from 19 March 2027, skipping Good Friday (26 March) and
        Easter Monday (29 March)"; with extensions, "20 working days (10, and an
        extension of 10) from ..."."""
        if not self.extended_by:
            return self.deadline.explanation
        parts = [str(days) for days in self.extended_by]
        added = (
            f"an extension of {parts[0]}"
            if len(parts) == 1
            else "extensions of " + ", ".join(parts[:-1]) + " and " + parts[-1]
        )
        return self.deadline.describe(f"{self.deadline.period} ({self.clock.amount}, and {added})")

    @property
    def summary(self) -> str:
        """ "The other party is to respond by 6 April 2027"."""
        who = ROLE_NAMES[self.who]
        return f"{who[0].upper()}{who[1:]} is to {self.action} by {format_date(self.day)}"

    def status(self, today: date) -> Status:
        """ "due", "due today", "overdue" or "long overdue" on `today` (the route's margin)."""
        return status(self.deadline, today, self.route.long_overdue_after, self.route.region)


@dataclass(frozen=True)
class Choice:
    """A step the case allows now, and the roles that may take it."""

    kind: StepKind
    by: tuple[Role, ...]
    to: str | None = None
    outcome: Outcome | None = None
    label: str = ""


@dataclass(frozen=True)
class CaseState:
    """Where a case stands after its steps. Build it with `case_state`."""

    route: Route
    stage: Stage | None = None  # None until raised
    phase: Phase | None = None
    raised: date | None = None
    arrived: date | None = None  # the day the case reached its stage
    acknowledged: date | None = None
    responded: date | None = None
    extensions: tuple[Step, ...] = ()  # at this stage
    closed: Step | None = None
    last_day: date | None = None
    next_deadline: NextDeadline | None = None

    @property
    def whose_move(self) -> Role | None:
        """Who is expected to act next: the stage's acting party until it responds, then
        the raiser (to accept, withdraw or take it further); None once closed."""
        if self.stage is None:
            return "raiser"
        if self.phase == "closed":
            return None
        if self.phase == "responded":
            return "raiser"
        return self.stage.who_acts

    def choices(self, today: date) -> tuple[Choice, ...]:
        """Every step the route allows on `today`, each with the roles that may take it."""
        candidates: list[Choice] = []
        if self.stage is None:
            candidates.append(Choice("raised", (), label="Raise the concern"))
        else:
            candidates += [
                Choice("acknowledged", (), label="Acknowledge the concern"),
                Choice("responded", (), label="Respond"),
                Choice("extended", (), label="Extend the time to respond"),
            ]
            candidates += [
                Choice("moved", (), to=stage.id, label=f"Move the case to '{stage.name}'")
                for stage in self.route.stages
            ]
            candidates += [
                Choice("closed", (), outcome=outcome, label=f"Close the case as {outcome}")
                for outcome in OUTCOMES
            ]
            candidates.append(Choice("note", (), label="Add a note"))
        allowed = []
        for choice in candidates:
            roles = tuple(role for role in ROLES if self._allows(choice, role, today))
            if roles:
                allowed.append(replace(choice, by=roles))
        return tuple(allowed)

    def _allows(self, choice: Choice, role: Role, today: date) -> bool:
        # A step with a day's extension and some words: what the choice would be.
        step = Step(choice.kind, today, role, 1, "(reason)", choice.to, choice.outcome)
        return refusal(self, step) is None


def case_state(route: Route, steps: Sequence[Step]) -> CaseState:
    """The state after `steps`, each checked against the route as it was taken; a
    stored step the route does not allow raises StepRefused (naming the step)."""
    state = CaseState(route)
    for number, step in enumerate(steps, start=1):
        problem = refusal(state, step)
        if problem is None:
            try:
                state = _apply(state, step)
            except OutOfRange as exc:
                problem = str(exc)
        if problem is not None:
            raise StepRefused(f"Step {number} ({step.kind} on {format_date(step.day)}): {problem}")
    return state


def check_step(route: Route, steps: Sequence[Step], step: Step) -> None:
    """Raise StepRefused, with the reason in plain words, unless the route allows `step`
    after `steps`."""
    state = case_state(route, steps)
    problem = refusal(state, step)
    if problem is None:
        try:
            _apply(state, step)
        except OutOfRange as exc:  # its deadline would fall beyond the dates we count
            problem = str(exc)
    if problem is not None:
        raise StepRefused(problem)


def current_stage(route: Route, steps: Sequence[Step]) -> Stage | None:
    return case_state(route, steps).stage


def whose_move(route: Route, steps: Sequence[Step]) -> Role | None:
    return case_state(route, steps).whose_move


def next_deadline(route: Route, steps: Sequence[Step]) -> NextDeadline | None:
    return case_state(route, steps).next_deadline


def allowed_moves(
    route: Route, steps: Sequence[Step], today: date, role: Role | None = None
) -> tuple[Choice, ...]:
    """The moves to other stages and the ways to close the case allowed on `today` (for
    `role`, if given)."""
    return tuple(
        choice
        for choice in case_state(route, steps).choices(today)
        if choice.kind in ("moved", "closed") and (role is None or role in choice.by)
    )


# ---------------------------------------------------------------- the rules


def refusal(state: CaseState, step: Step) -> str | None:
    """Why the route does not allow `step` in `state`, or None if it does."""
    if step.kind not in STEP_KINDS:
        return f"There is no step {step.kind!r}."
    if step.by not in ROLES:
        return f"There is no role {step.by!r} in a case."
    if not FIRST_DAY <= step.day <= LAST_WORKING_DAY:
        return f"Enter a date from {format_date(FIRST_DAY)} to {format_date(LAST_WORKING_DAY)}."
    stage = state.stage
    if stage is None:
        if step.kind != "raised":
            return "The case has not been raised yet: its first step is raising it."
        if step.by not in ("raiser", "officer"):
            return "A case is raised by the raiser, or by the Compact officer accepting it."
        return None
    if state.closed is not None:
        return (
            f"The case was closed as {state.closed.outcome} on {format_date(state.closed.day)}; "
            "nothing more can be added to it."
        )
    if step.kind == "raised":
        return f"The case was raised on {format_date(state.raised or step.day)}; it is raised once."
    if state.last_day is not None and step.day < state.last_day:
        return (
            f"A step cannot be dated before the case's last step ({format_date(state.last_day)})."
        )
    if step.kind == "note":
        return None if step.reason.strip() else "A note needs some words."
    if step.kind in ("acknowledged", "responded", "extended"):
        return _acting_refusal(state, stage, step)
    if step.kind == "moved":
        return _move_refusal(state, stage, step)
    return _close_refusal(stage, step)


def _capital(words: str) -> str:
    return words[0].upper() + words[1:]


def _roles(roles: Sequence[Role]) -> str:
    names = [ROLE_NAMES[role] for role in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _acting_refusal(state: CaseState, stage: Stage, step: Step) -> str | None:
    who = ROLE_NAMES[stage.who_acts]
    if state.phase == "responded":
        done = f"{_capital(who)} already responded at '{stage.name}', on {format_date(state.responded or step.day)}"
        if step.kind == "extended":
            return f"{done}: there is nothing left to extend."
        return f"{done}: the case can now move on or be closed."
    if step.kind == "acknowledged":
        if stage.acknowledge is None:
            return f"At '{stage.name}' there is no acknowledgement to give: {who} responds."
        if state.acknowledged is not None:
            return f"'{stage.name}' was already acknowledged, on {format_date(state.acknowledged)}."
    if step.by not in (stage.who_acts, "officer"):
        action = {"acknowledged": "acknowledges", "responded": "responds", "extended": "extends"}
        return (
            f"At '{stage.name}' {who} {action[step.kind]} (or the Compact officer for them), "
            f"not {ROLE_NAMES[step.by]}."
        )
    if step.kind != "extended":
        return None
    rules = stage.extensions
    if rules is None or stage.respond is None:
        return f"'{stage.name}' allows no extensions."
    unit = stage.respond.period.unit
    if len(state.extensions) >= rules.how_many:
        allowed = f"{_NUMBERS[rules.how_many]} extension{'s' if rules.how_many > 1 else ''}"
        return f"This stage allows {allowed}, and it has had {_NUMBERS[len(state.extensions)]}."
    if step.days is None or step.days < 1:
        return f"Say how many {unit} the extension is for (1 to {rules.up_to})."
    if step.days > rules.up_to:
        return (
            f"An extension at this stage is for up to {Period(rules.up_to, unit)}; "
            f"this one asks for {step.days}."
        )
    if rules.reason_required and not step.reason.strip():
        return "An extension needs a reason."
    return None


def _move_refusal(state: CaseState, stage: Stage, step: Step) -> str | None:
    move = stage.move_to(step.to) if step.to else None
    if move is None:
        if not stage.moves:
            return (
                f"The case is at '{stage.name}'; from there it cannot move to another stage, "
                "only be closed."
            )
        names = [f"'{state.route.stage(item.to).name}'" for item in stage.moves]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        return f"The case is at '{stage.name}'; from there it can move to {listed}."
    target = state.route.stage(move.to)
    if step.by not in move.by:
        return f"Only {_roles(move.by)} can move the case to '{target.name}'."
    if move.when == "after the response or its deadline" and state.phase != "responded":
        due = state.next_deadline
        if due is None or step.day <= due.day:
            who = ROLE_NAMES[stage.who_acts]
            after = f", or once its deadline ({format_date(due.day)}) has passed" if due else ""
            return (
                f"The case can move to '{target.name}' once {who} has responded at "
                f"'{stage.name}'{after}."
            )
    return None


def _close_refusal(stage: Stage, step: Step) -> str | None:
    closing = stage.closing(step.outcome) if step.outcome else None
    if closing is None:
        ways = [item.outcome for item in stage.closes]
        listed = ways[0] if len(ways) == 1 else ", ".join(ways[:-1]) + " or " + ways[-1]
        if step.outcome not in OUTCOMES:
            return "Say how the case ended: resolved, withdrawn or unresolved."
        return f"At '{stage.name}' the case can be closed as {listed}, not {step.outcome}."
    if step.by not in closing.by:
        return f"Only {_roles(closing.by)} can close the case as {step.outcome}."
    return None


# ---------------------------------------------------------------- applying a step


def _arrive(state: CaseState, stage: Stage, day: date) -> CaseState:
    return replace(
        state,
        stage=stage,
        phase="awaiting acknowledgement" if stage.acknowledge else "awaiting response",
        arrived=day,
        acknowledged=None,
        responded=None,
        extensions=(),
    )


def _apply(state: CaseState, step: Step) -> CaseState:
    """The state after an allowed step, with its next deadline worked out (OutOfRange
    when that deadline falls outside the dates compactwatch counts)."""
    if step.kind == "raised":
        state = replace(
            _arrive(state, state.route.stage(state.route.first_stage), step.day), raised=step.day
        )
    elif step.kind == "acknowledged":
        state = replace(state, phase="awaiting response", acknowledged=step.day)
    elif step.kind == "responded":
        state = replace(state, phase="responded", responded=step.day)
    elif step.kind == "extended":
        state = replace(state, extensions=(*state.extensions, step))
    elif step.kind == "moved" and step.to is not None:
        state = _arrive(state, state.route.stage(step.to), step.day)
    elif step.kind == "closed":
        state = replace(state, phase="closed", closed=step)
    state = replace(state, last_day=step.day)
    return replace(state, next_deadline=_next_deadline(state))


def _next_deadline(state: CaseState) -> NextDeadline | None:
    stage, route = state.stage, state.route
    if stage is None or state.arrived is None:
        return None
    if state.phase == "awaiting acknowledgement" and stage.acknowledge is not None:
        clock = stage.acknowledge.period
        deadline = add_period(state.arrived, clock, route.region)
        return NextDeadline("acknowledge", stage.who_acts, clock, (), deadline, route)
    if state.phase == "awaiting response" and stage.respond is not None:
        clock = stage.respond.period
        extra = tuple(step.days or 0 for step in state.extensions)
        start = state.acknowledged or state.arrived
        total = Period(clock.amount + sum(extra), clock.unit)
        deadline = add_period(start, total, route.region)
        return NextDeadline("respond", stage.who_acts, clock, extra, deadline, route)
    return None

"""Disagreements (2007 edition, section 6; issue 13): the pure rules, no Django.

Three modules, each with one job:

`deadlines`: counting days.
    cal = Calendar("working", "England and Wales")       # or "calendar"; "Scotland", "Northern Ireland"
    due = cal.add(date(2027, 3, 19), 10)                 # Deadline
    due.day                                              # date(2027, 4, 6)
    due.explanation                                      # "10 working days from 19 March 2027,
                                                         #  skipping Good Friday (26 March) and
                                                         #  Easter Monday (29 March)"
    cal.working_days_between(a, b); cal.is_working_day(d)
    add_period(start, Period(12, "months"), region)      # working/calendar days or months
    status(due, today, Period(20, "working days"))       # "due" | "due today" | "overdue" | "long overdue"
  Day 1 is the first working day after the start day. Dates outside 1900-2100 for working
  days (2199 for calendar days) raise OutOfRange (a ValueError with a plain message).

`route`: the route a disagreement takes, as a versioned data file (routes/*.yaml,
  checked against routes/route.schema.json).
    route = shipped_routes()["cambridgeshire"]           # or parse_route(document, "name")
    route.stages, route.stage("compact-development-group").name, .who_acts, .acknowledge,
    .respond, .extensions, .moves, .closes;  route.document  (store it: a case keeps it)
  parse_route raises RouteFileError; `.problems` lists every problem, each naming the
  file, the stage and the field.

`case`: a case's state, computed from its route and its steps (never stored).
    steps = [Step("raised", day, "raiser"), Step("acknowledged", day2, "other party"), ...]
    Step("extended", day, "other party", days=10, reason="...")
    Step("moved", day, "raiser", to="compact-development-group")
    Step("closed", day, "officer", outcome="resolved");  Step("note", day, role, reason="...")
    state = case_state(route, steps)    # StepRefused if a stored step breaks the route
    state.stage, state.phase, state.whose_move           # Role or None once closed
    state.next_deadline                                  # NextDeadline or None:
        .action ("acknowledge"/"respond"), .who, .day, .explanation, .summary, .status(today)
    state.choices(today)                                 # every step allowed now, with roles
    check_step(route, steps, step)      # raises StepRefused("This stage allows one extension,
                                        #  and it has had one.") unless the route allows it
  Shortcuts: current_stage, whose_move, next_deadline, allowed_moves(route, steps, today, role).
  Roles are "raiser", "other party", "officer", "Compact Development Group",
  "external body" (ROLE_NAMES gives them in words); outcomes "resolved", "withdrawn",
  "unresolved".
"""

from compactwatch.compact.disputes.case import (
    CaseState,
    Choice,
    NextDeadline,
    Step,
    StepRefused,
    allowed_moves,
    case_state,
    check_step,
    current_stage,
    next_deadline,
    whose_move,
)
from compactwatch.compact.disputes.deadlines import (
    Calendar,
    Deadline,
    OutOfRange,
    Period,
    add_period,
    status,
)
from compactwatch.compact.disputes.route import (
    ROLE_NAMES,
    Route,
    RouteFileError,
    Stage,
    load_route_file,
    parse_route,
    shipped_routes,
)

__all__ = [
    "ROLE_NAMES",
    "Calendar",
    "CaseState",
    "Choice",
    "Deadline",
    "NextDeadline",
    "OutOfRange",
    "Period",
    "Route",
    "RouteFileError",
    "Stage",
    "Step",
    "StepRefused",
    "add_period",
    "allowed_moves",
    "case_state",
    "check_step",
    "current_stage",
    "load_route_file",
    "next_deadline",
    "parse_route",
    "shipped_routes",
    "status",
    "whose_move",
]

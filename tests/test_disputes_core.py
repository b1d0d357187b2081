"""The route a disagreement takes (data, checked as it loads) and a case's state computed
from its steps: every allowed and every refused move of the shipped route."""

import copy
import itertools
from collections import deque
from datetime import date, timedelta
from importlib import resources

import pytest

from compactwatch.compact.disputes.case import (
    STEP_KINDS,
    Step,
    StepRefused,
    allowed_moves,
    case_state,
    check_step,
    current_stage,
    next_deadline,
    whose_move,
)
from compactwatch.compact.disputes.deadlines import Calendar, Period
from compactwatch.compact.disputes.route import (
    OUTCOMES,
    ROLE_NAMES,
    ROLES,
    RouteFileError,
    load_route_file,
    parse_route,
    shipped_routes,
)

ROUTE = shipped_routes()["cambridgeshire"]
ENGLAND = Calendar("working", "England and Wales")
RAISED = date(2027, 3, 3)  # a Wednesday


def refused(steps, step):
    with pytest.raises(StepRefused) as caught:
        check_step(ROUTE, steps, step)
    return str(caught.value)


# ---------------------------------------------------------------- the shipped route


def test_the_shipped_route_loads_with_the_complaint_code_clocks():
    assert [stage.id for stage in ROUTE.stages] == [
        "at-source",
        "compact-development-group",
        "positive-disputes-resolution",
        "mediation",
        "external",
    ]
    assert ROUTE.first_stage == "at-source"
    assert ROUTE.region == "England and Wales"
    at_source = ROUTE.stage("at-source")
    assert at_source.who_acts == "other party"
    assert at_source.acknowledge.period == Period(5, "working days")
    assert at_source.respond.period == Period(10, "working days")
    assert (at_source.extensions.how_many, at_source.extensions.up_to) == (1, 10)
    assert at_source.extensions.reason_required
    group = ROUTE.stage("compact-development-group")
    assert group.who_acts == "Compact Development Group"
    assert group.acknowledge.period == Period(5, "working days")
    assert group.respond.period == Period(20, "working days")
    assert group.extensions is None
    assert ROUTE.stage("external").respond.period == Period(12, "months")
    assert ROUTE.stage("external").acknowledge is None
    assert ROUTE.long_overdue_after == Period(20, "working days")


def test_every_stage_and_number_of_the_shipped_route_cites_its_source():
    assert ROUTE.long_overdue_source
    for stage in ROUTE.stages:
        assert stage.clause and stage.name and stage.what_happens
        for clock in (stage.acknowledge, stage.respond):
            assert clock is None or clock.source
        assert stage.extensions is None or stage.extensions.source
        assert all(move.clause for move in stage.moves)
    assert "6.2" in ROUTE.stage("compact-development-group").clause
    assert "6.3" in ROUTE.stage("mediation").clause


def test_a_stored_copy_builds_the_same_route():
    assert parse_route(ROUTE.document, "stored route") == ROUTE
    path = resources.files("compactwatch.compact.disputes").joinpath(
        "routes", "cambridgeshire.yaml"
    )
    assert load_route_file(str(path)) == ROUTE


# ---------------------------------------------------------------- refused documents


def broken(change):
    document = copy.deepcopy(ROUTE.document)
    change(document)
    with pytest.raises(RouteFileError) as caught:
        parse_route(document, "leeds.yaml")
    return caught.value.problems


def stage_of(document, stage_id):
    return next(stage for stage in document["stages"] if stage["id"] == stage_id)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda d: stage_of(d, "mediation").pop("name"),
            "leeds.yaml: stage mediation, field name: is missing",
        ),
        (
            lambda d: stage_of(d, "at-source").update(who_acts="the mayor"),
            "leeds.yaml: stage at-source, field who_acts: 'the mayor' is not one of",
        ),
        (
            lambda d: stage_of(d, "at-source").update(colour="red"),
            "leeds.yaml: stage at-source, field colour: is not a field this format knows",
        ),
        (
            lambda d: stage_of(d, "at-source")["clocks"]["acknowledge"].update(within=0),
            "leeds.yaml: stage at-source, field clocks.acknowledge.within: 0 is less than the minimum of 1",
        ),
        (
            lambda d: stage_of(d, "at-source")["clocks"]["respond"].update(unit="fortnights"),
            "leeds.yaml: stage at-source, field clocks.respond.unit: 'fortnights' is not one of",
        ),
        (
            lambda d: stage_of(d, "at-source")["clocks"]["respond"].pop("source"),
            "leeds.yaml: stage at-source, field clocks.respond.source: is missing",
        ),
        (
            lambda d: stage_of(d, "at-source")["moves"][0].update(to="cabinet"),
            "leeds.yaml: stage at-source, field moves[0].to: names no stage of this route ('cabinet')",
        ),
        (
            lambda d: stage_of(d, "mediation")["moves"][0].update(to="mediation"),
            "leeds.yaml: stage mediation, field moves[0].to: a stage cannot move to itself",
        ),
        (
            lambda d: stage_of(d, "mediation")["moves"].append(
                dict(stage_of(d, "mediation")["moves"][0])
            ),
            "leeds.yaml: stage mediation, field moves[1].to: the move to 'external' is listed twice",
        ),
        (
            lambda d: stage_of(d, "mediation")["closes"].append(
                {"outcome": "resolved", "by": ["officer"]}
            ),
            "leeds.yaml: stage mediation, field closes[3].outcome: the outcome 'resolved' is listed twice",
        ),
        (
            lambda d: stage_of(d, "mediation").update(id="external"),
            "leeds.yaml: stage external, field id: another stage (number 4) has the same id",
        ),
        (
            lambda d: d.update(first_stage="cabinet"),
            "leeds.yaml, field first_stage: names no stage of this route ('cabinet')",
        ),
        (
            lambda d: d.update(region="Wales"),
            "leeds.yaml, field region: 'Wales' is not one of",
        ),
        (
            lambda d: d.pop("long_overdue_after"),
            "leeds.yaml, field long_overdue_after: is missing",
        ),
        (
            # Nothing leads to the Positive Disputes Resolution Process any more.
            lambda d: stage_of(d, "compact-development-group")["moves"].pop(0),
            "leeds.yaml: stage positive-disputes-resolution, field id: no move leads to this "
            "stage from the first stage ('at-source')",
        ),
        (
            # The external body's stage neither closes nor leads anywhere.
            lambda d: stage_of(d, "external").update(closes=[]),
            "leeds.yaml: stage external, field closes: a case here can never be closed",
        ),
        (
            lambda d: stage_of(d, "mediation").update(
                extensions=dict(stage_of(d, "at-source")["extensions"])
            ),
            "leeds.yaml: stage mediation, field extensions: extensions lengthen the respond "
            "clock, and this stage has none",
        ),
        (
            lambda d: stage_of(d, "at-source")["extensions"].update(how_many=0),
            "leeds.yaml: stage at-source, field extensions.how_many: 0 is less than the minimum of 1",
        ),
        (
            lambda d: stage_of(d, "at-source")["moves"][0].update(by=[]),
            "leeds.yaml: stage at-source, field moves[0].by: [] should be non-empty",
        ),
    ],
)
def test_a_broken_route_names_the_file_stage_and_field(change, problem):
    problems = broken(change)
    assert any(found.startswith(problem) for found in problems), problems


def test_every_problem_is_listed_at_once():
    def change(document):
        stage_of(document, "mediation").pop("name")
        stage_of(document, "at-source")["moves"][0]["to"] = "cabinet"
        stage_of(document, "external")["clocks"]["respond"]["within"] = -1
        document["region"] = "Wales"

    problems = broken(change)
    assert len(problems) >= 4
    for expected in (
        "stage mediation, field name",
        "stage at-source, field moves[0].to",
        "stage external, field clocks.respond.within",
        "field region",
    ):
        assert any(expected in problem for problem in problems), problems


def test_a_document_that_is_not_a_route_at_all():
    with pytest.raises(RouteFileError, match=r"leeds\.yaml: .* is not of type 'object'"):
        parse_route(["stages"], "leeds.yaml")


def test_a_file_that_is_not_yaml(tmp_path):
    path = tmp_path / "leeds.yaml"
    path.write_text("stages: [unclosed", encoding="utf-8")
    with pytest.raises(RouteFileError, match=r"leeds\.yaml: is not valid YAML"):
        load_route_file(path)


# ---------------------------------------------------------------- a case's life


def test_a_case_from_raising_to_closing():
    steps = [Step("raised", RAISED, "raiser")]
    state = case_state(ROUTE, steps)
    assert state.stage.id == "at-source"
    assert state.phase == "awaiting acknowledgement"
    assert state.whose_move == "other party"
    due = state.next_deadline
    assert (due.action, due.who, due.day) == ("acknowledge", "other party", date(2027, 3, 10))
    assert due.explanation == "5 working days from 3 March 2027"
    assert due.summary == "The other party is to acknowledge by 10 March 2027"

    steps.append(Step("acknowledged", date(2027, 3, 19), "other party"))
    due = next_deadline(ROUTE, steps)
    assert (due.action, due.day) == ("respond", date(2027, 4, 6))
    assert due.explanation == (
        "10 working days from 19 March 2027, skipping Good Friday (26 March) "
        "and Easter Monday (29 March)"
    )
    assert due.status(date(2027, 4, 6)) == "due today"
    assert due.status(date(2027, 4, 7)) == "overdue"

    steps.append(Step("responded", date(2027, 4, 1), "other party"))
    assert whose_move(ROUTE, steps) == "raiser"
    assert next_deadline(ROUTE, steps) is None

    steps.append(Step("moved", date(2027, 4, 2), "raiser", to="compact-development-group"))
    state = case_state(ROUTE, steps)
    assert current_stage(ROUTE, steps).name == "Compact Development Group"
    assert state.whose_move == "Compact Development Group"
    assert state.next_deadline.day == ENGLAND.add(date(2027, 4, 2), 5).day

    steps.append(Step("closed", date(2027, 4, 20), "raiser", outcome="resolved"))
    state = case_state(ROUTE, steps)
    assert (state.phase, state.whose_move, state.next_deadline) == ("closed", None, None)


def test_a_response_without_an_acknowledgement_counts_as_both():
    steps = [Step("raised", RAISED, "raiser"), Step("responded", date(2027, 3, 4), "other party")]
    assert case_state(ROUTE, steps).phase == "responded"


def test_the_external_stage_runs_a_twelve_month_calendar_clock_from_arrival():
    steps = steps_to("external", RAISED)
    state = case_state(ROUTE, steps)
    assert state.phase == "awaiting response"
    assert state.whose_move == "external body"
    arrived = steps[-1].day
    assert state.next_deadline.day == arrived.replace(year=arrived.year + 1)
    assert state.next_deadline.explanation.startswith("12 months from ")


def test_stages_without_clocks_have_no_deadline():
    for stage_id in ("positive-disputes-resolution", "mediation"):
        state = case_state(ROUTE, steps_to(stage_id, RAISED))
        assert state.stage.id == stage_id
        assert state.next_deadline is None
        assert state.phase == "awaiting response"


# ---------------------------------------------------------------- every move of the route


def steps_to(stage_id, start, responded=False):
    """Steps that take a case to `stage_id` along the route's own moves (each stage
    answered before moving on), and, if asked, the stage's response too."""
    paths = deque([[ROUTE.first_stage]])
    seen = {ROUTE.first_stage}
    while paths:
        path = paths.popleft()
        if path[-1] == stage_id:
            break
        for move in ROUTE.stage(path[-1]).moves:
            if move.to not in seen:
                seen.add(move.to)
                paths.append([*path, move.to])
    day = start
    steps = [Step("raised", day, "raiser")]
    for here, there in itertools.pairwise(path):
        day += timedelta(days=1)
        steps.append(Step("responded", day, ROUTE.stage(here).who_acts))
        steps.append(Step("moved", day, ROUTE.stage(here).move_to(there).by[0], to=there))
    if responded:
        day += timedelta(days=1)
        steps.append(Step("responded", day, ROUTE.stage(stage_id).who_acts))
    return steps


PAIRS = [(stage.id, target.id) for stage in ROUTE.stages for target in ROUTE.stages]


@pytest.mark.parametrize(("here", "there"), PAIRS)
def test_every_move_between_stages(here, there):
    steps = steps_to(here, RAISED, responded=True)
    day = steps[-1].day + timedelta(days=1)
    move = ROUTE.stage(here).move_to(there)
    for role in ROLES:
        step = Step("moved", day, role, to=there)
        if move is not None and role in move.by:
            check_step(ROUTE, steps, step)
            assert case_state(ROUTE, [*steps, step]).stage.id == there
        else:
            message = refused(steps, step)
            if move is None:
                assert message.startswith(f"The case is at '{ROUTE.stage(here).name}'; from there")
            else:
                assert message.startswith("Only ")
    listed = {choice.to for choice in allowed_moves(ROUTE, steps, day) if choice.kind == "moved"}
    assert listed == {move.to for move in ROUTE.stage(here).moves}


@pytest.mark.parametrize(("here", "outcome"), [(s.id, o) for s in ROUTE.stages for o in OUTCOMES])
def test_every_way_of_closing(here, outcome):
    steps = steps_to(here, RAISED)
    day = steps[-1].day + timedelta(days=1)
    closing = ROUTE.stage(here).closing(outcome)
    for role in ROLES:
        step = Step("closed", day, role, outcome=outcome)
        if closing is not None and role in closing.by:
            check_step(ROUTE, steps, step)
        else:
            assert closing is not None  # the shipped route closes every way at every stage
            names = " or ".join(ROLE_NAMES[role] for role in closing.by)
            assert refused(steps, step) == f"Only {names} can close the case as {outcome}."


def test_a_route_can_refuse_an_outcome_at_a_stage():
    document = copy.deepcopy(ROUTE.document)
    stage_of(document, "external")["closes"] = [
        {"outcome": "resolved", "by": ["raiser", "officer"]},
        {"outcome": "unresolved", "by": ["officer"]},
    ]
    route = parse_route(document, "leeds.yaml")
    steps = steps_to("external", RAISED)
    with pytest.raises(StepRefused) as caught:
        check_step(route, steps, Step("closed", steps[-1].day, "raiser", outcome="withdrawn"))
    assert str(caught.value) == (
        "At 'Referred to the Ombudsman or another external body' the case can be closed as "
        "resolved or unresolved, not withdrawn."
    )


def test_the_moves_from_the_compact_development_group_in_words():
    steps = steps_to("compact-development-group", RAISED, responded=True)
    day = steps[-1].day
    assert refused(steps, Step("moved", day, "raiser", to="at-source")) == (
        "The case is at 'Compact Development Group'; from there it can move to "
        "'Positive Disputes Resolution Process', 'Mediation' or "
        "'Referred to the Ombudsman or another external body'."
    )
    assert refused(steps, Step("moved", day, "other party", to="mediation")) == (
        "Only the raiser or the Compact officer can move the case to 'Mediation'."
    )
    external = steps_to("external", RAISED)
    assert refused(external, Step("moved", external[-1].day, "officer", to="mediation")) == (
        "The case is at 'Referred to the Ombudsman or another external body'; from there it "
        "cannot move to another stage, only be closed."
    )


def test_moving_on_waits_for_the_response_or_its_deadline():
    raised = [Step("raised", RAISED, "raiser")]
    onward = "compact-development-group"
    # Not acknowledged: the acknowledgement's deadline is 10 March.
    assert refused(raised, Step("moved", date(2027, 3, 10), "raiser", to=onward)) == (
        "The case can move to 'Compact Development Group' once the other party has "
        "responded at 'Resolving it at source', or once its deadline (10 March 2027) has passed."
    )
    check_step(ROUTE, raised, Step("moved", date(2027, 3, 11), "raiser", to=onward))
    # Acknowledged on 4 March: the response is due on 18 March.
    acknowledged = [*raised, Step("acknowledged", date(2027, 3, 4), "other party")]
    refused(acknowledged, Step("moved", date(2027, 3, 18), "officer", to=onward))
    check_step(ROUTE, acknowledged, Step("moved", date(2027, 3, 19), "officer", to=onward))
    # A move the route allows at any time: the group applies its process straight away.
    group = steps_to(onward, RAISED)
    check_step(
        ROUTE,
        group,
        Step(
            "moved", group[-1].day, "Compact Development Group", to="positive-disputes-resolution"
        ),
    )
    # A stage without clocks: only its response opens the way on.
    mediation = steps_to("mediation", RAISED)
    message = refused(mediation, Step("moved", date(2099, 1, 1), "raiser", to="external"))
    assert message.endswith("has responded at 'Mediation'.")


# ---------------------------------------------------------------- extensions


def acknowledged_case():
    return [
        Step("raised", RAISED, "raiser"),
        Step("acknowledged", date(2027, 3, 4), "other party"),
    ]


def test_one_extension_of_up_to_ten_working_days():
    steps = acknowledged_case()
    day = date(2027, 3, 10)
    assert refused(steps, Step("extended", day, "other party", 11, "Waiting for the minutes")) == (
        "An extension at this stage is for up to 10 working days; this one asks for 11."
    )
    assert refused(steps, Step("extended", day, "other party", 0, "Waiting")).startswith(
        "Say how many working days"
    )
    assert refused(steps, Step("extended", day, "other party", 10, "  ")) == (
        "An extension needs a reason."
    )
    assert refused(steps, Step("extended", day, "raiser", 10, "Please")) == (
        "At 'Resolving it at source' the other party extends (or the Compact officer for "
        "them), not the raiser."
    )
    first = Step("extended", day, "other party", 10, "Waiting for the minutes")
    check_step(ROUTE, steps, first)
    steps.append(first)
    due = next_deadline(ROUTE, steps)
    assert due.day == ENGLAND.add(date(2027, 3, 4), 20).day
    assert due.explanation.startswith("20 working days (10, and an extension of 10) from 4 March")
    assert refused(steps, Step("extended", day, "officer", 1, "More")) == (
        "This stage allows one extension, and it has had one."
    )


def test_no_extension_where_the_route_gives_none_or_after_the_response():
    group = steps_to("compact-development-group", RAISED)
    assert refused(
        group, Step("extended", group[-1].day, "Compact Development Group", 5, "Busy")
    ) == ("'Compact Development Group' allows no extensions.")
    answered = [*acknowledged_case(), Step("responded", date(2027, 3, 5), "other party")]
    assert refused(answered, Step("extended", date(2027, 3, 5), "other party", 5, "x")) == (
        "The other party already responded at 'Resolving it at source', on 5 March 2027: "
        "there is nothing left to extend."
    )


# ---------------------------------------------------------------- other refusals


def test_the_first_step_raises_the_case():
    assert refused([], Step("acknowledged", RAISED, "other party")) == (
        "The case has not been raised yet: its first step is raising it."
    )
    refused([], Step("raised", RAISED, "other party"))
    check_step(ROUTE, [], Step("raised", RAISED, "officer"))  # accepting a public form
    assert [choice.kind for choice in case_state(ROUTE, []).choices(RAISED)] == ["raised"]


def test_refusals_of_acting_out_of_turn():
    steps = acknowledged_case()
    assert refused(steps, Step("raised", date(2027, 3, 5), "raiser")).startswith(
        "The case was raised on 3 March 2027"
    )
    assert refused(steps, Step("acknowledged", date(2027, 3, 5), "other party")) == (
        "'Resolving it at source' was already acknowledged, on 4 March 2027."
    )
    assert refused(steps, Step("note", date(2027, 3, 3), "raiser", reason="x")) == (
        "A step cannot be dated before the case's last step (4 March 2027)."
    )
    assert refused(steps, Step("note", date(2027, 3, 5), "raiser")) == "A note needs some words."
    assert refused(steps, Step("responded", date(2027, 3, 5), "raiser")).endswith("not the raiser.")
    steps.append(Step("responded", date(2027, 3, 5), "officer"))
    assert refused(steps, Step("responded", date(2027, 3, 6), "other party")) == (
        "The other party already responded at 'Resolving it at source', on 5 March 2027: "
        "the case can now move on or be closed."
    )
    mediation = steps_to("mediation", RAISED)
    assert refused(mediation, Step("acknowledged", mediation[-1].day, "external body")) == (
        "At 'Mediation' there is no acknowledgement to give: the external body responds."
    )
    assert (
        refused(mediation, Step("closed", mediation[-1].day, "raiser", outcome=None))
        == "Say how the case ended: resolved, withdrawn or unresolved."
    )


def test_a_closed_case_allows_nothing_more():
    steps = [*acknowledged_case(), Step("closed", date(2027, 3, 5), "raiser", outcome="withdrawn")]
    state = case_state(ROUTE, steps)
    assert state.choices(date(2027, 3, 6)) == ()
    for kind in STEP_KINDS:
        for role in ROLES:
            step = Step(kind, date(2027, 3, 6), role, 1, "words", "mediation", "resolved")
            assert refused(steps, step) == (
                "The case was closed as withdrawn on 5 March 2027; nothing more can be added to it."
            )


def test_stored_steps_the_route_does_not_allow_are_refused_by_number():
    steps = [Step("raised", RAISED, "raiser"), Step("raised", RAISED, "raiser")]
    with pytest.raises(StepRefused, match=r"^Step 2 \(raised on 3 March 2027\): The case was"):
        case_state(ROUTE, steps)


def test_deadlines_beyond_the_known_bank_holidays_are_refused_plainly():
    assert refused([], Step("raised", date(2100, 12, 28), "raiser")).startswith(
        "5 working days from 28 December 2100 would end after 31 December 2100"
    )
    assert refused([], Step("raised", date(2101, 1, 3), "raiser")) == (
        "Enter a date from 1 January 1900 to 31 December 2100."
    )


@pytest.mark.parametrize("stage_id", [stage.id for stage in ROUTE.stages])
@pytest.mark.parametrize("responded", [False, True])
def test_every_choice_offered_is_a_step_the_route_allows(stage_id, responded):
    steps = steps_to(stage_id, RAISED, responded=responded)
    today = steps[-1].day + timedelta(days=1)
    choices = case_state(ROUTE, steps).choices(today)
    assert choices
    for choice in choices:
        for role in choice.by:
            check_step(
                ROUTE,
                steps,
                Step(choice.kind, today, role, 1, "Because", choice.to, choice.outcome),
            )

"""The route a disagreement takes, as data: its stages, who acts at each, their clocks,
the moves between them, extensions and the ways a case closes.

A route is a versioned document (YAML on disk, JSON when stored): `parse_route` checks
it against `routes/route.schema.json` and against its own sense (moves name stages that
exist, the first stage exists, every stage can be reached from it, and from every stage
a case can still be closed), and lists every problem at once, each naming the file, the
stage and the field. A case keeps the route it started with: store `Route.document`
and build it again with `parse_route`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast, get_args

import jsonschema
import yaml

from compactwatch.compact.data_files import ItemFile
from compactwatch.compact.disputes.deadlines import Calendar, Period, Region, Unit

Role = Literal["raiser", "other party", "officer", "Compact Development Group", "external body"]
ROLES: tuple[Role, ...] = get_args(Role)
# How pages and messages name each role.
ROLE_NAMES: dict[Role, str] = {
    "raiser": "the raiser",
    "other party": "the other party",
    "officer": "the Compact officer",
    "Compact Development Group": "the Compact Development Group",
    "external body": "the external body",
}
Outcome = Literal["resolved", "withdrawn", "unresolved"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
When = Literal["any time", "after the response or its deadline"]

PACKAGE = "compactwatch.compact.disputes"
FOLDER = "routes"
SCHEMA_FILE = "route.schema.json"


class RouteFileError(Exception):
    """A route document is wrong; `problems` lists each, naming file, stage and field."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Clock:
    period: Period
    source: str


@dataclass(frozen=True)
class Extensions:
    how_many: int
    up_to: int  # in the unit of the stage's respond clock
    reason_required: bool
    source: str


@dataclass(frozen=True)
class Move:
    to: str
    by: tuple[Role, ...]
    when: When
    clause: str


@dataclass(frozen=True)
class Closing:
    outcome: Outcome
    by: tuple[Role, ...]


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    what_happens: str
    clause: str
    who_acts: Role
    acknowledge: Clock | None
    respond: Clock | None
    extensions: Extensions | None
    moves: tuple[Move, ...]
    closes: tuple[Closing, ...]

    def move_to(self, stage_id: str) -> Move | None:
        return next((move for move in self.moves if move.to == stage_id), None)

    def closing(self, outcome: str) -> Closing | None:
        return next((item for item in self.closes if item.outcome == outcome), None)


@dataclass(frozen=True)
class Route:
    id: str
    version: int
    title: str
    source: str
    region: Region
    long_overdue_after: Period
    long_overdue_source: str
    first_stage: str
    stages: tuple[Stage, ...]
    # The document it was read from, as JSON-ready data: what a case stores.
    document: dict[str, Any] = field(compare=False, repr=False)

    def stage(self, stage_id: str) -> Stage:
        """The stage with this id (KeyError if none)."""
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def calendar(self, unit: Unit = "working days") -> Calendar:
        return Calendar("calendar" if unit == "calendar days" else "working", self.region)


# ---------------------------------------------------------------- loading


def parse_route(document: Any, file_name: str) -> Route:
    """Check a route document (as read from YAML or JSON) and build the Route; raise
    RouteFileError listing every problem."""
    problems = _schema_problems(document, file_name)
    problems += _sense_problems(document, file_name)
    if problems:
        raise RouteFileError(problems)
    return _build(document)


def load_route_file(path: str | Path) -> Route:
    """Load and check one route file (YAML)."""
    path = Path(path)
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise RouteFileError([f"{path.name}: cannot be read ({exc})"]) from None
    except yaml.YAMLError as exc:
        raise RouteFileError([f"{path.name}: is not valid YAML ({exc})"]) from None
    return parse_route(document, path.name)


@cache
def shipped_routes() -> dict[str, Route]:
    """The routes that ship with compactwatch, by id."""
    folder = resources.files(PACKAGE).joinpath(FOLDER)
    routes = [
        load_route_file(Path(str(entry)))
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    ]
    return {route.id: route for route in sorted(routes, key=lambda route: route.id)}


@cache
def _file() -> ItemFile:
    text = resources.files(PACKAGE).joinpath(FOLDER, SCHEMA_FILE).read_text(encoding="utf-8")
    return ItemFile(jsonschema.Draft202012Validator(json.loads(text)), "stages", "stage")


def _problem(document: Any, file_name: str, path: list[Any], message: str) -> str:
    return _file().problem(document, file_name, path, message)


def _schema_problems(document: Any, file_name: str) -> list[str]:
    return _file().schema_problems(document, file_name)


def _sense_problems(document: Any, file_name: str) -> list[str]:
    """What the schema cannot say: moves name stages, every stage reachable, every stage
    able to reach a close. Reads defensively, as the document may also break the schema."""
    if not isinstance(document, dict) or not isinstance(document.get("stages"), list):
        return []
    problems: list[str] = []
    stages = [
        (index, item)
        for index, item in enumerate(document["stages"])
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    ]
    ids: dict[str, int] = {}
    for index, item in stages:
        if item["id"] in ids:
            problems.append(
                _problem(
                    document,
                    file_name,
                    ["stages", index, "id"],
                    f"another stage (number {ids[item['id']] + 1}) has the same id",
                )
            )
        else:
            ids[item["id"]] = index
    first = document.get("first_stage")
    if isinstance(first, str) and first not in ids:
        problems.append(
            _problem(
                document, file_name, ["first_stage"], f"names no stage of this route ({first!r})"
            )
        )
    edges: dict[str, set[str]] = {stage_id: set() for stage_id in ids}
    closes: set[str] = set()
    for index, item in stages:
        moves = item.get("moves")
        for position, move in enumerate(moves if isinstance(moves, list) else []):
            target = move.get("to") if isinstance(move, dict) else None
            if not isinstance(target, str):
                continue
            where = ["stages", index, "moves", position, "to"]
            if target not in ids:
                problems.append(
                    _problem(
                        document, file_name, where, f"names no stage of this route ({target!r})"
                    )
                )
            elif target == item["id"]:
                problems.append(
                    _problem(document, file_name, where, "a stage cannot move to itself")
                )
            elif target in edges[item["id"]]:
                problems.append(
                    _problem(document, file_name, where, f"the move to {target!r} is listed twice")
                )
            else:
                edges[item["id"]].add(target)
        outcomes = item.get("closes")
        seen: set[str] = set()
        for position, closing in enumerate(outcomes if isinstance(outcomes, list) else []):
            outcome = closing.get("outcome") if isinstance(closing, dict) else None
            if isinstance(outcome, str):
                if outcome in seen:
                    problems.append(
                        _problem(
                            document,
                            file_name,
                            ["stages", index, "closes", position, "outcome"],
                            f"the outcome {outcome!r} is listed twice",
                        )
                    )
                seen.add(outcome)
                closes.add(item["id"])
        clocks = item.get("clocks")
        has_respond = isinstance(clocks, dict) and isinstance(clocks.get("respond"), dict)
        if isinstance(item.get("extensions"), dict) and not has_respond:
            problems.append(
                _problem(
                    document,
                    file_name,
                    ["stages", index, "extensions"],
                    "extensions lengthen the respond clock, and this stage has none",
                )
            )
    if isinstance(first, str) and first in ids:
        reached = _reachable({first}, edges)
        for stage_id, index in ids.items():
            if stage_id not in reached:
                problems.append(
                    _problem(
                        document,
                        file_name,
                        ["stages", index, "id"],
                        f"no move leads to this stage from the first stage ({first!r})",
                    )
                )
    backwards: dict[str, set[str]] = {stage_id: set() for stage_id in ids}
    for source, targets in edges.items():
        for target in targets:
            backwards[target].add(source)
    can_close = _reachable(closes, backwards)
    for stage_id, index in ids.items():
        if stage_id not in can_close:
            problems.append(
                _problem(
                    document,
                    file_name,
                    ["stages", index, "closes"],
                    "a case here can never be closed: neither this stage nor any it leads to closes",
                )
            )
    return problems


def _reachable(start: set[str], edges: dict[str, set[str]]) -> set[str]:
    seen, todo = set(start), list(start)
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _period(data: dict[str, Any]) -> Period:
    return Period(int(data["within"]), cast(Unit, data["unit"]))


def _clock(data: dict[str, Any] | None) -> Clock | None:
    return None if data is None else Clock(_period(data), data["source"])


def _build(document: dict[str, Any]) -> Route:
    stages = []
    for item in document["stages"]:
        clocks = item.get("clocks") or {}
        extensions = item.get("extensions")
        stages.append(
            Stage(
                id=item["id"],
                name=item["name"],
                what_happens=item["what_happens"],
                clause=item["clause"],
                who_acts=item["who_acts"],
                acknowledge=_clock(clocks.get("acknowledge")),
                respond=_clock(clocks.get("respond")),
                extensions=None
                if extensions is None
                else Extensions(
                    extensions["how_many"],
                    extensions["up_to"],
                    extensions["reason_required"],
                    extensions["source"],
                ),
                moves=tuple(
                    Move(move["to"], tuple(move["by"]), move["when"], move["clause"])
                    for move in item["moves"]
                ),
                closes=tuple(
                    Closing(closing["outcome"], tuple(closing["by"])) for closing in item["closes"]
                ),
            )
        )
    # A copy through JSON: what is stored is exactly what a later parse reads.
    return Route(
        id=document["id"],
        version=document["version"],
        title=document["title"],
        source=document["source"],
        region=document["region"],
        long_overdue_after=_period(document["long_overdue_after"]),
        long_overdue_source=document["long_overdue_after"]["source"],
        first_stage=document["first_stage"],
        stages=tuple(stages),
        document=json.loads(json.dumps(document)),
    )

"""Loading editions: a data file or document checked against the schema and the checks.

`compactwatch.compact.edition` holds the plain data; here a document is checked
against the edition schema, built, and each of its standards checked by the check
that tests it (the checks know which parameters they need).

`read_edition_text` reads an edition file's text and finds every problem at once, each
with the line of the file it is on: an officer fixing a file wants them all, and where
they are. `parse_edition` stops at the first (a stored document is expected to be sound).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from compactwatch.compact.checks import validate_standard
from compactwatch.compact.edition import Edition, EditionFileError, edition_from_document

EDITIONS_PACKAGE = "compactwatch.compact.editions"
SCHEMA_FILE = "edition.schema.json"
# An edition file is a few levels deep (commitments, standards, parameters, values); far
# deeper nesting is a mistake or an attack, and libyaml's own composer crashes the process
# on nesting some tens of thousands deep, so files are composed here, with this bound.
MAX_DEPTH = 64
# A problem quotes the value at fault; a value pasted by mistake may be very long.
MAX_MESSAGE = 300


@dataclass(frozen=True)
class EditionProblem:
    """One reason an edition file cannot be used, located as closely as it can be."""

    file: str
    line: int | None  # the file's line (from 1), or None when the document had no file
    commitment: str | None  # the commitment's ref, or "number 4" when it has none
    field: str | None  # e.g. "standards[0].parameters.minimum_length.value"
    message: str

    def describe(self, line: bool = True) -> str:
        """The problem in one line: "file: line 12: commitment 4.5, field binds: ..."."""
        where = self.file
        if line and self.line is not None:
            where += f": line {self.line}"
        if self.commitment is not None:
            where += f": commitment {self.commitment}"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"

    def __str__(self) -> str:
        return self.describe()


class EditionProblems(EditionFileError):
    """The file is not an edition compactwatch can use: every problem found, in file order."""

    def __init__(self, problems: list[EditionProblem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@cache
def _schema_validator() -> jsonschema.Draft202012Validator:
    text = resources.files(EDITIONS_PACKAGE).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return jsonschema.Draft202012Validator(
        json.loads(text), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def parse_edition(document: Any, file_name: str) -> Edition:
    """Validate an edition document (as read from YAML) and build the Edition; the first
    problem is raised as an EditionFileError."""
    problems = document_problems(document, file_name)
    if problems:
        raise EditionFileError(str(problems[0]))
    return edition_from_document(document, file_name)


def document_problems(
    document: Any, file_name: str, root: Node | None = None
) -> list[EditionProblem]:
    """Every problem of an edition document, each naming the file, the commitment (by ref)
    and the field, and its line when `root` (the file's composed YAML) is given: those
    against the schema, refs used twice, then those the checks find in the parameters of
    the standards of every commitment the schema accepts."""
    if not isinstance(document, dict):
        kind = "empty" if document is None else f"{_kind(document)}, not a mapping of fields"
        return [_problem(file_name, root, document, [], f"is not an edition: the file is {kind} "
                         "(an edition starts with its id, compact, title and so on)")]  # fmt: skip
    found = [
        (list(error.absolute_path), error.message)
        for error in _schema_validator().iter_errors(document)
    ]
    if any(path[:1] != ["commitments"] or len(path) < 2 for path, _ in found):
        return _in_order(file_name, root, document, found)  # the edition as a whole is wrong
    wrong = {path[1] for path, _ in found}
    items = [(position, item) for position, item in enumerate(document["commitments"])
             if position not in wrong]  # fmt: skip
    seen: set[str] = set()
    accepted = []
    for position, item in items:
        if item["ref"] in seen:
            found.append((["commitments", position, "ref"], "this ref is used twice"))
        else:
            seen.add(item["ref"])
            accepted.append((position, item))
    edition = edition_from_document(
        {**document, "commitments": [item for _, item in accepted]}, file_name
    )
    for (position, _), commitment in zip(accepted, edition.commitments, strict=True):
        for number, standard in enumerate(commitment.standards):
            problem = validate_standard(standard)
            if problem:
                field, message = problem
                path: list[str | int] = ["commitments", position, "standards", number]
                found.append(([*path, *field.split(".")], message))
    return _in_order(file_name, root, document, found)


def read_edition_text(text: str | bytes, file_name: str) -> tuple[Edition, dict[str, Any]]:
    """The edition in an edition file's text (YAML; bytes are read as UTF-8) and its
    document, or EditionProblems listing every problem, each with its line."""
    if isinstance(text, bytes):
        text = _decoded(text, file_name)
    text = text.removeprefix("\ufeff")
    root, document = _read_yaml(text, file_name)
    problems = document_problems(document, file_name, root)
    if not problems and not _plain_data(document):
        problems = [EditionProblem(file_name, None, None, None, "holds something other than "
                                   "text, numbers, true or false, lists and mappings")]  # fmt: skip
    if problems:
        raise EditionProblems(problems)
    return edition_from_document(document, file_name), document


def read_edition_file(path: str | Path) -> tuple[Edition, dict[str, Any]]:
    """The edition in the file at `path` and its document, or EditionProblems."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise EditionProblems(
            [EditionProblem(str(path), None, None, None, f"cannot be read ({error.strerror})")]
        ) from None
    return read_edition_text(data, path.name)


def load_edition_file(path: str | Path) -> Edition:
    """Load and validate one edition data file (YAML)."""
    return read_edition_file(path)[0]


@cache
def shipped_editions() -> dict[str, Edition]:
    """The editions that ship with compactwatch, by id, oldest in force first."""
    folder = resources.files(EDITIONS_PACKAGE)
    editions = [
        load_edition_file(Path(str(entry)))
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    ]
    editions.sort(key=lambda edition: (edition.default_in_force_from, edition.id))
    return {edition.id: edition for edition in editions}


# Reading the text -------------------------------------------------------------------------


def _decoded(data: bytes, file_name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        looks = "a binary file" if b"\0" in data[:8192] else "text in another encoding"
        raise EditionProblems([EditionProblem(
            file_name, line, None, None,
            "is not UTF-8 text (an edition file is text saved as UTF-8; this looks like "
            f"{looks})",
        )]) from None  # fmt: skip


class _Constructor(SafeConstructor):
    """YAML's safe constructor, whose every failure names the line (an impossible date such
    as 2026-02-30 is a ValueError in PyYAML's own constructor)."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as error:
            raise ConstructorError(None, None, f"cannot read this value ({error})",
                                   node.start_mark) from None  # fmt: skip


def _read_yaml(text: str, file_name: str) -> tuple[Node | None, Any]:
    """The file's one YAML document as composed nodes (which know their lines) and as data."""
    try:
        root = _compose(text, file_name)
        if root is None:
            return None, None
        return root, _Constructor().construct_document(root)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = error.problem or "cannot be read"
        if error.context:
            what += f" ({error.context})"
        line = mark.line + 1 if mark is not None else None
        raise EditionProblems([_yaml_problem(file_name, line, what)]) from None
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        raise EditionProblems(
            [_yaml_problem(file_name, line, f"a character YAML does not allow ({error.reason})")]
        ) from None
    except yaml.YAMLError as error:
        raise EditionProblems([_yaml_problem(file_name, None, str(error))]) from None


def _yaml_problem(file_name: str, line: int | None, what: str) -> EditionProblem:
    return EditionProblem(file_name, line, None, None, _short(f"is not valid YAML: {what}"))


def _compose(text: str, file_name: str) -> Node | None:
    """Compose the YAML document from libyaml's events (a flat stream), refusing aliases
    (an edition has no use for them, and they can make a small file vast) and nesting
    deeper than MAX_DEPTH."""
    resolver = Resolver()
    stack: list[tuple[Node, list[Node]]] = []
    root: Node | None = None
    documents = 0

    def resolve(kind: type[Node], event: Any, value: str | None) -> str:
        if event.tag is not None and event.tag != "!":
            return str(event.tag)
        return str(resolver.resolve(kind, value, event.implicit))  # type: ignore[no-untyped-call]

    def add(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
        else:
            stack[-1][1].append(node)

    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        start, end = _mark(event.start_mark), _mark(event.end_mark)
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise yaml.MarkedYAMLError(
                    problem="the file holds more than one YAML document (a line '---')",
                    problem_mark=start,
                )
        elif isinstance(event, yaml.AliasEvent):
            raise yaml.MarkedYAMLError(
                problem=f"an alias (*{event.anchor}): write the value out in full",
                problem_mark=start,
            )
        elif isinstance(event, yaml.ScalarEvent):
            tag = resolve(ScalarNode, event, event.value)
            add(ScalarNode(tag, event.value, start, end, event.style))
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise yaml.MarkedYAMLError(
                    problem=f"nested more than {MAX_DEPTH} levels deep", problem_mark=start
                )
            kind = SequenceNode if isinstance(event, yaml.SequenceStartEvent) else MappingNode
            collection = kind(resolve(kind, event, None), [], start, None, event.flow_style)
            add(collection)
            stack.append((collection, []))
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            finished, children = stack.pop()
            finished.end_mark = end
            if isinstance(finished, MappingNode):
                finished.value = list(zip(children[::2], children[1::2], strict=True))
            else:
                finished.value = children
    return root


def _mark(mark: Any) -> yaml.error.Mark | None:
    """libyaml's mark as PyYAML's (the nodes and errors are PyYAML's)."""
    if mark is None:
        return None
    return yaml.error.Mark(mark.name, mark.index, mark.line, mark.column, None, 0)


def _plain_data(document: Any) -> bool:
    """Whether the document is what JSON can hold unchanged (it is stored as JSON): no dates,
    sets or binary that YAML can write, no keys other than text, no NaN."""
    try:
        return json.loads(json.dumps(document, allow_nan=False)) == document
    except (TypeError, ValueError):
        return False


# Locating and describing problems ----------------------------------------------------------


def _in_order(
    file_name: str, root: Node | None, document: Any, found: list[tuple[list, str]]
) -> list[EditionProblem]:
    problems = [_problem(file_name, root, document, path, message) for path, message in found]
    order = {
        id(problem): _path_key(path) for problem, (path, _) in zip(problems, found, strict=True)
    }
    return sorted(problems, key=lambda problem: (problem.line or 0, order[id(problem)]))


def _path_key(path: list) -> tuple:
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in path)


def _problem(
    file_name: str, root: Node | None, document: Any, path: list, message: str
) -> EditionProblem:
    line = _line(root, path) if root is not None else None
    commitment = None
    if len(path) >= 2 and path[0] == "commitments" and isinstance(path[1], int):
        item = document["commitments"][path[1]]
        ref = item.get("ref") if isinstance(item, dict) else None
        plain = isinstance(ref, (str, int, float)) and not isinstance(ref, bool)
        commitment = _short(str(ref), 20) if plain and str(ref) else f"number {path[1] + 1}"
        path = path[2:]
    field = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)
    return EditionProblem(file_name, line, commitment, _short(field.lstrip(".")) or None,
                          _short(message))  # fmt: skip


def _short(text: str, limit: int = MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a line of text"
    return "a single value"


def _walk(root: Node | None, path: list) -> Iterator[Node]:
    """The nodes along a document path, as far as the file has them: for a mapping's value,
    its key (the line that names it: `parameters:` rather than the first parameter)."""
    node = root
    if node is not None:
        yield node
    for part in path:
        if isinstance(node, MappingNode):
            key, node = next(((key, value) for key, value in node.value
                              if isinstance(key, ScalarNode) and key.value == str(part)),
                             (None, None))  # fmt: skip
            if key is None:
                return
            yield key
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            yield node
        else:
            return


def _line(root: Node | None, path: list) -> int | None:
    nodes = list(_walk(root, path))
    return nodes[-1].start_mark.line + 1 if nodes else None


__all__ = [
    "EditionProblem",
    "EditionProblems",
    "document_problems",
    "load_edition_file",
    "parse_edition",
    "read_edition_file",
    "read_edition_text",
    "shipped_editions",
]

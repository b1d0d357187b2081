"""Reading an edition file (compactwatch.compact.loader): every problem at once, each with
its line; broken YAML, and a file that is no mapping; and, fuzzed, that nothing but the
problems type ever comes out of it."""

from __future__ import annotations

import contextlib
import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compactwatch.compact.edition import EditionFileError
from compactwatch.compact.loader import (
    EditionProblem,
    EditionProblems,
    parse_edition,
    read_edition_file,
    read_edition_text,
)

EDITIONS = Path(__file__).parents[1] / "compactwatch" / "compact" / "editions"
REFRESHED = EDITIONS / "cambridgeshire-refreshed.yaml"
EXAMPLES = Path(__file__).parents[1] / "examples" / "editions"


DOCUMENT = yaml.safe_load(REFRESHED.read_text())


def document() -> dict:
    return copy.deepcopy(DOCUMENT)


def as_text(value: dict) -> str:
    return yaml.dump(value, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True)


def problems_of(text: str | bytes, name: str = "e.yaml") -> list[EditionProblem]:
    with pytest.raises(EditionProblems) as raised:
        read_edition_text(text, name)
    return raised.value.problems


def line_of(text: str, needle: str, after: int = 0) -> int:
    """The number of the first line from `after` whose text, stripped, is `needle`."""
    lines = text.splitlines()
    return next(n for n in range(after + 1, len(lines) + 1) if lines[n - 1].strip() == needle)


def consultation(value: dict) -> dict:
    return next(item for item in value["commitments"] if item.get("standards")
                and item["standards"][0]["check"] == "consultation_length")  # fmt: skip


@pytest.mark.parametrize("path", [*EDITIONS.glob("*.yaml"), *EXAMPLES.glob("*.yaml")], ids=str)
def test_the_shipped_and_example_editions_have_no_problem(path):
    edition, read = read_edition_file(path)
    assert read["id"] == edition.id and edition.commitments


def test_every_problem_at_once_in_file_order_with_its_line():
    value = document()
    commitments = value["commitments"]
    del commitments[0]["text"]  # schema: a required property, at the commitment's line
    commitments[3]["binds"] = "everyone"  # schema: a field's value, at its line
    consultation(value)["standards"][0]["parameters"]["minimum_length"]["value"] = "sixteen"
    commitments[6]["ref"] = commitments[5]["ref"]  # the same ref twice
    text = as_text(value)

    problems = problems_of(text, "leeds.yaml")

    first = line_of(text, f"- ref: '{commitments[0]['ref']}'")
    binds = line_of(text, "binds: everyone")
    twice = line_of(text, f"- ref: '{commitments[5]['ref']}'", after=line_of(
        text, f"- ref: '{commitments[5]['ref']}'"))  # fmt: skip
    weeks = line_of(text, "value: sixteen")
    assert [str(problem) for problem in problems] == [
        f"leeds.yaml: line {first}: commitment {commitments[0]['ref']}: 'text' is a required "
        "property",
        f"leeds.yaml: line {binds}: commitment {commitments[3]['ref']}, field binds: 'everyone' "
        "is not one of ['public_bodies', 'voluntary_groups', 'all_partners']",
        f"leeds.yaml: line {twice}: commitment {commitments[5]['ref']}, field ref: this ref is "
        "used twice",
        f"leeds.yaml: line {weeks}: commitment {consultation(value)['ref']}, field "
        "standards[0].parameters.minimum_length.value: 'sixteen' is not a whole number of "
        "days, weeks, months or years",
    ]
    assert problems[1] == EditionProblem(
        "leeds.yaml", binds, commitments[3]["ref"], "binds", problems[1].message
    )
    # The same problems as a document without a file: no lines.
    assert parse_edition.__name__  # the first of them is what parse_edition raises
    with pytest.raises(EditionFileError) as first_only:
        parse_edition(value, "leeds.yaml")
    assert str(first_only.value) == problems[0].describe(line=False)


def test_a_standard_missing_a_parameter_is_at_its_parameters_line():
    value = document()
    parameters = consultation(value)["standards"][0]["parameters"]
    del parameters["minimum_length"]
    text = as_text(value)
    (problem,) = problems_of(text)
    assert problem.field == "standards[0].parameters.minimum_length"
    assert problem.message == "the consultation_length check needs this parameter"
    # Not in the file: the nearest place that is, the standard's parameters.
    assert problem.line == line_of(
        text, "parameters:", after=line_of(text, "- check: consultation_length")
    )


def test_a_top_level_field_is_named_without_a_commitment():
    value = document()
    value["default_in_force_from"] = "1 April 2026"
    text = as_text(value)
    problem, *others = problems_of(text)  # not a date, nor in the form 2026-04-01
    assert {p.field for p in others} <= {"default_in_force_from"}
    assert problem.commitment is None and problem.field == "default_in_force_from"
    assert problem.line == line_of(text, "default_in_force_from: 1 April 2026")
    assert str(problem).startswith(f"e.yaml: line {problem.line}, field default_in_force_from: ")


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("id: x\ncompact: [leeds\ntitle: T\n", 3, "is not valid YAML: did not find expected"),
        ("id: x\n  compact: leeds\n", 2, "is not valid YAML: mapping values are not allowed"),
        ("id: x\n\tcompact: leeds\n", 2, "is not valid YAML"),
        ("id: x\n---\nid: y\n", 2, "more than one YAML document"),
        ("id: &a x\ncompact: *a\n", 2, "an alias (*a)"),
        ("id: x\ndefault_in_force_from: 2026-02-30\n", 2, "cannot read this value"),
        ("id: x\ntitle: \x07\n", 2, "a character YAML does not allow"),
    ],
)
def test_broken_yaml_is_one_problem_at_its_line(text, line, words):
    (problem,) = problems_of(text)
    assert problem.line == line and words in problem.message, problem


@pytest.mark.parametrize(
    "text, kind",
    [("- a\n- b\n", "a list"), ("just words\n", "a line of text"), ("12\n", "a single value"),
     ("", "empty"), ("# only a comment\n", "empty")],
)  # fmt: skip
def test_a_file_that_is_no_mapping_says_what_it_is(text, kind):
    (problem,) = problems_of(text)
    assert problem.message.startswith(f"is not an edition: the file is {kind}")


def test_bytes_are_read_as_utf8_and_other_encodings_named_with_their_line():
    text = as_text(document())
    assert (
        read_edition_text(("\ufeff" + text).encode(), "e.yaml")[0].id == "cambridgeshire-refreshed"
    )
    latin = "id: x\ntitle: Café\n".encode("cp1252")
    (problem,) = problems_of(latin)
    assert problem.line == 2 and "is not UTF-8 text" in problem.message


def test_values_yaml_can_write_but_json_cannot_hold_are_refused():
    value = document()
    consultation(value)["standards"][0]["parameters"]["formal_required"]["quote"] = "x"
    text = as_text(value).replace("source_date: ", "source_date: !!binary aGVsbG8= #", 1)
    (problem,) = problems_of(text)
    assert problem.field == "source_date"  # bytes are no string: the schema says so
    nan = as_text(value).replace("outcomes:\n", "glossary: []\noutcomes:\n", 1)
    assert read_edition_text(nan, "e.yaml")  # (a sound variation reads)


def test_nesting_past_any_edition_is_refused_not_a_crash():
    # libyaml's own composer ends the process on nesting this deep.
    (problem,) = problems_of("a: " + "[" * 100_000)
    assert "nested more than" in problem.message and problem.line == 1


def test_a_file_that_cannot_be_read_is_a_problem(tmp_path):
    with pytest.raises(EditionProblems) as raised:
        read_edition_file(tmp_path / "missing.yaml")
    (problem,) = raised.value.problems
    assert problem.message.startswith("cannot be read")


# Fuzzing: whatever the text, the reader answers with an edition or with its problems. -----

SHIPPED_TEXT = REFRESHED.read_text()
SHIPPED_LINES = SHIPPED_TEXT.splitlines(keepends=True)


def _read(text: str | bytes) -> None:
    try:
        read_edition_text(text, "fuzz.yaml")
    except EditionProblems as error:
        assert error.problems
        for problem in error.problems:
            assert str(problem).startswith("fuzz.yaml")
            assert problem.line is None or problem.line >= 1


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_an_edition_or_its_problems(text):
    _read(text)


@settings(max_examples=300, deadline=None)
@given(st.binary())
def test_any_bytes_are_an_edition_or_their_problems(data):
    _read(data)


YAML_BITS = st.sampled_from(
    ["", " ", "  ", "\n", ":", "- ", "[", "]", "{", "}", "&a ", "*a", "!!binary ", "!!set ",
     "? ", "'", '"', "#", "---\n", "~", "null", "true", "1e999", ".nan", "2026-02-30",
     "0x1F", "-1", "12", "{}", "[]", "value: ", "ref: '9.9'", "\t", "\x00", "\ufeff", "é"]
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, len(SHIPPED_LINES) - 1), st.sampled_from(["cut", "swap", "insert", "drop"]),
                  st.integers(0, 200), YAML_BITS),
        min_size=1, max_size=4,
    )
)  # fmt: skip
def test_any_mutation_of_a_shipped_edition_is_an_edition_or_its_problems(mutations):
    lines = list(SHIPPED_LINES)
    for index, how, position, bit in mutations:
        index %= len(lines)
        line = lines[index]
        cut = min(position, len(line))
        if how == "cut":
            lines[index] = line[:cut] + line[cut + 3 :]
        elif how == "swap":
            lines[index] = line[:cut] + bit + line[cut + 1 :]
        elif how == "insert":
            lines[index] = line[:cut] + bit + line[cut:]
        else:
            del lines[index]
            if not lines:
                lines = [""]
    _read("".join(lines))


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["id", "compact", "default_in_force_from", "commitments", "title"]),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=8), children, max_size=3)
        ),
        max_leaves=10,
    ),
)
def test_any_value_in_a_field_is_an_edition_or_its_problems(name, value):
    changed = document()
    changed[name] = value
    _read(as_text(changed))
    parameters = consultation(changed if name != "commitments" else document())
    parameters["standards"][0]["parameters"]["minimum_length"]["value"] = value
    with contextlib.suppress(EditionFileError):
        parse_edition(document() | {"commitments": [parameters]}, "fuzz.yaml")

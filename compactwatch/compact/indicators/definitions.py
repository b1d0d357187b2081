"""Indicator definitions, as data: reading and checking an indicator file.

An indicator file (YAML, checked against indicators.schema.json) names, for each
indicator, what it counts (a measure the code knows: measures.py), the commitment it
serves, the period and any target the Compact sets; the file cites the clause that asks
for indicators (2007 edition, 5.1). `load_indicators` lists every problem at once, each
naming the file, the indicator and the field.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from compactwatch.compact.data_files import ItemFile
from compactwatch.compact.indicators.measures import MEASURES, Measure

PACKAGE = "compactwatch.compact.indicators"
SCHEMA_FILE = "indicators.schema.json"


class IndicatorFileError(Exception):
    """An indicator file is wrong; `problems` lists each, naming file, indicator and field."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    definition: str  # plain words
    measure: str  # a key of MEASURES
    commitment: str  # the citation of the commitment it serves, "cambridgeshire-refreshed/2.4"
    # Earlier editions' clauses for the same standard: a record is checked against the
    # edition in force on its date, so a year may hold findings of either.
    earlier_commitments: tuple[str, ...]
    period: str  # "calendar_year"
    target: str | None  # only where the Compact sets one
    source: str  # the clause that asks for indicators, "cambridgeshire-2007/5.1"

    @property
    def about(self) -> Measure:
        """What its measure counts, and how."""
        return MEASURES[self.measure]

    @property
    def citations(self) -> tuple[str, ...]:
        """Every commitment whose findings it counts."""
        return (self.commitment, *self.earlier_commitments)


@dataclass(frozen=True)
class IndicatorSet:
    id: str
    title: str
    source: str
    source_quote: str
    period: str
    period_reason: str
    too_small_below: int
    too_small_words: str
    indicators: tuple[Indicator, ...]

    def get(self, indicator_id: str) -> Indicator:
        """The indicator with this id (KeyError if none)."""
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)


def load_indicators(
    document: Any,
    file_name: str,
    known_commitments: Mapping[str, Collection[str]] | None = None,
) -> IndicatorSet:
    """Check an indicator document (as read from YAML or JSON) and build the set; raise
    IndicatorFileError listing every problem.

    `known_commitments` (citation to the checks its standards name), when given, lets the
    commitments be checked too: each must exist, and serve the measure's standard."""
    problems = _schema_problems(document, file_name)
    if not problems:
        problems = _sense_problems(document, file_name, known_commitments)
    if problems:
        raise IndicatorFileError(problems)
    return _build(document)


def load_indicator_file(
    path: str | Path, known_commitments: Mapping[str, Collection[str]] | None = None
) -> IndicatorSet:
    """Read and check one indicator file (YAML)."""
    path = Path(path)
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise IndicatorFileError([f"{path.name}: cannot be read ({exc})"]) from None
    except yaml.YAMLError as exc:
        raise IndicatorFileError([f"{path.name}: is not valid YAML ({exc})"]) from None
    return load_indicators(document, path.name, known_commitments)


@cache
def shipped_documents() -> dict[str, tuple[dict[str, Any], str]]:
    """The indicator files that ship with compactwatch as read (document, file name), by
    the Compact's id: to check one against a Compact's own editions with load_indicators."""
    folder = resources.files(PACKAGE)
    found = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".yaml"):
            document = yaml.load(entry.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            load_indicators(document, entry.name)  # a shipped file must be right
            found[document["id"]] = (document, entry.name)
    return dict(sorted(found.items()))


@cache
def shipped_indicators() -> dict[str, IndicatorSet]:
    """The indicator sets that ship with compactwatch, by the Compact's id."""
    return {
        key: load_indicators(document, name)
        for key, (document, name) in shipped_documents().items()
    }


@cache
def _file() -> ItemFile:
    text = resources.files(PACKAGE).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return ItemFile(jsonschema.Draft202012Validator(json.loads(text)), "indicators", "indicator")


def _problem(document: Any, file_name: str, path: list[Any], message: str) -> str:
    return _file().problem(document, file_name, path, message)


def _schema_problems(document: Any, file_name: str) -> list[str]:
    return _file().schema_problems(document, file_name)


def _sense_problems(
    document: dict[str, Any],
    file_name: str,
    known: Mapping[str, Collection[str]] | None,
) -> list[str]:
    """What the schema cannot say: ids unique, commitments that exist and serve the
    measure's standard."""
    problems: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(document["indicators"]):
        if item["id"] in seen:
            problems.append(_problem(document, file_name, ["indicators", index, "id"],
                                     f"{item['id']!r} is used by an earlier indicator too"))  # fmt: skip
        seen.add(item["id"])
        if known is None:
            continue
        check = MEASURES[item["measure"]].check
        citations = [("commitment", item["commitment"])] + [
            (f"earlier_commitments[{n}]", c) for n, c in enumerate(item.get("earlier_commitments", []))
        ]  # fmt: skip
        for field, citation in citations:
            where = ["indicators", index, field]
            if citation not in known:
                problems.append(_problem(document, file_name, where,
                                         f"{citation!r} is not a commitment of this Compact's editions"))  # fmt: skip
            elif check and check not in known[citation]:
                problems.append(_problem(document, file_name, where,
                                         f"{citation!r} has no {check} standard for "
                                         f"{item['measure']} to count"))  # fmt: skip
    return problems


def _build(document: dict[str, Any]) -> IndicatorSet:
    source = document["source"]
    return IndicatorSet(
        id=document["id"],
        title=document["title"],
        source=source["clause"],
        source_quote=source["quote"],
        period=document["period"]["value"],
        period_reason=document["period"]["reason"],
        too_small_below=document["too_small"]["below"],
        too_small_words=document["too_small"]["words"],
        indicators=tuple(
            Indicator(
                id=item["id"],
                name=item["name"],
                definition=item["definition"],
                measure=item["measure"],
                commitment=item["commitment"],
                earlier_commitments=tuple(item.get("earlier_commitments", [])),
                period=document["period"]["value"],
                target=item.get("target"),
                source=source["clause"],
            )
            for item in document["indicators"]
        ),
    )

"""Checking a whole 360Giving file: every grant against the schema, then what only the whole
file can tell (an id used twice, the same grant given twice), with a summary of the file and
warnings of personal data, as a stream: memory stays flat however large the file is.

Every problem is passed on as it is found (`on_problem`), counted, and grouped by its kind
(`ProblemKinds`): the rule broken and the field, with a count and the first examples of
each kind, so that no kind is hidden behind the many problems of another.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from compactwatch.threesixtygiving.reading import GrantsFile, SourceGrant
from compactwatch.threesixtygiving.summary import FileSummary
from compactwatch.threesixtygiving.validating import (
    GrantIds,
    Problem,
    check_grant,
    digest,
    has_id,
    identical_grants_problem,
    repeated_id_problem,
)

EVERY = 1000  # grants between calls to `progress`
EXAMPLES = 5  # of each kind of problem
PERSONAL_EXAMPLES = 5
# Something that looks roughly like a UK postcode (spaces around it allowed).
POSTCODE = re.compile(r"^\s*[a-z]{1,2}[0-9][a-z0-9]?\s*[0-9][a-z]{2}\s*$", re.IGNORECASE)


class ProblemKinds:
    """Problems grouped by kind, in the order each kind was first met: for each, how many,
    and the first examples."""

    def __init__(self, examples: int = EXAMPLES):
        self.examples = examples
        self.kinds: dict[str, dict[str, Any]] = {}

    def add(self, problem: Problem) -> None:
        entry = self.kinds.get(problem.kind)
        if entry is None:
            entry = self.kinds[problem.kind] = {
                "kind": problem.kind,
                "rule": problem.rule,
                "field": problem.field,
                "heading": problem.heading or problem.message,
                "count": 0,
                "examples": [],
            }
        entry["count"] += 1
        if len(entry["examples"]) < self.examples:
            entry["examples"].append(problem.as_dict())

    def as_list(self) -> list[dict[str, Any]]:
        """The kinds, the most frequent first (in the order first met when as frequent)."""
        return sorted(self.kinds.values(), key=lambda entry: -entry["count"])


def _grant_label(grant: SourceGrant) -> str:
    if grant.grant_id:
        return f"grant {grant.grant_id}"
    return f"grant no. {grant.position + 1} in the file (it has no id)"


class PersonalData:
    """Grants to individuals that carry what can identify the person, as the 360Giving data
    quality tool warns of them: a postcode as a beneficiary location's geographic code, or
    DEI (diversity, equity and inclusion) data. Nothing of it is shown or kept here."""

    CHECKS = {
        "postcode": (
            "{count} {has} a Beneficiary Location:Geographic Code that looks "
            "like a postcode. Postcodes must not be published for grants to individuals: with "
            "the rest of the grant they can make the person identifiable. The file holds "
            "personal data; compactwatch keeps none of it (grants to individuals are counted, "
            "not stored), but the funder should remove it from the published file."
        ),
        "dei": (
            "{count} {has} DEI (Diversity, Equity and Inclusion) information. "
            "DEI data about individuals must not be published: with the rest of the grant it "
            "can make the person identifiable. The file holds personal data; compactwatch "
            "keeps none of it (grants to individuals are counted, not stored), but the funder "
            "should remove it from the published file."
        ),
    }

    def __init__(self) -> None:
        self.found: dict[str, list[Any]] = {name: [0, []] for name in self.CHECKS}

    def add(self, grant: SourceGrant) -> None:
        data = grant.data
        if not isinstance(data, dict) or "recipientIndividual" not in data:
            return
        locations = data.get("beneficiaryLocation")
        postcode = any(
            isinstance(place, dict)
            and isinstance(place.get("geoCode"), str)
            and POSTCODE.match(place["geoCode"])
            for place in (locations if isinstance(locations, list) else [])
        )
        # The DEI extension's deiDetails, or DEI data under "project" as the data quality
        # tool looks for it.
        dei = bool(data.get("deiDetails")) or "project" in data
        for name, hit in (("postcode", postcode), ("dei", dei)):
            if hit:
                entry = self.found[name]
                entry[0] += 1
                if len(entry[1]) < PERSONAL_EXAMPLES:
                    entry[1].append(_grant_label(grant))

    def as_list(self) -> list[dict[str, Any]]:
        """One warning for each check some grant failed: what, how many, the first grants."""
        warnings = []
        for name, (count, examples) in self.found.items():
            if count:
                grants = (
                    "1 grant to an individual" if count == 1 else f"{count:,} grants to individuals"
                )
                message = self.CHECKS[name].format(
                    count=grants, has="has" if count == 1 else "have"
                )
                warnings.append(
                    {"check": name, "grants": count, "examples": examples, "message": message}
                )
        return warnings


class FileCheck:
    """Checks a file's every grant, passing each problem to `on_problem` as it is found, with
    where it is in the file; `progress` is called every EVERY grants (it may raise, to stop).

    `extra` adds the problems a caller has of its own with a grant (what it cannot store).
    Spreadsheet grants are read without their cells first (a third quicker, and most files
    are valid); where there are problems, the file is read again to say where each is."""

    def __init__(
        self,
        grants_file: GrantsFile,
        on_problem: Callable[[Problem], None],
        *,
        extra: Callable[[SourceGrant], list[Problem]] | None = None,
        progress: Callable[[], None] | None = None,
        every: int = EVERY,
    ):
        self.file, self.on_problem, self.extra = grants_file, on_problem, extra
        self.progress, self.every = progress, every
        self.grants_read = 0
        self.problem_count = 0
        self.invalid: set[int] = set()  # positions of grants with a problem
        self.repeated: set[str] = set()  # ids used by more than one grant
        self.repeated_but_valid = 0  # grants valid but for sharing their id
        self.summary: dict[str, Any] = {}
        self.personal: list[dict[str, Any]] = []

    def _problems(self, grant: SourceGrant) -> list[Problem]:
        problems = check_grant(grant, self.file.schema)
        return problems + self.extra(grant) if self.extra else problems

    def _emit(self, problems: list[Problem]) -> None:
        for problem in problems:
            self.on_problem(problem)

    def _tick(self) -> None:
        if self.progress:
            self.progress()

    def run(self) -> None:
        located = self.file.form == "json"
        ids, summary, personal = GrantIds(), FileSummary(), PersonalData()
        try:
            pending: list[tuple[str, int, bool]] = []
            alike: list[tuple[bytes, int]] = []
            for grant in self.file.grants(cells=located):
                problems = self._problems(grant)
                if problems:
                    self.invalid.add(grant.position)
                    self.problem_count += len(problems)
                    if located:
                        self._emit(problems)
                if grant.grant_id:
                    pending.append((grant.grant_id, grant.position, not problems))
                elif not has_id(grant.data):
                    alike.append((digest(grant.data), grant.position))
                summary.add(grant.data)
                personal.add(grant)
                self.grants_read += 1
                if self.grants_read % self.every == 0:
                    ids.add(pending)
                    ids.add_without_ids(alike)
                    pending, alike = [], []
                    self._tick()
            ids.add(pending)
            ids.add_without_ids(alike)
            self._tick()
            if self.invalid and not located:
                self._locate()
            self.repeated_but_valid = ids.valid_but_repeated()
            for grant_id, times, first in ids.repeated():
                self.repeated.add(grant_id)
                self.problem_count += 1
                self.on_problem(repeated_id_problem(grant_id, times, first))
            for times, first in ids.identical():
                self.problem_count += 1
                self.on_problem(identical_grants_problem(times, first))
            self.summary = summary.as_dict()
            self.personal = personal.as_list()
        finally:
            ids.close()
            summary.close()

    def _locate(self) -> None:
        """Read a spreadsheet again with its cells, to say where each problem is."""
        for seen, grant in enumerate(self.file.grants(cells=True), start=1):
            if grant.position in self.invalid:
                self._emit(self._problems(grant))
            if seen % self.every == 0:
                self._tick()

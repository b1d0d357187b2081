"""What a draft changes against the edition it was drafted from: each commitment added,
removed or changed (its text word by word, its name, its standards' parameters in words)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from compactwatch.compact.checks import CHECKS
from compactwatch.compact.diff import describe_parameter
from compactwatch.compact.edition import Commitment, Edition
from compactwatch.compact.words import in_words

# Words and the spaces after them, so that the text reads back exactly as written.
_WORDS = re.compile(r"\S+\s*")


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "added" or "removed"
    text: str


@dataclass(frozen=True)
class ParameterChange:
    """ "Minimum length: 12 weeks → 16 weeks (2.4)"."""

    standard: str
    name: str
    before: str | None
    after: str | None
    clause: str

    @property
    def words(self) -> str:
        was, now = self.before or "not set", self.after or "not set"
        return f"{self.standard}, {in_words(self.name).lower()}: {was} → {now} ({self.clause})"


@dataclass(frozen=True)
class CommitmentChange:
    ref: str
    change: str  # "added", "removed" or "changed"
    title: str
    text: list[Segment] = field(default_factory=list)
    name_before: str = ""
    name_after: str = ""
    parameters: list[ParameterChange] = field(default_factory=list)


def text_changes(before: str, after: str) -> list[Segment]:
    """The text as a list of segments, word by word: unchanged, added and removed."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, [w.strip() for w in old], [w.strip() for w in new])
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("same", "".join(new[j1:j2])))
            continue
        if i2 > i1:
            segments.append(Segment("removed", "".join(old[i1:i2])))
        if j2 > j1:
            segments.append(Segment("added", "".join(new[j1:j2])))
    return segments


def parameter_changes(before: Commitment | None, after: Commitment | None) -> list[ParameterChange]:
    """Each parameter of each standard whose value differs, in words."""
    old = {standard.check: standard for standard in (before.standards if before else ())}
    new = {standard.check: standard for standard in (after.standards if after else ())}
    changes = []
    for check in dict.fromkeys([*old, *new]):
        was = old[check].parameters if check in old else {}
        now = new[check].parameters if check in new else {}
        title = CHECKS[check].title if check in CHECKS else in_words(check)
        for name in dict.fromkeys([*was, *now]):
            described_before = describe_parameter(was[name]) if name in was else None
            described_after = describe_parameter(now[name]) if name in now else None
            if described_before != described_after:
                clause = (now.get(name) or was[name]).clause
                changes.append(
                    ParameterChange(title, name, described_before, described_after, clause)
                )
    return changes


def _order(ref: str) -> tuple[int, ...]:
    return tuple(int(part) for part in ref.split("."))


def preview(before: Edition, after: Edition) -> list[CommitmentChange]:
    """Every commitment that differs between the two editions, in clause order."""
    old = {commitment.ref: commitment for commitment in before.commitments}
    new = {commitment.ref: commitment for commitment in after.commitments}
    changes = []
    for ref in sorted({*old, *new}, key=_order):
        was, now = old.get(ref), new.get(ref)
        if was is None and now is not None:
            changes.append(CommitmentChange(
                ref, "added", now.title, [Segment("added", now.text)], "", now.name,
                parameter_changes(None, now),
            ))  # fmt: skip
        elif now is None and was is not None:
            changes.append(CommitmentChange(
                ref, "removed", was.title, [Segment("removed", was.text)], was.name, "",
                parameter_changes(was, None),
            ))  # fmt: skip
        elif was is not None and now is not None:
            parameters = parameter_changes(was, now)
            if was.text != now.text or was.name != now.name or parameters:
                changes.append(CommitmentChange(
                    ref, "changed", now.title, text_changes(was.text, now.text), was.name,
                    now.name, parameters,
                ))  # fmt: skip
    return changes

"""Searching the Compact's text: which commitment covers my case?

Every commitment of every edition is searched in its text, its name, its footnotes and
its measurable standards' summaries. Every word asked must appear (in any of those), in
any case; a word matches the words it begins once both lose a common English ending, so
"consult" finds "consultations" and "notices" finds "notice".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from compactwatch.compact.edition import Commitment, Edition

MAX_QUERY_LENGTH = 200  # characters: a question, not a document
MAX_WORDS = 20
_WORD = re.compile(r"[^\W_]+")
# Longest first: "ations" before "s". A stem keeps at least three letters.
_ENDINGS = ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s")

Segment = tuple[str, bool]  # a run of text, and whether it is a word asked for


@dataclass(frozen=True)
class Hit:
    """A commitment holding every word asked for, with its texts cut into segments so that
    the matching words can be marked."""

    edition: Edition
    commitment: Commitment
    text: tuple[Segment, ...]
    # The footnotes and standards' summaries that hold a word asked for.
    notes: tuple[tuple[Segment, ...], ...]

    @property
    def name(self) -> str:
        """The commitment in words: "4.5 Three months' notice in writing (refreshed edition)"."""
        return self.edition.describe(self.commitment.ref)


@lru_cache(maxsize=1 << 14)
def stem(word: str) -> str:
    """A word lowercased, without a common English ending."""
    word = word.casefold()
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def query_words(query: str) -> list[str]:
    """The distinct words of a query, stemmed, in the order asked (at most MAX_WORDS)."""
    stems = dict.fromkeys(stem(word) for word in _WORD.findall(query))
    return list(stems)[:MAX_WORDS]


def _matches(word: str, wanted: Iterable[str]) -> bool:
    stemmed = stem(word)
    return any(stemmed.startswith(asked) for asked in wanted)


def segments(text: str, wanted: list[str]) -> tuple[Segment, ...]:
    """`text` cut into runs, each marked True where it is a word matching one asked for."""
    runs: list[Segment] = []
    position = 0
    for found in _WORD.finditer(text):
        if _matches(found.group(), wanted):
            if found.start() > position:
                runs.append((text[position : found.start()], False))
            runs.append((found.group(), True))
            position = found.end()
    if position < len(text):
        runs.append((text[position:], False))
    return tuple(runs)


def _texts(commitment: Commitment) -> tuple[str, ...]:
    return (
        commitment.name,
        commitment.text,
        *commitment.footnotes,
        *(standard.summary for standard in commitment.standards),
    )


@lru_cache(maxsize=1 << 12)
def _stems(texts: tuple[str, ...]) -> frozenset[str]:
    """The stems of a commitment's words (kept: every search reads every commitment)."""
    return frozenset(stem(word) for text in texts for word in _WORD.findall(text))


def _holds_all(texts: tuple[str, ...], wanted: list[str]) -> bool:
    stems = _stems(texts)
    return all(any(found.startswith(asked) for found in stems) for asked in wanted)


def search(editions: Iterable[Edition], query: str, first: str | None = None) -> list[Hit]:
    """Every commitment holding all the words of `query`, those of the edition `first` (the
    one in force) first, then the others in the order given; each edition's in its order.
    A query without words finds nothing."""
    wanted = query_words(query)
    if not wanted:
        return []
    ordered = sorted(editions, key=lambda edition: edition.id != first)
    hits = []
    for edition in ordered:
        for commitment in edition.commitments:
            texts = _texts(commitment)
            if not _holds_all(texts, wanted):
                continue
            notes = tuple(
                segments(note, wanted)
                for note in texts[2:]
                if any(_matches(word, wanted) for word in _WORD.findall(note))
            )
            hits.append(Hit(edition, commitment, segments(commitment.text, wanted), notes))
    return hits

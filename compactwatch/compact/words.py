"""Stored words and the words people read: `service_agreement` is "Service agreement".

The records format and the register keep some values as lower-case words joined by
underscores; pages, forms and the audit trail show them in words, and forms read them back.
One place for both directions, so that every page says the same.
"""

from __future__ import annotations

from collections.abc import Mapping


def capital(text: str) -> str:
    """The text with its first letter a capital, the rest as written ("NHS body" stays)."""
    return text[:1].upper() + text[1:]


def in_words(stored: str, words: Mapping[str, str] | None = None) -> str:
    """A stored value in words, as it starts a sentence: `nhs_body` -> "NHS body" (from
    `words`), `service_agreement` -> "Service agreement"."""
    return capital((words or {}).get(stored) or stored.replace("_", " "))


def as_stored(typed: str, words: Mapping[str, str] | None = None) -> str:
    """Words typed into a form as they are stored: "NHS body" or "nhs_body" -> `nhs_body`
    when `words` names it; other words are kept as typed, spaces tidied."""
    tidy = " ".join(typed.split())
    for stored, word in (words or {}).items():
        if tidy.lower() in (word.lower(), stored):
            return stored
    return tidy

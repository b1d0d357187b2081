"""Finding a funding agreement by what people know of it: its funder, its recipient, its
programme, its kind or its id. The funding-change form and the search behind its
autocomplete share this, each over the agreements its user may record a change to.

A search is words, each of which must appear (any case) in one of those; it is bounded as
a name in the records format is (300 characters, no control characters), and to a few
words, since each word is a condition on every agreement.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from compactwatch.compact.records import ID_OR_NAME
from compactwatch.params import BadQuery
from compactwatch.records.models import FundingAgreement

SEARCH_LENGTH = ID_OR_NAME.max_length
SEARCH_WORDS = 10
SHOWN = 20  # agreements offered at once: more words narrow them
SEARCHED = ("ref", "source_grant_id", "programme", "kind", "funder__name", "funder_name",
            "recipient__name", "recipient_name")  # fmt: skip


@dataclass(frozen=True)
class Matches:
    shown: list[FundingAgreement]  # the first SHOWN, an exact id first
    total: int


def search_words(text: str) -> list[str]:
    """The words of a search, or BadQuery saying what a search may be."""
    if len(text) > SEARCH_LENGTH:
        raise BadQuery(f"Search with at most {SEARCH_LENGTH} characters (this has {len(text):,})")
    if not text.isprintable():  # controls, which no name or id holds
        raise BadQuery("Search with letters, numbers and punctuation only")
    words = text.split()
    if len(words) > SEARCH_WORDS:
        raise BadQuery(f"Search with at most {SEARCH_WORDS} words (this has {len(words)})")
    return words


def search_agreements(agreements: QuerySet, text: str) -> Matches:
    """The agreements among `agreements` matching every word of `text` (none for no words)."""
    words = search_words(text)
    if not words:
        return Matches([], 0)
    found = agreements
    for word in words:
        condition = Q()
        for field in SEARCHED:
            condition |= Q(**{f"{field}__icontains": word})
        found = found.filter(condition)
    exact = Case(When(ref__iexact=text.strip(), then=Value(0)), default=Value(1),
                 output_field=IntegerField())  # fmt: skip
    shown = found.select_related("funder", "recipient").order_by(exact, "-award_date", "ref")
    return Matches(list(shown[:SHOWN]), found.count())

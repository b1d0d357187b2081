"""The funding-change form's choice of agreement: a search, not a list of every agreement.

Without JavaScript the user types words and presses "Find agreement", a second submit
button of the same form, so that nothing else typed is lost; the page offers the matching
agreements as radios. An exact id typed is taken as it is. With JavaScript,
static/compactwatch/agreement_search.js turns the input into an autocomplete over the same
search (views/agreements.py). Only agreements the user may record a change to are found.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from compactwatch.changes.records import Resolver
from compactwatch.findings.treatment import title
from compactwatch.params import BadQuery
from compactwatch.records.amounts import figure
from compactwatch.records.models import REF_LENGTH, FundingAgreement
from compactwatch.records.search import Matches, search_agreements

FIND = "find"  # the name of the search button: a search, not a save
HINT = "Search by funder, recipient, programme or the agreement's id"


CURRENCY_SIGNS = {"GBP": "£", "EUR": "€", "USD": "$"}


def _amount(agreement: FundingAgreement) -> str:
    amount: Decimal = agreement.amount
    sign = CURRENCY_SIGNS.get(agreement.currency or "GBP")
    return f"{sign}{figure(amount)}" if sign else f"{figure(amount)} {agreement.currency}"


def agreement_label(agreement: FundingAgreement) -> str:
    """An agreement in words, named as the record pages name it: "Youth services grant from
    Cambridgeshire County Council to Wisbech Food Bank, £12,000 from 1 April 2025 (id
    demo-g-13)"."""
    parts = [title(agreement)]
    terms = _amount(agreement) if agreement.amount is not None else ""
    if agreement.start:
        terms = f"{terms} from {agreement.start:%-d %B %Y}".strip()
    elif agreement.award_date:
        terms = f"{terms} awarded {agreement.award_date:%-d %B %Y}".strip()
    if terms:
        parts.append(terms)
    return f"{', '.join(parts)} (id {agreement.ref})"


@dataclass(frozen=True)
class AgreementQuery:
    """What the form sent: the words typed, and the id of the agreement chosen (if any)."""

    text: str
    chosen: str


@dataclass(frozen=True)
class Option:
    ref: str
    label: str
    checked: bool


def _could_be_id(text: str) -> bool:
    # What no id can be never reaches the database (PostgreSQL refuses a NUL in a query).
    return bool(text) and len(text) <= REF_LENGTH and text.isprintable()


class AgreementFinder:
    """The agreements a user may record a change to, found by id or by words."""

    def __init__(self, agreements: QuerySet, resolver: Resolver):
        self.agreements = agreements.select_related("funder", "recipient")
        self.resolver = resolver

    def by_ref(self, ref: str) -> FundingAgreement | None:
        if not _could_be_id(ref):
            return None
        return self.agreements.filter(ref=ref).first()

    def exact(self, text: str) -> FundingAgreement | None:
        """The agreement whose id is `text` (for a member, their own organisation's first)."""
        found = self.resolver.agreement(text.strip()) if _could_be_id(text.strip()) else None
        return self.by_ref(found.ref) if found is not None else None

    def search(self, text: str) -> Matches:
        return search_agreements(self.agreements, text)

    def options(self, query: AgreementQuery) -> tuple[list[Option], Matches | None]:
        """The radios to offer: the agreements matching the words, and the one chosen."""
        try:
            matches = self.search(query.text) if query.text else None
        except BadQuery:
            matches = None  # the field's error says why
        chosen = self.by_ref(query.chosen) if query.chosen else None
        if chosen is None and query.text:
            chosen = self.exact(query.text)
        shown = list(matches.shown) if matches else []
        if chosen is not None and chosen not in shown:
            shown.insert(0, chosen)
        picked = chosen.pk if chosen is not None else None
        return [Option(a.ref, agreement_label(a), a.pk == picked) for a in shown], matches


def no_match(text: str) -> str:
    return (
        f"No funding agreement you can record a change to matches '{text}'. "
        "Search by funder, recipient, programme or id."
    )


def found_in_words(matches: Matches) -> str:
    if matches.total > len(matches.shown):
        return f"Showing {len(matches.shown)} of {matches.total:,}; add words to narrow it"
    if matches.total == 1:
        return "1 funding agreement matches"
    return f"{matches.total} funding agreements match"


class AgreementChooser(forms.Widget):
    """A search input, its "Find agreement" button and the agreements found, as radios."""

    template_name = "web/records/agreement_chooser.html"
    finder: AgreementFinder
    url = ""  # the search behind the autocomplete

    def value_from_datadict(self, data: Any, files: Any, name: str) -> AgreementQuery:
        return AgreementQuery(data.get(f"{name}_search", "").strip(), data.get(name, ""))

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}_search" not in data

    def format_value(self, value: Any) -> Any:
        return value

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        query = value if isinstance(value, AgreementQuery) else AgreementQuery("", value or "")
        options, matches = self.finder.options(query)
        context["widget"].update({
            "text": query.text, "options": options, "url": self.url,
            "found": found_in_words(matches) if matches and matches.total else "",
        })  # fmt: skip
        return context


class AgreementField(forms.Field):
    """The agreement a funding change is to, chosen by search; cleans to the agreement."""

    widget = AgreementChooser

    def __init__(self, **kwargs: Any):
        super().__init__(label="Funding agreement", help_text=HINT, **kwargs)

    def offer(self, finder: AgreementFinder, url: str) -> None:
        """Which agreements the user may choose from, and where the autocomplete asks."""
        self.finder = self.widget.finder = finder
        self.widget.url = url

    def prepare_value(self, value: Any) -> Any:
        return value.ref if isinstance(value, FundingAgreement) else value

    def has_changed(self, initial: Any, data: Any) -> bool:
        return isinstance(data, AgreementQuery) and data.chosen != (
            self.prepare_value(initial) or ""
        )

    def search_problem(self, query: AgreementQuery) -> str | None:
        """Why a search ("Find agreement") finds nothing, if it does not."""
        if not query.text:
            return f"Enter words to search for the funding agreement. {HINT}."
        try:
            matches = self.finder.search(query.text)
        except BadQuery as problem:
            return str(problem)
        return None if matches.total else no_match(query.text)

    def clean(self, value: AgreementQuery) -> FundingAgreement | None:
        if value.chosen:
            agreement = self.finder.by_ref(value.chosen)
            if agreement is None:  # the same words whether another's or none at all
                raise forms.ValidationError(
                    f"The funding agreement chosen is not one you can record a change to. {HINT}."
                )
            return agreement
        if not value.text:
            if self.required:
                raise forms.ValidationError(
                    f"Enter the funding agreement this change is to. {HINT}."
                )
            return None
        agreement = self.finder.exact(value.text)
        if agreement is not None:
            return agreement
        problem = self.search_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        raise forms.ValidationError(
            f"Choose the funding agreement from those that match '{value.text}'"
        )

"""A record's fields as its page shows them: labelled as the model labels them, with
organisations and agreements as links by name, and yes/no, dates, money and "recorded as
not done" in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format

from compactwatch.compact.words import capital, in_words
from compactwatch.findings.treatment import ROLES, title
from compactwatch.records.amounts import figure
from compactwatch.records.format import AgreementRef, Evidence, Party, Plain
from compactwatch.records.models import Record


@dataclass(frozen=True)
class Field:
    label: str
    value: str
    url: str = ""


def _label(record: Record, kind: Plain) -> str:
    name = str(type(record)._meta.get_field(kind.name).verbose_name)
    if isinstance(kind, Party):  # "organisation" says less than "consulting body"
        name = ROLES.get(kind.name, name)
    return capital(name)


def _words(value: Any) -> str:
    if value is None or value == "":
        return "Not recorded"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, date):
        return date_format(value, "j F Y")
    return str(value)


def _field(record: Record, key: str, kind: Plain) -> Field:
    label = _label(record, kind)
    if isinstance(kind, Party):
        organisation = getattr(record, kind.name)
        if organisation is not None:
            return Field(label, organisation.name, organisation.get_absolute_url())
        return Field(label, getattr(record, kind.name_field) or "Not recorded")
    if isinstance(kind, AgreementRef):
        agreement = getattr(record, kind.name)
        if agreement is None:
            return Field(label, "Not recorded")
        text = f"{agreement.traits.label}: {title(agreement)}"
        return Field(label, text, agreement.get_absolute_url())
    value = kind.read(record)
    if isinstance(kind, Evidence) and value is False:
        return Field(label, kind.label)  # "Recorded as not published", and so on
    choices = getattr(record, f"get_{kind.name}_display", None)
    if choices is not None and value:
        return Field(label, choices())
    if key == "kind" and value:  # a kind of funding: "service_agreement" in the format
        return Field(label, in_words(value))
    if key == "amount" and isinstance(value, Decimal):
        currency = getattr(record, "currency", "") or "GBP"
        money = figure(value)
        return Field(label, f"£{money}" if currency == "GBP" else f"{money} {currency}")
    return Field(label, _words(value))


def fields(record: Record) -> list[Field]:
    """The record's fields in the records format's order, then where it came from."""
    shown = [Field("Reference", record.ref)]
    for key, kind in record.format.items():
        if key != "currency":  # shown with the amount
            shown.append(_field(record, key, kind))
    if getattr(record, "programme", ""):
        shown.append(Field("Programme", record.programme))
    if getattr(record, "source_grant_id", ""):
        shown.append(Field("Imported from 360Giving, grant id", record.source_grant_id))
    return shown

"""The audit trail as people read it: what changed named by its kind and title (a link
while it exists), fields by their labels, values in words.

The trail stores what the way in wrote: a record in the records format (`in_writing`,
`service_agreement`, dates as text), a register entry by its model fields. The words come
from the same models: their fields' labels and choices, and each record's format table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format

from compactwatch.audit.models import AuditEntry
from compactwatch.compact.words import capital, in_words
from compactwatch.compacts.models import Compact, Edition
from compactwatch.findings.treatment import ROLES, title
from compactwatch.organisations.models import (
    KIND_WORDS,
    Contact,
    JoinRequest,
    Membership,
    Organisation,
    Signature,
)
from compactwatch.records.amounts import figure
from compactwatch.records.format import Evidence, Party
from compactwatch.records.models import RECORD_MODELS

# Kinds of things the trail names that are not records.
KINDS = {
    "organisation": "Register entry", "signature": "Signature", "contact": "Contact",
    "membership": "Member", "officers": "Compact officers", "compact": "Compact",
    "edition": "Edition", "records": "Records file", "360giving_import": "360Giving import",
    "user": "User", "join_request": "Request to join", "edition_draft": "Draft edition",
}  # fmt: skip
MODELS: dict[str, type[models.Model]] = {
    **RECORD_MODELS, "organisation": Organisation, "signature": Signature, "contact": Contact,
    "membership": Membership, "edition": Edition, "compact": Compact,
    "join_request": JoinRequest,
}  # fmt: skip
# Fields the records format names otherwise than the models.
FORMAT_NAMES = {"id": "ref", "dbs_checks_paid_by_organisation": "dbs_checks_paid"}
LABELS = {"id": "Reference", "ref": "Reference", "compact_lead": "Compact lead",
          "officers": "Compact officers"}  # fmt: skip
# Values the format keeps as words joined by underscores ("service_agreement").
WORDS_WITH_UNDERSCORES = ("kind", "lead_role")
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class Change:
    label: str
    before: str  # "" when the thing was created
    after: str  # "" when it was deleted


@dataclass(frozen=True)
class Entry:
    entry: AuditEntry
    action: str
    kind: str
    name: str
    url: str
    changes: list[Change]


class Reader:
    """Reads the entries of one page of the trail, looking up what they name in one query
    per kind."""

    def __init__(self, compact: Compact, entries: list[AuditEntry]):
        self.compact = compact
        refs: dict[str, set[str]] = {}
        for entry in entries:
            refs.setdefault(entry.record_type, set()).add(entry.record_ref)
        parties = {
            value
            for entry in entries
            if entry.record_type in RECORD_MODELS
            for side in entry.changes.values()
            for value in side
            if isinstance(value, str)
        }
        self.organisations = {
            organisation.ref: organisation
            for organisation in compact.organisations.filter(
                ref__in=refs.get("organisation", set())
                | refs.get("signature", set())
                | refs.get("contact", set())
                | refs.get("membership", set())
                | parties
            )
        }
        self.records = {
            (kind, record.ref): record
            for kind, model in RECORD_MODELS.items()
            for record in model.objects.filter(
                compact=compact, ref__in=refs.get(kind, ())
            ).select_related(*(path for path in model.traits.part_of if path))
        }
        self.editions = {edition.slug: edition for edition in compact.editions.all()}

    def read(self, entry: AuditEntry) -> Entry:
        kind, name, url = self._named(entry)
        changes = []
        for key, (before, after) in entry.changes.items():
            was, now = self._words(entry, key, before), self._words(entry, key, after)
            if was == now:  # "" and None: both not recorded
                continue
            # A thing created has no "before" worth showing, nor one deleted an "after".
            was = "" if entry.action == "created" else was
            now = "" if entry.action == "deleted" else now
            changes.append(Change(self._label(entry.record_type, key), was, now))
        return Entry(entry, capital(entry.action), kind, name, url, changes)

    def _named(self, entry: AuditEntry) -> tuple[str, str, str]:
        """What the entry is about: its kind, its name, and a link while it exists."""
        kind, ref = entry.record_type, entry.record_ref
        if kind in RECORD_MODELS:
            label = RECORD_MODELS[kind].traits.label
            record = self.records.get((kind, ref))
            if record is None:  # deleted since
                return label, ref, ""
            return label, f"{ref}: {title(record)}", record.get_absolute_url()
        if kind in ("organisation", "signature", "contact", "membership"):
            organisation = self.organisations.get(ref)
            if organisation is not None:
                return KINDS[kind], organisation.name, organisation.get_absolute_url()
        if kind == "edition" and ref in self.editions:
            url = reverse("web:edition", args=[self.compact.slug, ref])
            return KINDS[kind], self.editions[ref].title, url
        if kind in ("compact", "officers"):
            return KINDS[kind], self.compact.name, reverse("web:compact", args=[self.compact.slug])
        if kind == "360giving_import" and ref.isdigit():
            return (
                KINDS[kind],
                f"number {ref}",
                reverse("web:import", args=[self.compact.slug, ref]),
            )
        return KINDS.get(kind, in_words(kind)), ref, ""

    def _field(self, record_type: str, key: str) -> tuple[models.Field | None, Any]:
        """The model field behind `key` of an entry, and its format kind (for records)."""
        model = MODELS.get(record_type)
        if model is None:
            return None, None
        kind = getattr(model, "format", {}).get(key)
        name = kind.name if kind is not None else FORMAT_NAMES.get(key, key)
        try:
            return model._meta.get_field(name), kind
        except FieldDoesNotExist:
            return None, kind

    def _label(self, record_type: str, key: str) -> str:
        field, kind = self._field(record_type, key)
        if key in LABELS:
            return LABELS[key]
        if isinstance(kind, Party):
            return capital(ROLES.get(kind.name, kind.name))
        if field is not None:
            return capital(str(field.verbose_name))
        return in_words(key)

    def _words(self, entry: AuditEntry, key: str, value: Any) -> str:
        """A stored value in words: Yes, No, Not recorded, 31 March 2026, a choice's label."""
        field, kind = self._field(entry.record_type, key)
        if isinstance(kind, Evidence) and value is False:
            return kind.label  # "Recorded as not published"
        if value == "None" and field is not None and field.null:
            value = None  # a register entry's fields are kept as text
        if isinstance(value, list):  # the Compact's officers, an import's records
            return ", ".join(str(item) for item in value) or "None"
        if value is None or value == "":
            return NOT_RECORDED
        if key == "compact_lead":
            return self._lead(value)
        if value is True or value is False:
            return "Yes" if value else "No"
        if isinstance(kind, Party):
            organisation = self.organisations.get(value)
            if organisation is not None:
                return organisation.name
        if key in WORDS_WITH_UNDERSCORES and isinstance(value, str):
            return in_words(value, KIND_WORDS)
        if key == "edition":
            for edition in self.editions.values():
                if value == str(edition):
                    return edition.title
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.DateField) and isinstance(value, str):
            try:
                return date_format(date.fromisoformat(value), "j F Y")
            except ValueError:
                return value
        if isinstance(field, models.DecimalField):
            try:
                return figure(Decimal(str(value)))
            except InvalidOperation:
                return str(value)
        return str(value)

    @staticmethod
    def _lead(value: Any) -> str:
        if value is False:
            return "None nominated"
        if not isinstance(value, dict):
            return str(value)
        role = str(value.get("role") or "").replace("_", " ")
        return ", ".join(part for part in (value.get("name"), role) if part) or "Nominated"


def read_entries(compact: Compact, entries: list[AuditEntry]) -> list[Entry]:
    reader = Reader(compact, entries)
    return [reader.read(entry) for entry in entries]


def stale_entries(
    since: list[dict[str, Any]], value_words: Callable[[str, Any], str]
) -> list[dict[str, Any]]:
    """Who changed a thing since a form was opened (a Stale refusal's `since`), when, and
    each field's value before and after in `value_words(field, value)`."""
    return [
        {"by": entry.get("by") or "Someone", "at": entry.get("at"),
         "changes": [(capital(name), value_words(name, pair[0]), value_words(name, pair[1]))
                     for name, pair in (entry.get("changes") or {}).items()
                     if isinstance(pair, list | tuple) and len(pair) == 2]}
        for entry in since
    ]  # fmt: skip

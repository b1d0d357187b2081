"""Uploading records files (the records format, JSON or CSV): all or nothing.

The core reads and checks the files; then every record is matched to the register and
written through the same use case as a form or the API, in one transaction. If anything
is wrong (a value, or a record the uploader may not change) nothing is stored and every
problem is listed by file, record and field.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compactwatch.changes.base import Actor, ChangeRefused, changing
from compactwatch.changes.records import (
    Resolver,
    affected_by,
    editable_agreement_refs,
    write_record,
)
from compactwatch.changes.register import OFFICERS_ONLY, write_organisation
from compactwatch.compact.records import InputError, RecordError, RecordSet, read_records
from compactwatch.compacts.models import Compact
from compactwatch.findings.services import refresh
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import BY_SECTION, Record


@dataclass
class UploadOutcome:
    created: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)  # how the files were read (an encoding)

    @property
    def total(self) -> int:
        return sum((self.created + self.changed + self.unchanged).values())

    def lines(self) -> list[tuple[int, str, str]]:
        """(count, "new" / "changed" / "unchanged", record type) for each non-zero count."""
        return [
            (count, state, kind)
            for state, counter in (
                ("new", self.created),
                ("changed", self.changed),
                ("unchanged", self.unchanged),
            )
            for kind, count in counter.items()
        ]


def _safe_name(name: str) -> str:
    return Path(name).name.replace("\x00", "") or "upload.json"


def read_uploaded(actor: Actor, compact: Compact, files: list[tuple[str, bytes]]) -> RecordSet:
    """Read uploaded files with the core reader; a change may be made to an agreement of
    the same upload, or to a stored one that the uploader may change."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for position, (name, content) in enumerate(files):
            # Each file in its own folder: two uploads may share a name.
            path = Path(folder) / str(position) / _safe_name(name)
            path.parent.mkdir()
            path.write_bytes(content)
            paths.append(path)
        return read_records(paths, known_agreements=editable_agreement_refs(actor, compact))


def store_records(
    actor: Actor, compact: Compact, records: RecordSet, summary: str = "by upload"
) -> UploadOutcome:
    """Store every record read from files; all or nothing (InputError lists every problem)."""
    outcome = UploadOutcome()
    errors: list[RecordError] = []
    touched: list[Record | Organisation] = []
    resolver = Resolver(compact, actor)

    def refused(row: dict[str, Any], section: str, problem: ChangeRefused) -> None:
        errors.append(
            RecordError(row["_file"], section, row["id"], 0, problem.field, problem.message)
        )

    def count(kind: str, created: bool, changed: bool) -> None:
        (outcome.created if created else outcome.changed if changed else outcome.unchanged)[
            kind
        ] += 1

    with changing():
        for row in records.organisations:
            if not actor.is_officer(compact):
                refused(row, "organisations", ChangeRefused(OFFICERS_ONLY))
                continue
            stored = Organisation.objects.filter(compact=compact, ref=row["id"]).exists()
            organisation, changed = write_organisation(
                actor, compact, row["id"], Organisation.values_from_record(row), summary=summary
            )
            count("organisation", created=not stored, changed=changed and stored)
            resolver.register.add(organisation)
            if changed:
                touched.append(organisation)
        for section in ("consultations", "funding_agreements", "funding_changes"):
            model = BY_SECTION[section]
            for row in records.section(section):
                try:
                    written = write_record(
                        actor, compact, model, row["id"],
                        model.values_from_record(row, resolver), summary=summary,
                    )  # fmt: skip
                except ChangeRefused as problem:
                    refused(row, section, problem)
                    continue
                count(model.traits.type, written.created, written.changed)
                if section == "funding_agreements":
                    resolver.agreements[row["id"]] = written.record
                if written.created or written.changed:
                    touched.extend(affected_by(written.record))
        if errors:
            raise InputError(errors)  # the transaction is rolled back: nothing is stored
        actor.audit(
            "uploaded", "records", compact=compact,
            summary=f"{outcome.total} records: {sum(outcome.created.values())} new, "
            f"{sum(outcome.changed.values())} changed, {sum(outcome.unchanged.values())} unchanged",
        )  # fmt: skip
        refresh({(type(item), item.pk): item for item in touched}.values())
    return outcome


def upload(actor: Actor, compact: Compact, files: list[tuple[str, bytes]]) -> UploadOutcome:
    """Read and store uploaded files; raises InputError (nothing stored) on any problem."""
    records = read_uploaded(actor, compact, files)
    outcome = store_records(actor, compact, records)
    outcome.notes = records.notes
    return outcome

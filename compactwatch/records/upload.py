"""Uploading records files (the records format, JSON or CSV): all or nothing.

The core reads and checks the files; then every record is matched to the register and
stored in one transaction, or, if anything is wrong, nothing is stored and every problem
is listed by file, record and field.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from compactwatch import permissions
from compactwatch.audit.services import record_action
from compactwatch.compact.records import InputError, RecordError, RecordSet, read_records
from compactwatch.compacts.models import Compact
from compactwatch.findings.services import refresh
from compactwatch.organisations.models import LeadStatus, Organisation
from compactwatch.records.models import Consultation, FundingAgreement, FundingChange, Record


@dataclass
class UploadOutcome:
    created: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

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


def read_uploaded(compact: Compact, files: list[tuple[str, bytes]]) -> RecordSet:
    """Read uploaded files with the core reader; agreements already stored may be referred to."""
    known = FundingAgreement.objects.filter(compact=compact).values_list("ref", flat=True)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for position, (name, content) in enumerate(files):
            # Each file in its own folder: two uploads may share a name.
            path = Path(folder) / str(position) / _safe_name(name)
            path.parent.mkdir()
            path.write_bytes(content)
            paths.append(path)
        return read_records(paths, known_agreements=set(known))


class Register:
    """Finds the organisation a record names: by its id in the register, then by name."""

    def __init__(self, compact: Compact):
        self.compact = compact
        self.by_ref = {org.ref: org for org in Organisation.objects.filter(compact=compact)}
        self.by_name = {org.name.casefold(): org for org in self.by_ref.values()}

    def add(self, organisation: Organisation) -> None:
        self.by_ref[organisation.ref] = organisation
        self.by_name[organisation.name.casefold()] = organisation

    def find(self, value: str | None) -> Organisation | None:
        if not value:
            return None
        return self.by_ref.get(value) or self.by_name.get(value.casefold())


def _set_evidence(instance: Any, name: str, flag: str, value: Any, empty: Any = None) -> None:
    """Store the format's date-or-false (or text-or-false) as a value and a flag."""
    setattr(instance, name, empty if value in (None, False) else value)
    setattr(instance, flag, value is False)


def _text(value: Any) -> str:
    return value or ""


def apply_organisation(org: Organisation, row: dict[str, Any]) -> None:
    org.name = row["name"] or org.name or row["id"]
    org.sector = _text(row["sector"])
    org.kind = _text(row["kind"])
    lead = row["compact_lead"]
    org.lead_status = (
        LeadStatus.NONE
        if lead is False
        else LeadStatus.NOMINATED
        if lead
        else LeadStatus.NOT_RECORDED
    )
    org.lead_name = _text(lead["name"]) if lead else ""
    org.lead_role = _text(lead["role"]) if lead else ""
    org.dbs_checks_paid = row["dbs_checks_paid_by_organisation"]


def apply_consultation(item: Consultation, row: dict[str, Any], register: Register) -> None:
    item.organisation = register.find(row["organisation"])
    item.organisation_name = "" if item.organisation else _text(row["organisation"])
    item.title = _text(row["title"])
    item.opens, item.closes, item.formal = row["opens"], row["closes"], row["formal"]
    item.shorter_period_rationale = _text(row["shorter_period_rationale"])
    _set_evidence(item, "feedback_published", "feedback_not_published", row["feedback_published"])


def apply_agreement(item: FundingAgreement, row: dict[str, Any], register: Register) -> None:
    item.funder = register.find(row["funder"])
    item.funder_name = "" if item.funder else _text(row["funder"])
    item.recipient = register.find(row["recipient"])
    item.recipient_name = "" if item.recipient else _text(row["recipient"])
    item.kind = _text(row["kind"])
    item.amount = row["amount"]
    item.currency = _text(row["currency"]) or "GBP"
    item.award_date, item.start, item.end = row["award_date"], row["start"], row["end"]
    _set_evidence(
        item, "decision_rationale", "decision_rationale_none", row["decision_rationale"], ""
    )
    item.single_year_rationale = _text(row["single_year_rationale"])
    _set_evidence(item, "monitoring_agreed", "monitoring_not_agreed", row["monitoring_agreed"])


def apply_change(
    item: FundingChange, row: dict[str, Any], agreements: dict[str, FundingAgreement]
) -> None:
    item.agreement = agreements.get(row["agreement"]) if row["agreement"] else None
    item.change = _text(row["change"])
    item.notice_given, item.effective = row["notice_given"], row["effective"]
    item.in_writing = row["in_writing"]
    _set_evidence(item, "rationale", "rationale_none", row["rationale"], "")
    item.exceptional_circumstances = _text(row["exceptional_circumstances"])
    item.mutual_agreement = row["mutual_agreement"]
    _set_evidence(item, "impact_assessed", "impact_not_assessed", row["impact_assessed"])
    item.performance_related = row["performance_related"]
    _set_evidence(
        item,
        "improvement_timetable_agreed",
        "improvement_timetable_not_agreed",
        row["improvement_timetable_agreed"],
    )


def _permission_errors(
    user: Any, compact: Compact, records: RecordSet, register: Register
) -> list[RecordError]:
    """Members may upload only records in which their own organisation acts."""
    if permissions.is_officer(user, compact):
        return []
    errors = []
    if records.organisations:
        row = records.organisations[0]
        errors.append(
            RecordError(
                row["_file"],
                "organisations",
                row["id"],
                0,
                None,
                "only the Compact officer can change the register",
            )
        )
    for section, field_name in (
        ("consultations", "organisation"),
        ("funding_agreements", "funder"),
    ):
        for row in records.section(section):
            if not permissions.can_record_for(user, register.find(row[field_name]), compact):
                errors.append(
                    RecordError(
                        row["_file"],
                        section,
                        row["id"],
                        0,
                        field_name,
                        "you can record only for your own organisation",
                    )
                )
    return errors


@transaction.atomic
def store_records(compact: Compact, records: RecordSet, user: Any) -> UploadOutcome:
    """Store every record of an upload, matched to the register; all or nothing."""
    register = Register(compact)
    errors = _permission_errors(user, compact, records, register)
    if errors:
        raise InputError(errors)
    outcome = UploadOutcome()
    touched: list[Record | Organisation] = []

    def upsert(model, ref, apply) -> Any:
        item = (
            model.objects.filter(compact=compact, ref=ref).first()
            if model is not Organisation
            else register.by_ref.get(ref)
        )
        before = item.as_record() if item else None
        if item is None:
            item = model(compact=compact, ref=ref)
        apply(item)
        after = item.as_record()
        kind = model.record_type if model is not Organisation else "organisation"
        if before == after:
            outcome.unchanged[kind] += 1
            return item
        if item.pk is None and model is not Organisation:
            item.created_by = user if user is not None and user.is_authenticated else None
        item.save()
        (outcome.created if before is None else outcome.changed)[kind] += 1
        record_action(
            user,
            "created" if before is None else "changed",
            kind,
            ref,
            compact=compact,
            before=before,
            after=after,
            summary="by upload",
        )
        touched.append(item)
        return item

    for row in records.organisations:
        register.add(
            upsert(Organisation, row["id"], lambda org, row=row: apply_organisation(org, row))
        )
    agreements = {
        a.ref: a for a in FundingAgreement.objects.filter(compact=compact).select_related("funder")
    }
    for row in records.consultations:
        upsert(
            Consultation, row["id"], lambda item, row=row: apply_consultation(item, row, register)
        )
    for row in records.funding_agreements:
        agreements[row["id"]] = upsert(
            FundingAgreement, row["id"], lambda item, row=row: apply_agreement(item, row, register)
        )
    for row in records.funding_changes:
        upsert(FundingChange, row["id"], lambda item, row=row: apply_change(item, row, agreements))
    record_action(
        user,
        "uploaded",
        "records",
        compact=compact,
        summary=f"{outcome.total} records: {sum(outcome.created.values())} new, "
        f"{sum(outcome.changed.values())} changed, {sum(outcome.unchanged.values())} unchanged",
    )
    refresh(touched)
    return outcome


def upload(compact: Compact, files: list[tuple[str, bytes]], user: Any) -> UploadOutcome:
    """Read and store uploaded files; raises InputError (nothing stored) on any problem."""
    return store_records(compact, read_uploaded(compact, files), user)

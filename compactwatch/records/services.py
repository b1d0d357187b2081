"""Saving records: every entry point (forms, API, upload) goes through here, so each save
is audited and its findings recomputed by the same core checks."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from compactwatch.audit.services import record_action
from compactwatch.compacts.models import Compact
from compactwatch.findings.services import refresh
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import Consultation, FundingAgreement, FundingChange, Record

REF_PREFIX = {Consultation: "c", FundingAgreement: "g", FundingChange: "n"}


def next_ref(model: type[Record], compact: Compact) -> str:
    """A fresh reference such as c-12 for a record entered without one."""
    prefix = REF_PREFIX[model]
    pattern = re.compile(rf"^{prefix}-(\d+)$")
    taken = model.objects.filter(compact=compact, ref__startswith=f"{prefix}-").values_list(
        "ref", flat=True
    )
    numbers = [int(match.group(1)) for ref in taken if (match := pattern.match(ref))]
    return f"{prefix}-{max(numbers, default=0) + 1}"


def _before(record: Record | Organisation) -> dict[str, Any] | None:
    if record.pk is None:
        return None
    stored = type(record).objects.filter(pk=record.pk).first()
    return stored.as_record() if stored else None


@transaction.atomic
def save_record(record: Record, user: Any) -> Record:
    """Save a record, keep the change in the audit trail, and recompute its findings."""
    before = _before(record)
    if not record.ref:
        record.ref = next_ref(type(record), record.compact)
    if record.pk is None and user is not None and user.is_authenticated:
        record.created_by = user
    record.save()
    record_action(
        user,
        "created" if before is None else "changed",
        record.record_type,
        record.ref,
        compact=record.compact,
        before=before,
        after=record.as_record(),
    )
    affected: list[Record] = [record]
    if isinstance(record, FundingAgreement):
        # A change's findings belong to the agreement's funder; keep them in step.
        affected.extend(record.changes.select_related("agreement__funder"))
    refresh(affected)
    return record


@transaction.atomic
def delete_record(record: Record, user: Any) -> None:
    record_action(
        user,
        "deleted",
        record.record_type,
        record.ref,
        compact=record.compact,
        before=record.as_record(),
        after=None,
    )
    record.delete()


@transaction.atomic
def save_organisation(organisation: Organisation, user: Any) -> Organisation:
    before = _before(organisation)
    organisation.save()
    record_action(
        user,
        "created" if before is None else "changed",
        "organisation",
        organisation.ref,
        compact=organisation.compact,
        before=before,
        after=organisation.as_record(),
    )
    refresh([organisation])
    return organisation

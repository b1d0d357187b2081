"""Computing and storing findings with the core's checks, so web, API and upload agree."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from compactwatch.compact.engine import check_record
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.findings.models import Finding
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import Consultation, FundingAgreement, FundingChange, Record

RECORD_LINK = {
    Consultation: "consultation",
    FundingAgreement: "agreement",
    FundingChange: "change",
    Organisation: "organisation",
}
SECTION = {
    Consultation: "consultations",
    FundingAgreement: "funding_agreements",
    FundingChange: "funding_changes",
    Organisation: "organisations",
}


def _findings_for(item: Record | Organisation, compact: Compact, as_of: date) -> list[Finding]:
    model = type(item)
    record = item.as_record()
    if model is Organisation:
        body, key_date = item, None
    else:
        body, key_date = item.body(), item.key_date()
    year = key_date.year if key_date else None
    link = {RECORD_LINK[model]: item}
    return [
        Finding(
            compact=compact,
            record_type=finding.record_type,
            record_ref=finding.record,
            body=body,
            edition=finding.commitment.split("/", 1)[0],
            commitment=finding.commitment,
            status=finding.status.value,
            strength=finding.strength,
            message=finding.message,
            year=year,
            computed_on=as_of,
            **link,
        )
        for finding in check_record(SECTION[model], record, editions_of(compact), as_of)
    ]


def refresh(items: Iterable[Record | Organisation], as_of: date | None = None) -> int:
    """Recompute and store the findings of these records; returns how many were stored."""
    as_of = as_of or timezone.localdate()
    items = list(items)
    if not items:
        return 0
    new: list[Finding] = []
    with transaction.atomic():
        by_model: dict[type, list[int]] = {}
        for item in items:
            by_model.setdefault(type(item), []).append(item.pk)
            new.extend(_findings_for(item, item.compact, as_of))
        for model, pks in by_model.items():
            for start in range(0, len(pks), 500):
                Finding.objects.filter(
                    **{f"{RECORD_LINK[model]}__in": pks[start : start + 500]}
                ).delete()
        Finding.objects.bulk_create(new, batch_size=1000)
    return len(new)


def refresh_compact(compact: Compact, as_of: date | None = None) -> int:
    """Recompute every finding of a Compact: after its editions' dates change, and daily."""
    total = 0
    for model in (Organisation, Consultation, FundingAgreement, FundingChange):
        queryset = model.objects.filter(compact=compact)
        if model is FundingChange:
            queryset = queryset.select_related("agreement__funder", "compact")
        elif model is not Organisation:
            queryset = queryset.select_related("compact")
        batch: list = []
        for item in queryset.iterator(chunk_size=2000):
            batch.append(item)
            if len(batch) >= 2000:
                total += refresh(batch, as_of)
                batch = []
        total += refresh(batch, as_of)
    return total

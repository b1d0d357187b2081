"""Computing and storing findings with the core's checks, so web, API and upload agree."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from compactwatch.bulk import insert_rows
from compactwatch.compact.compact import CompactEditions
from compactwatch.compact.engine import check_record
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.findings.models import Finding
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import RECORD_MODELS, FundingChange, Record

# What is checked: the records, and the register's entries (a Compact lead, DBS checks).
CHECKED: tuple[type[Record | Organisation], ...] = (*RECORD_MODELS.values(), Organisation)
# The columns a finding is stored in, in the order `_rows` gives them.
COLUMNS = ("compact_id", "record_type", "record_ref",
           *(f"{model.traits.finding_link}_id" for model in CHECKED),
           "body_id", "edition", "commitment", "status", "strength", "message", "year",
           "computed_on")  # fmt: skip


class Checked(NamedTuple):
    """A stored record to check: which it is, and what the core reads of it."""

    model: type
    pk: int
    compact_id: int
    record: dict[str, Any]  # in the records format
    body_id: int | None  # the organisation whose undertaking it shows kept, or not
    key_date: date | None


def checked(item: Record | Organisation) -> Checked:
    if isinstance(item, Organisation):
        return Checked(Organisation, item.pk, item.compact_id, item.as_record(), item.pk, None)
    body = item.body()
    return Checked(type(item), item.pk, item.compact_id, item.as_record(),
                   body.pk if body else None, item.key_date())  # fmt: skip


def _rows(
    item: Checked, editions: CompactEditions, as_of: date, stored_day: Any
) -> Iterator[tuple]:
    """The findings of one record, as rows of COLUMNS (`stored_day` is `as_of` as the
    database takes it)."""
    year = item.key_date.year if item.key_date else None
    links = tuple(item.pk if item.model is linked else None for linked in CHECKED)
    for finding in check_record(item.model.traits.section, item.record, editions, as_of):
        yield (item.compact_id, finding.record_type, finding.record, *links, item.body_id,
               finding.commitment.split("/", 1)[0], finding.commitment, finding.status.value,
               finding.strength, finding.message, year, stored_day)  # fmt: skip


def store_findings(
    items: Iterable[Checked], as_of: date | None = None, *, replace: bool = True
) -> int:
    """Check records and store their findings (replacing any they had, unless they are
    new); returns how many findings were stored."""
    as_of = as_of or timezone.localdate()
    editions: dict[int, CompactEditions] = {}  # looked up once per Compact, not per record
    day = connection.ops.adapt_datefield_value(as_of)
    rows: list[tuple] = []
    by_model: dict[type, list[int]] = {}
    for item in items:
        by_model.setdefault(item.model, []).append(item.pk)
        if item.compact_id not in editions:
            editions[item.compact_id] = editions_of(Compact.objects.get(pk=item.compact_id))
        rows.extend(_rows(item, editions[item.compact_id], as_of, day))
    with transaction.atomic():
        for model, pks in by_model.items() if replace else ():
            for start in range(0, len(pks), 500):
                Finding.objects.filter(
                    **{f"{model.traits.finding_link}__in": pks[start : start + 500]}
                ).delete()
        insert_rows(Finding, COLUMNS, rows)
    return len(rows)


def refresh(items: Iterable[Record | Organisation], as_of: date | None = None) -> int:
    """Recompute and store the findings of these records; returns how many were stored."""
    return store_findings([checked(item) for item in items], as_of)


def records_of(compact: Compact) -> int:
    """How many records (and register entries) a recheck of the Compact checks."""
    return sum(model.objects.filter(compact=compact).count() for model in CHECKED)


def refresh_compact(
    compact: Compact, as_of: date | None = None, progress: Callable[[int], None] | None = None
) -> int:
    """Recompute every finding of a Compact: after its editions' dates change, and daily.
    `progress` hears how many records have been checked, after each batch."""
    total, checked_so_far = 0, 0

    def check(batch: list) -> int:
        nonlocal checked_so_far
        stored = refresh(batch, as_of)
        checked_so_far += len(batch)
        if progress:
            progress(checked_so_far)
        return stored

    for model in CHECKED:
        queryset = model.objects.filter(compact=compact)
        if model is FundingChange:
            queryset = queryset.select_related("agreement__funder", "compact")
        elif model is not Organisation:
            queryset = queryset.select_related("compact")
        batch: list = []
        for item in queryset.iterator(chunk_size=2000):
            batch.append(item)
            if len(batch) >= 2000:
                total += check(batch)
                batch = []
        total += check(batch)
    return total

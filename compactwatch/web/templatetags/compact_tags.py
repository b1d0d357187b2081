from typing import Any

from django import template

from compactwatch.audit.models import AuditEntry
from compactwatch.compact.words import in_words
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.web.audit_trail import Change, Reader

register = template.Library()


@register.filter
def humanise(value: str) -> str:
    """`minimum_notice` -> "Minimum notice"."""
    return in_words(str(value))


@register.simple_tag
def commitment_name(compact: Compact, citation: str) -> str:
    """`cambridgeshire-refreshed/4.5` -> "4.5 Three months' notice in writing (refreshed edition)"."""
    return editions_of(compact).describe(citation)


@register.simple_tag
def changes_in_words(compact: Compact, stale: Any) -> list[tuple[dict, list[Change]]]:
    """The changes made since a form was opened (a Stale refusal's `since`), each with its
    fields' labels and values in words, as the audit trail shows them."""
    current = stale.current
    traits = getattr(current, "traits", None)
    record_type = traits.type if traits else current._meta.model_name
    ref = getattr(current, "ref", None) or getattr(current, "slug", "")
    entries = [
        AuditEntry(record_type=record_type, record_ref=ref, action="changed",
                   changes=item["changes"])
        for item in stale.since
    ]  # fmt: skip
    reader = Reader(compact, entries)
    return [
        (item, reader.read(entry).changes) for item, entry in zip(stale.since, entries, strict=True)
    ]

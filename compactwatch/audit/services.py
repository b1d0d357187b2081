"""Writing to the audit trail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from compactwatch.audit.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, (date, Decimal)):
        return str(value)
    return value


def differences(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list]:
    """{field: [before, after]} for every field whose value changed."""
    before, after = before or {}, after or {}
    return {
        name: [_plain(before.get(name)), _plain(after.get(name))]
        for name in dict.fromkeys([*before, *after])
        if before.get(name) != after.get(name)
    }


def record_action(
    user: Any,
    action: str,
    record_type: str,
    record_ref: str = "",
    *,
    compact: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    summary: str = "",
    via: str = "",
    version: int | None = None,
) -> AuditEntry:
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEntry.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        compact=compact,
        action=action,
        record_type=record_type,
        record_ref=record_ref,
        changes=differences(before, after),
        summary=summary,
        via=via,
        version=version,
    )

"""Who acts, and the ways a change is refused, shared by every use case."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from compactwatch import permissions
from compactwatch.audit.models import AuditEntry
from compactwatch.audit.services import record_action
from compactwatch.guard import way_in


@dataclass(frozen=True)
class Actor:
    """Who makes a change, and by which way in ("form", "upload", "API", "admin", "import",
    "command line"). `user` is None for the operator at the server's command line."""

    user: Any
    via: str

    @classmethod
    def system(cls, via: str = "command line") -> Actor:
        return cls(None, via)

    @property
    def is_system(self) -> bool:
        return self.user is None

    def is_officer(self, compact: Any) -> bool:
        return self.is_system or permissions.is_officer(self.user, compact)

    def is_site_admin(self) -> bool:
        return self.is_system or permissions.is_site_admin(self.user)

    def audit(self, action: str, record_type: str, record_ref: str = "", **details: Any) -> None:
        record_action(self.user, action, record_type, record_ref, via=self.via, **details)


class ChangeRefused(Exception):
    """The change cannot be made; the message says why in plain words."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


class Refused(ChangeRefused):
    """The actor may not make this change (they may see the thing): 403."""


class NotFound(ChangeRefused):
    """No such thing that the actor may see; the same answer whether or not it exists: 404."""


class Invalid(ChangeRefused):
    """The new values break a rule of the thing itself (not a permission): 400."""


class Taken(ChangeRefused):
    """A new record's id is in use in the Compact (said the same whoever holds it)."""


class Stale(ChangeRefused):
    """The stored thing changed since the version the actor read: nothing was saved."""

    def __init__(self, current: Any, since: list[dict[str, Any]]):
        self.current, self.since = current, since
        who = " and ".join(dict.fromkeys(entry["by"] or "someone else" for entry in since))
        super().__init__(
            f"This was changed by {who or 'someone else'} after you opened it, so nothing was "
            "saved. Check the changes below, then save again."
        )


def changes_since(compact: Any, record_type: str, ref: str, version: int) -> list[dict[str, Any]]:
    """The audit trail of a thing after `version`: who, when, and each field's old and new
    value."""
    entries = AuditEntry.objects.filter(
        compact=compact, record_type=record_type, record_ref=ref, version__gt=version
    ).order_by("at", "id")
    return [
        {"by": entry.username, "at": entry.at, "version": entry.version, "changes": entry.changes}
        for entry in entries
    ]


@contextmanager
def changing() -> Iterator[None]:
    """One transaction, inside the way in."""
    with transaction.atomic(), way_in():
        yield

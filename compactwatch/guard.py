"""The one way in: stored things refuse to be written from anywhere but the use-case layer.

`compactwatch.changes` enters `way_in()` around every change it makes; the models of the
things it guards (Compacts, editions, the register, memberships, records) refuse `save()`,
`delete()` and the queryset's bulk writes outside it. A form, view, admin page, import or
command that saved a model itself would fail at once, in the tests, rather than skip the
permission check, the version check, the audit trail and the recheck.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models

_inside = ContextVar("compactwatch_way_in", default=False)


class WriteOutsideWayIn(RuntimeError):
    """A guarded model was written without going through compactwatch.changes."""


@contextmanager
def way_in() -> Iterator[None]:
    """Marks the writes made inside as made by the use-case layer."""
    token = _inside.set(True)
    try:
        yield
    finally:
        _inside.reset(token)


def require_way_in(what: Any) -> None:
    if not _inside.get():
        raise WriteOutsideWayIn(
            f"{what} was written outside compactwatch.changes, the one way in for changes"
        )


class GuardedQuerySet(models.QuerySet):
    def bulk_create(self, *args: Any, **kwargs: Any) -> Any:
        require_way_in(self.model.__name__)
        return super().bulk_create(*args, **kwargs)

    def bulk_update(self, *args: Any, **kwargs: Any) -> Any:
        require_way_in(self.model.__name__)
        return super().bulk_update(*args, **kwargs)

    def update(self, **kwargs: Any) -> Any:
        require_way_in(self.model.__name__)
        return super().update(**kwargs)

    def delete(self) -> Any:
        require_way_in(self.model.__name__)
        return super().delete()


class Guarded(models.Model):
    """A model whose rows change only through compactwatch.changes."""

    objects = GuardedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        require_way_in(type(self).__name__)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        require_way_in(type(self).__name__)
        return super().delete(*args, **kwargs)

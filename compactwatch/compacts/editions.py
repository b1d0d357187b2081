"""The core's view of a Compact's editions, built from the database and cached."""

from __future__ import annotations

from compactwatch.compact.compact import CompactEditions
from compactwatch.compacts.models import Compact

_cache: dict[int, tuple[object, CompactEditions]] = {}


def editions_of(compact: Compact) -> CompactEditions:
    """The editions of `compact` with their in-force dates, as the checks use them.

    Parsing and validating an edition file is slow next to a request, so the result
    is kept until any edition of the Compact, or its date, changes.
    """
    # The dates are part of the key: a bulk update of dates does not touch `updated`.
    stamp = tuple(compact.editions.values_list("slug", "in_force_from", "updated"))
    cached = _cache.get(compact.pk)
    if cached and cached[0] == stamp:
        return cached[1]
    rows = list(compact.editions.all())
    editions = CompactEditions(
        [row.core() for row in rows], {row.slug: row.in_force_from for row in rows}
    )
    _cache[compact.pk] = (stamp, editions)
    return editions

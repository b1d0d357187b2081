"""Checking every record of a Compact again, in the background, with progress.

A recheck only recomputes findings (derived data: each record's findings are replaced a
batch at a time), so a recheck that stops part way loses nothing: the next one, or the
daily `refresh_findings`, finishes the work.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from compactwatch.compacts.models import Compact
from compactwatch.findings.models import Recheck
from compactwatch.findings.services import records_of, refresh_compact

logger = logging.getLogger(__name__)


def queue_recheck(compact: Compact, reason: str, user: Any = None) -> Recheck:
    """Queue a recheck of every record, run by the worker once the change has committed."""
    from compactwatch.findings.tasks import recheck_compact

    recheck = Recheck.objects.create(
        compact=compact,
        reason=reason[:300],
        requested_by=user if user is not None and user.is_authenticated else None,
    )
    transaction.on_commit(lambda: recheck_compact.enqueue(recheck.pk))
    return recheck


def run_recheck(recheck_id: int) -> Recheck:
    recheck = Recheck.objects.select_related("compact").get(pk=recheck_id)
    if recheck.status != Recheck.Status.QUEUED:
        return recheck
    rows = Recheck.objects.filter(pk=recheck.pk)
    recheck.total = records_of(recheck.compact)
    rows.update(status=Recheck.Status.RUNNING, started=timezone.now(), total=recheck.total)
    try:
        found = refresh_compact(
            recheck.compact, progress=lambda checked: rows.update(checked=checked)
        )
    except Exception:
        logger.exception("recheck %s failed", recheck.pk)
        rows.update(status=Recheck.Status.FAILED, finished=timezone.now())
    else:
        rows.update(status=Recheck.Status.DONE, finished=timezone.now(), findings=found,
                    checked=recheck.total)  # fmt: skip
    recheck.refresh_from_db()
    return recheck

"""The background task: a Compact's records checked again, run by the database-backed
worker (`compactwatch manage db_worker`, supervised by `serve` and `demo`)."""

from __future__ import annotations

from django_tasks import task

from compactwatch.findings.rechecks import run_recheck


@task()
def recheck_compact(recheck_id: int) -> str:
    return run_recheck(recheck_id).status

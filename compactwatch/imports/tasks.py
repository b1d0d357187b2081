"""The background task: imports queued from the web run in the database-backed worker."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from compactwatch.imports.models import ImportJob
from compactwatch.imports.services import run_job


@task()
def import_grants(job_id: int) -> str:
    return run_job(job_id).status


def enqueue(job: ImportJob) -> None:
    """Queue the job once the request's transaction has committed (the worker must see it)."""

    def send() -> None:
        result = import_grants.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(send)

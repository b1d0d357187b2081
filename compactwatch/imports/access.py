"""Who may see and run imports: the Compact officer (the page and the API alike)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from compactwatch import permissions
from compactwatch.compacts.models import Compact
from compactwatch.imports.models import ImportJob
from compactwatch.imports.progress import channel


def officer_compact(user: Any, slug: str) -> Compact:
    compact = get_object_or_404(Compact, slug=slug)
    if not permissions.is_officer(user, compact):
        raise PermissionDenied("Only the Compact officer can import grants")
    return compact


def officer_job(user: Any, slug: str, pk: int) -> ImportJob:
    """The job, with the latest figures of a running import (which may not be in its row)."""
    job = get_object_or_404(
        ImportJob.objects.select_related("compact", "funder"),
        compact=officer_compact(user, slug),
        pk=pk,
    )
    return job if job.is_finished else channel().latest(job)

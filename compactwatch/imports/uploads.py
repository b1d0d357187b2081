"""Starting an import from an uploaded file (the web page and the API alike)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from compactwatch.compacts.models import Compact
from compactwatch.imports.models import ImportJob
from compactwatch.imports.services import create_job
from compactwatch.imports.tasks import enqueue
from compactwatch.threesixtygiving.reading import form_of


def _keep(upload: UploadedFile) -> Path:
    """Keep the uploaded file where the worker can read it, under a name of our own."""
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(upload.name or '').suffix.lower()}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


def start_import(
    compact: Compact, upload: UploadedFile, user: Any, *, valid_only: bool = False
) -> ImportJob:
    """Queue the import of an uploaded file; ReadError at once if it is not JSON, CSV or
    XLSX by name (its content is checked by the worker)."""
    form_of(upload.name or "")
    job = create_job(
        compact, _keep(upload), upload.name or "", user=user, valid_only=valid_only,
        remove_file_when_done=True,
    )  # fmt: skip
    enqueue(job)
    return job

"""Where a Compact's open data download is kept, and how a file is written so that nobody
ever reads half of one: into a temporary file beside it, renamed into place when whole.

The files live in the data folder (settings.DATA_DIR / "open-data" / <compact>/), never
under a public static path: the download view serves them.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from compactwatch.compact.disclosure import shown_count
from compactwatch.compacts.models import Compact
from compactwatch.reports import opendata


@dataclass(frozen=True)
class Written:
    path: Path
    size: int
    rows: dict[str, int]


def folder(compact: Compact) -> Path:
    return Path(settings.DATA_DIR) / "open-data" / compact.slug


def stored_path(name: str) -> Path:
    """The file an export names, inside the data folder (a name from elsewhere is refused)."""
    root = (Path(settings.DATA_DIR) / "open-data").resolve()
    path = (Path(settings.DATA_DIR) / name).resolve()
    if root not in path.parents:
        raise ValueError(f"{name} is not in the open data folder")
    return path


def relative(path: Path) -> str:
    return str(path.resolve().relative_to(Path(settings.DATA_DIR).resolve()))


def write_file(compact: Compact, path: Path, progress: opendata.Progress | None = None) -> Written:
    """Write the Compact's open data zip to `path`, whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            rows = opendata.write_zip(compact, out, shown_count, progress)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, path)  # atomic on one filesystem: the old file or the new
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Written(path, path.stat().st_size, rows)

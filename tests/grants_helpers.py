"""Test helper: real 360Giving files (Trafford Council's grants) and files made from them
by small edits, for the reader's tests and the import's alike."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

DATA = Path(__file__).parent / "data" / "360giving"
TRAFFORD_CSV = DATA / "funders" / "trafford-council_voluntary_sector_grants_2013-2024.csv"
TRAFFORD_JSON = DATA / "funders" / "trafford-council_voluntary_sector_grants_2013-2024.json"


def trafford_package() -> dict:
    return json.loads(TRAFFORD_JSON.read_bytes())


def trafford_rows() -> tuple[list[str], list[list[str]]]:
    heading, *rows = csv.reader(io.StringIO(TRAFFORD_CSV.read_text("utf-8-sig")))
    return heading, rows


def write_csv(path: Path, heading: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([heading, *rows])
    return path


def write_json(path: Path, package: dict) -> Path:
    path.write_text(json.dumps(package, indent=1), "utf-8")
    return path

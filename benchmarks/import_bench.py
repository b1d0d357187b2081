"""Speed and memory of the 360Giving import, next to a baseline measured in the same run.

    python -m benchmarks.import_bench                      # SQLite; 100k, 300k and 1M grants
    python -m benchmarks.import_bench --sizes 100000 --database-url postgres://postgres@127.0.0.1:5432/postgres

Inputs: the largest real file in shared/data (Lloyds Bank Foundation, 4,116 grants) and
generated files (benchmarks/generate_grants.py). Each is imported into a new database by
`compactwatch import 360giving` (read and check every grant, then store agreements,
organisations and findings in one transaction). The baseline, in its own process on the
same kind of database: `orjson.loads` of the whole file, then one row per grant inserted
with plain `executemany` in one transaction. Each run is a separate process, so its peak
memory (ru_maxrss) is its own. Results go to benchmarks/IMPORT_RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import orjson

from benchmarks.generate_grants import write as write_grants

HERE = Path(__file__).parent
OUT = HERE / "out"
LLOYDS = Path(os.environ.get("COMPACTWATCH_SHARED", HERE.parents[1] / "shared")) / (
    "data/funders/lloyds-bank-foundation_a002400000OiDBQAA3_grantnav-testdata.json"
)


def lloyds_as_the_codelist_asks() -> Path:
    """The Lloyds file with fromOpenCall "Y"/"N" written "Yes"/"No", as the standard's
    codelist asks; as published, every grant is refused on that one field."""
    path = OUT / "lloyds-fromopencall-fixed.json"
    if not path.exists():
        package = orjson.loads(LLOYDS.read_bytes())
        for grant in package["grants"]:
            if grant.get("fromOpenCall") in ("Y", "N"):
                grant["fromOpenCall"] = {"Y": "Yes", "N": "No"}[grant["fromOpenCall"]]
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_bytes(orjson.dumps(package))
    return path


def generated(grants: int) -> Path:
    path = OUT / f"grants-{grants}.json"
    if not path.exists():
        write_grants(path, grants)
    return path


def _database(name: str, database_url: str | None, folder: Path) -> str:
    """A new, empty database for one run."""
    if not database_url:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    return database_url.rsplit("/", 1)[0] + f"/{name}"


def _run(role: str, path: Path, url: str, folder: Path) -> dict:
    environment = {**os.environ, "DATABASE_URL": url, "COMPACTWATCH_DATA_DIR": str(folder)}
    command = [sys.executable, "-m", "benchmarks.import_run", role, str(path)]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{role} run failed on {path.name}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(label: str, path: Path, database_url: str | None) -> dict:
    folder = OUT / "import-runs"
    base = _run("baseline", path, _database("import_bench_base", database_url, folder), folder)
    ours = _run("import", path, _database("import_bench_ours", database_url, folder), folder)
    row = {
        "input": label, "grants": ours["grants"], "mb": round(path.stat().st_size / 1e6, 1),
        "baseline_s": base["seconds"], "import_s": ours["seconds"],
        "ratio": round(ours["seconds"] / base["seconds"], 1),
        "import_grants_per_s": round(ours["grants"] / ours["seconds"]),
        "baseline_mb": base["peak_mb"], "import_mb": ours["peak_mb"],
        "check_s": ours["check_seconds"], "store_s": ours["store_seconds"],
    }  # fmt: skip
    print(json.dumps(row), flush=True)
    return row


def report(rows: list[dict], engine: str) -> str:
    lines = [
        f"## {engine}, measured {date.today():%d %B %Y}",
        "",
        "| input | grants | file MB | baseline s | import s | ratio | grants/s | of which: check s, store s | peak MB baseline | peak MB import |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['input']} | {row['grants']:,} | {row['mb']} | {row['baseline_s']} | "
            f"{row['import_s']} | {row['ratio']} | {row['import_grants_per_s']:,} | "
            f"{row['check_s']}, {row['store_s']} | {row['baseline_mb']} | {row['import_mb']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--database-url", default=None, help="PostgreSQL; SQLite if not given")
    arguments = parser.parse_args()
    inputs = [("Lloyds Bank Foundation (real)", lloyds_as_the_codelist_asks())]
    inputs += [(f"generated {int(size):,}", generated(int(size)))
               for size in arguments.sizes.split(",")]  # fmt: skip
    rows = [measure(label, path, arguments.database_url) for label, path in inputs]
    engine = "PostgreSQL" if arguments.database_url else "SQLite"
    results = HERE / "IMPORT_RESULTS.md"
    text = results.read_text() if results.exists() else "# 360Giving import: measured\n\n"
    results.write_text(text + "\n" + report(rows, engine))
    print(report(rows, engine))


if __name__ == "__main__":
    main()

"""A second Compact, end to end, as its operator makes it with the commands in README: the
worked example of docs/editions.md (Wyvern Vale, an invented area with a 16-week
consultation and six months' notice) set up on an empty data folder, its records checked
against its own figures and a notice planned by them. Each command is a real process."""

from __future__ import annotations

import json
from pathlib import Path

# The set-up commands' fixtures: a database of its own, and `run` for one real process.
from test_setup_commands import database_url, run  # noqa: F401

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples" / "editions"
EDITION = EXAMPLES / "wyvern-vale-2026.yaml"
RECORDS = EXAMPLES / "wyvern-vale-records.json"


def test_the_worked_example_is_a_compact_of_its_own(run):  # noqa: F811
    assert run("init", "--admin-email", "admin@example.org").returncode == 0
    created = run("compacts", "create", "wyvern-vale", "--name", "The Wyvern Vale Compact",
                  "--area", "Wyvern Vale")  # fmt: skip
    assert created.returncode == 0, created.stderr

    loaded = run("editions", "load", str(EDITION), "--compact", "wyvern-vale")
    assert loaded.returncode == 0, loaded.stderr
    assert "is the first edition of The Wyvern Vale Compact" in loaded.stdout
    assert "in force from 1 April 2026" in loaded.stdout

    checked = run("check", str(RECORDS), "--compact", "wyvern-vale", "--as-of", "2027-06-01",
                  "--format", "json")  # fmt: skip
    assert checked.returncode == 1, checked.stderr  # some findings are not met
    findings = {(item["record"], item["commitment"]): item
                for item in json.loads(checked.stdout)["findings"]}  # fmt: skip
    assert {commitment.split("/")[0] for _, commitment in findings} == {"wyvern-vale-2026"}
    # Judged by the area's own figures: 16 weeks, two years, six months.
    long_enough = findings[("wv-c1", "wyvern-vale-2026/2.1")]
    assert long_enough["status"] == "met" and "at least 16 weeks" in long_enough["message"]
    too_short = findings[("wv-c2", "wyvern-vale-2026/2.1")]
    assert too_short["status"] == "not_met"
    assert "ran for 12 weeks" in too_short["message"] and "16 weeks" in too_short["message"]
    assert findings[("wv-g1", "wyvern-vale-2026/3.2")]["status"] == "met"
    assert findings[("wv-g2", "wyvern-vale-2026/3.2")]["status"] == "not_met"
    notice = findings[("wv-n1", "wyvern-vale-2026/4.2")]
    assert notice["status"] == "not_met" and "6 months" in notice["message"]
    assert findings[("vale-foodshare", "wyvern-vale-2026/5.2")]["status"] == "met"

    planned = run("plan", "notice", "--effective", "2027-03-31", "--compact", "wyvern-vale")
    assert planned.returncode == 0, planned.stderr
    assert "give notice by 30 September 2026 at the latest" in planned.stdout
    assert "at least 6 months' notice, in writing" in planned.stdout
    assert "(wyvern-vale-2026/4.2)" in planned.stdout
    consultation = run("plan", "consultation", "--opens", "2026-05-04", "--compact",
                       "wyvern-vale", "--format", "json")  # fmt: skip
    assert json.loads(consultation.stdout)["commitment"] == "wyvern-vale-2026/2.1"

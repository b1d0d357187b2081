"""The `compactwatch` command, run as a user runs it: in a real subprocess."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_records import SPEC_EXAMPLE

SCRIPT = Path(sys.executable).parent / "compactwatch"
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "compactwatch"]


def run(*arguments, cwd=None):
    return subprocess.run(
        [*COMMAND, *arguments], capture_output=True, text=True, cwd=cwd, timeout=60
    )


@pytest.fixture
def spec_file(tmp_path):
    path = tmp_path / "records.json"
    path.write_text(json.dumps(SPEC_EXAMPLE))
    return path


def test_check_json_output_follows_the_spec(spec_file):
    result = run("check", str(spec_file), "--as-of", "2016-06-01", "--format", "json")
    document = json.loads(result.stdout)
    assert document["as_of"] == "2016-06-01"
    assert document["edition"] is None
    findings = {(f["record"], f["commitment"]): f for f in document["findings"]}
    notice = findings[("n1", "cambridgeshire-refreshed/4.5")]
    assert notice["status"] == "met"
    assert notice["record_type"] == "funding_change"
    assert notice["strength"] == "must"
    assert set(notice) == {"record", "record_type", "commitment", "status", "strength", "message"}
    # The example's agreement was awarded without being 12 months long? It runs 3 years: met.
    assert findings[("g1", "cambridgeshire-refreshed/3.4")]["status"] == "met"
    statuses = {f["status"] for f in document["findings"]}
    assert result.returncode == (1 if "not_met" in statuses else 0)


def test_check_exit_status_one_when_not_met(tmp_path):
    path = tmp_path / "late.json"
    path.write_text(json.dumps({"funding_changes": [
        {"id": "n1", "notice_given": "2016-03-01", "effective": "2016-04-12",
         "in_writing": True, "rationale": "Budget"}]}))  # fmt: skip
    result = run("check", str(path), "--format", "json")
    assert result.returncode == 1
    finding = json.loads(result.stdout)["findings"][0]
    assert finding["message"] == (
        "Notice of 6 weeks was given; the Compact asks for at least 3 months in writing (4.5)."
    )


def test_check_exit_status_zero_when_all_kept(tmp_path):
    path = tmp_path / "good.json"
    path.write_text(json.dumps({"funding_changes": [
        {"id": "n1", "change": "vary", "notice_given": "2016-01-31", "effective": "2016-04-30",
         "in_writing": True, "rationale": "Budget"}]}))  # fmt: skip
    result = run("check", str(path))
    assert result.returncode == 0, result.stdout
    assert "MET" in result.stdout


def test_edition_option_judges_every_record_by_it(spec_file):
    result = run("check", str(spec_file), "--edition", "cambridgeshire-2007", "--format", "json")
    document = json.loads(result.stdout)
    assert document["edition"] == "cambridgeshire-2007"
    assert {f["commitment"].split("/")[0] for f in document["findings"]} == {"cambridgeshire-2007"}


def test_text_report_puts_not_met_first(tmp_path):
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps({
        "consultations": [{"id": "good", "opens": "2015-01-05", "closes": "2015-03-29",
                           "formal": True, "feedback_published": "2015-05-01"}],
        "funding_agreements": [{"id": "bad", "award_date": "2015-03-01",
                                "decision_rationale": False}],
    }))  # fmt: skip
    result = run("check", str(path), "--as-of", "2016-01-01")
    assert result.returncode == 1
    out = result.stdout
    assert out.index("funding agreement bad") < out.index("consultation good")
    assert "NOT MET" in out


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        ("{not json", "records.json", "records.json: is not valid JSON"),
        ('{"funding_changes": [{"id": "n1", "notice_givn": "2016-01-01"}]}', "records.json",
         "records.json: funding change 'n1', field 'notice_givn': unknown field"),
        ('{"funding_changes": [{"id": "n1", "notice_given": "2016-13-01"}]}', "records.json",
         "field 'notice_given': '2016-13-01' is not a date"),
        ('{"funding_changes": [{"id": "n1", "agreement": "nope"}]}', "records.json",
         "funding change 'n1', field 'agreement': no funding agreement has the id 'nope'"),
        ("id,opens,colour\nc1,2015-01-05,red\n", "consultations.csv", "unknown column 'colour'"),
        ("", "records.json", "records.json: the file is empty"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_a_named_error_and_no_findings(tmp_path, content, name, expected):
    path = tmp_path / name
    path.write_text(content)
    for output in ("text", "json"):
        result = run("check", str(path), "--format", output)
        assert result.returncode == 2
        assert result.stdout == ""
        assert expected in result.stderr
        assert "Traceback" not in result.stderr


def test_csv_input(tmp_path):
    (tmp_path / "consultations.csv").write_text(
        "id,organisation,title,opens,closes,formal\nc1,ccc,Review,2015-01-05,2015-03-28,true\n"
    )
    result = run(
        "check", str(tmp_path / "consultations.csv"), "--format", "json", "--as-of", "2015-01-06"
    )
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    assert [(f["commitment"], f["status"]) for f in findings] == [
        ("cambridgeshire-refreshed/2.4", "not_met"),
        ("cambridgeshire-refreshed/2.5", "unknown"),
    ]


def test_missing_file_and_unknown_edition(tmp_path, spec_file):
    result = run("check", str(tmp_path / "nope.json"))
    assert result.returncode == 2 and "cannot be read" in result.stderr
    result = run("check", str(spec_file), "--edition", "nowhere-1999")
    assert result.returncode == 2 and "there is no edition 'nowhere-1999'" in result.stderr
    result = run("check", str(spec_file), "--as-of", "1 June 2016")
    assert result.returncode == 2 and "not a date" in result.stderr


def test_editions_list_show_and_diff():
    listing = run("editions")
    assert listing.returncode == 0
    assert "cambridgeshire-2007" in listing.stdout and "cambridgeshire-refreshed" in listing.stdout
    shown = json.loads(
        run("editions", "show", "cambridgeshire-refreshed", "--format", "json").stdout
    )
    assert shown["id"] == "cambridgeshire-refreshed"
    by_ref = {c["ref"]: c for c in shown["commitments"]}
    assert by_ref["4.5"]["text"].startswith("Give a minimum of three months’ notice in writing")
    assert by_ref["4.5"]["standards"][0]["parameters"]["minimum_notice"]["value"] == 3
    text = run("editions", "show", "cambridgeshire-2007")
    assert "3.2   Work towards a situation" in text.stdout
    diff = run("editions", "diff", "cambridgeshire-2007", "cambridgeshire-refreshed")
    assert diff.returncode == 0
    assert "minimum notice: 12 weeks -> 3 months" in diff.stdout
    assert "in writing required: no -> yes" in diff.stdout


def test_plan_notice_and_consultation():
    notice = run("plan", "notice", "--effective", "2026-03-31")
    assert notice.returncode == 0
    assert "give notice by 31 December 2025 at the latest" in notice.stdout
    planned = json.loads(
        run("plan", "notice", "--effective", "2010-03-31", "--format", "json").stdout
    )
    assert planned["latest_notice_date"] == "2010-01-06"  # 12 weeks under the 2007 edition
    assert planned["edition"] == "cambridgeshire-2007"
    consultation = json.loads(
        run("plan", "consultation", "--opens", "2015-01-05", "--format", "json").stdout
    )
    assert consultation["earliest_closing_date"] == "2015-03-29"


@pytest.mark.parametrize(
    "arguments",
    [
        ("plan", "notice", "--effective", "9999-12-31"),
        ("plan", "consultation", "--opens", "0001-01-01"),
        ("plan", "consultation", "--opens", "0001-01-01", "--edition", "cambridgeshire-2007"),
        ("check", "records.json", "--as-of", "9999-12-31"),
        ("check", "records.json", "--as-of", "1899-12-31", "--format", "json"),
    ],
)
def test_dates_past_the_bounds_are_refused_plainly(spec_file, arguments):
    result = run(*arguments, cwd=spec_file.parent)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "outside the dates compactwatch works with (1900-01-01 to 2199-12-31)" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_problem_is_listed_and_nothing_printed(tmp_path):
    path = tmp_path / "records.json"
    path.write_text(json.dumps({"consultations": [
        {"id": "c1", "opens": "2016-02-30", "closes": "0001-01-01", "formal": "yes",
         "title": "t" * 301, "colour": "red"}]}))  # fmt: skip
    for output in ("text", "json"):
        result = run("check", str(path), "--format", output)
        assert result.returncode == 2
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 5
        for name in ("colour", "title", "opens", "closes", "formal"):
            assert any(
                f"compactwatch check: records.json: consultation 'c1', field '{name}'" in line
                for line in lines
            )


def test_an_over_long_csv_cell_is_an_input_error_not_a_traceback(tmp_path):
    path = tmp_path / "consultations.csv"
    path.write_text(f'id,title,opens\nc1,"{"x" * 140_000}",2015-01-05\n')
    result = run("check", str(path), "--format", "json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "compactwatch check: consultations.csv: consultation 'c1', field 'title': "
        "140,000 characters long: at most 300 are allowed\n"
    )


def test_a_csv_not_in_utf8_is_read_with_a_warning(tmp_path):
    path = tmp_path / "organisations.csv"
    path.write_bytes(
        "id,name,sector,kind,compact_lead_name,compact_lead_role\n"
        "cafe,Café Group,voluntary,charity,Zoë,trustee\n".encode("cp1252")
    )
    result = run("check", str(path), "--as-of", "2010-01-01", "--format", "json")
    assert result.returncode == 1
    assert "Zoë" in json.loads(result.stdout)["findings"][0]["message"]
    assert result.stderr == (
        "compactwatch check: warning: organisations.csv: this file is not UTF-8 encoded: it has "
        "been read as Windows-1252 (cp1252), as Excel saves CSV files; check that names read "
        "correctly\n"
    )


def test_a_json_file_with_a_byte_order_mark_is_checked(tmp_path):
    path = tmp_path / "records.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(SPEC_EXAMPLE).encode())
    result = run("check", str(path), "--as-of", "2016-06-01", "--format", "json")
    assert result.returncode in (0, 1) and result.stderr == ""
    assert json.loads(result.stdout)["as_of"] == "2016-06-01"


def test_terminal_escapes_never_reach_the_terminal_raw(tmp_path):
    path = tmp_path / "records.json"
    path.write_text(json.dumps({"organisations": [
        {"id": "o1", "kind": "local_authority\x1b]0;pwned\x07",
         "compact_lead": {"name": "A\x1b[2J", "role": "clerk\x9b31m"}}]}))  # fmt: skip
    text = run("check", str(path), "--as-of", "2010-01-01")
    assert text.returncode == 1
    assert "\\x1b[2J" in text.stdout and "\\x9b31m" in text.stdout
    assert all(char.isprintable() for char in text.stdout.replace("\n", ""))
    findings = json.loads(
        run("check", str(path), "--as-of", "2010-01-01", "--format", "json").stdout
    )
    assert "A\x1b[2J" in findings["findings"][0]["message"]  # JSON escapes it itself
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"consultations": [{"id": "c\x1b[2J", "t\x1bx": 1}]}))
    refused = run("check", str(bad))
    assert refused.returncode == 2 and refused.stdout == ""
    assert "\x1b" not in refused.stderr and "'c\\x1b[2J'" in refused.stderr

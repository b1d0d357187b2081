"""The set-up commands, each through a real `compactwatch` process on an empty data folder
and a database of its own: SQLite, or a fresh PostgreSQL database when the tests run on
PostgreSQL (DATABASE_URL), so they never meet pytest-django's test database."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).parents[2]
SHIPPED = ROOT / "compactwatch" / "compact" / "editions" / "cambridgeshire-refreshed.yaml"
NOT_SET_UP = re.compile(
    r"^compactwatch: The database at .+ is not set up yet: run `compactwatch init`\.$"
)
LINK = re.compile(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)")
PASSWORD = "a-new-long-password-7"


@pytest.fixture
def database_url(tmp_path):
    outer = os.environ.get("DATABASE_URL", "")
    if not outer.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'setup.sqlite3'}"
        return
    import psycopg

    name = f"cw_setup_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(outer, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    yield urlsplit(outer)._replace(path=f"/{name}").geturl()
    with psycopg.connect(outer, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def run(tmp_path, database_url):
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("COMPACTWATCH_", "EMAIL_", "DJANGO_"))}  # fmt: skip
    environment.update(
        DATABASE_URL=database_url,
        COMPACTWATCH_DATA_DIR=str(tmp_path / "data"),
        COMPACTWATCH_SITE_URL="http://testserver",
    )

    def run(*arguments: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "compactwatch", *arguments], cwd=tmp_path, env=environment,
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert "Traceback" not in result.stderr, result.stderr
        return result

    return run


def _set_password(run, path: str, username: str) -> list[str]:
    """Follow a set-password link with Django's test client, in the command's own database:
    whether the link leads to the form, whether the password set there works, and whether
    the link is still valid afterwards."""
    script = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
client = Client()
form = client.get({path!r})
print(form.status_code == 302 and form.url.endswith("/set-password/"))
saved = client.post(form.url, {{"new_password1": {PASSWORD!r}, "new_password2": {PASSWORD!r}}})
user = get_user_model().objects.get(username={username!r})
print(saved.status_code == 302 and user.check_password({PASSWORD!r}))
print(default_token_generator.check_token(user, {path.rstrip("/").rsplit("/", 1)[1]!r}))
"""
    result = run("manage", "shell", "-v", "0", "-c", script)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def _init(run) -> subprocess.CompletedProcess:
    result = run("init", "--admin-email", "admin@example.org")
    assert result.returncode == 0, result.stderr
    return result


def test_a_database_not_set_up_is_one_line_for_every_command(run, tmp_path):
    edition = tmp_path / "edition.yaml"
    edition.write_text(SHIPPED.read_text())
    commands = [
        ["compacts", "list"],
        ["compacts", "create", "leeds", "--name", "The Leeds Compact"],
        ["compacts", "create", "cambridgeshire", "--shipped"],
        ["editions", "list", "--compact", "cambridgeshire"],
        ["editions", "load", str(edition), "--compact", "cambridgeshire"],
        ["editions", "export", "cambridgeshire-2007", "--compact", "cambridgeshire"],
        ["users", "invite", "jo@example.org", "--compact", "cambridgeshire", "--officer"],
        ["import", "360giving", str(edition), "--compact", "cambridgeshire"],
    ]
    for command in commands:
        result = run(*command)
        assert result.returncode == 1, command
        assert NOT_SET_UP.match(result.stderr.strip()), (command, result.stderr)
        assert result.stdout == ""


def test_init_sets_up_once_and_its_link_sets_the_password(run):
    first = _init(run)
    assert "Made the site administrator admin@example.org" in first.stdout
    assert "compactwatch compacts create" in first.stdout  # what to do next
    (path,) = LINK.findall(first.stdout)
    second = _init(run)
    assert "A site administrator exists already (admin@example.org); nothing changed." in (
        second.stdout
    )
    assert "is up to date" in second.stdout and not LINK.search(second.stdout)
    assert _set_password(run, path, "admin@example.org") == ["True", "True", "False"]


def test_init_without_a_terminal_or_an_email_says_what_to_give(run):
    result = run("init")
    assert result.returncode == 2
    assert "--admin-email" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_compacts_create_and_list(run):
    _init(run)
    created = run("compacts", "create", "leeds", "--name", "The Leeds Compact")
    assert created.returncode == 0, created.stderr
    assert "Created The Leeds Compact (leeds), for Leeds, with no editions yet." in created.stdout
    assert "compactwatch editions load" in created.stdout
    again = run("compacts", "create", "leeds", "--name", "The Leeds Compact")
    assert again.returncode == 0 and "already exists; nothing changed" in again.stdout
    different = run("compacts", "create", "leeds", "--name", "The Leeds and Bradford Compact")
    assert different.returncode == 1
    assert "There is already a Compact 'leeds': The Leeds Compact" in different.stderr
    shipped = run("compacts", "create", "cambridgeshire", "--shipped")
    assert shipped.returncode == 0, shipped.stderr
    assert "2 editions and 24 organisations in its register" in shipped.stdout
    shipped_again = run("compacts", "create", "cambridgeshire", "--shipped")
    assert shipped_again.returncode == 0 and "nothing changed" in shipped_again.stdout
    invited = run("users", "invite", "jo@example.org", "--compact", "cambridgeshire", "--officer")
    assert invited.returncode == 0, invited.stderr

    listing = run("compacts", "list")
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.splitlines() == [
        "cambridgeshire: The Cambridgeshire Compact (Cambridgeshire)",
        "  partners: 24; officers: jo@example.org",
        "  cambridgeshire-2007: The Cambridgeshire Compact: Final Revision following "
        "consultation, February 2007, in force from 1 February 2007",
        "  cambridgeshire-refreshed: The Cambridgeshire Compact: Refreshed edition: the "
        "National Compact outcomes, in force from 1 December 2012",
        "leeds: The Leeds Compact (Leeds)",
        "  partners: 0; officers: none yet",
        "  no editions yet",
    ]


def test_an_unknown_compact_is_one_line(run):
    _init(run)
    for command in (
        ["editions", "list", "--compact", "nowhere"],
        ["users", "invite", "jo@example.org", "--compact", "nowhere", "--officer"],
    ):
        result = run(*command)
        assert result.returncode == 1
        assert result.stderr.strip().splitlines() == [
            "compactwatch: There is no Compact 'nowhere' (there are: none yet). "
            "Create one with `compactwatch compacts create`."
        ]


def _leeds_edition(
    tmp_path: Path, edition_id: str = "leeds-2026", weeks: int = 16, default: str = "2026-04-01"
) -> tuple[Path, dict]:
    """The refreshed edition made Leeds's own: its id, Compact, date and consultation length."""
    document = yaml.safe_load(SHIPPED.read_text())
    document.update(id=edition_id, compact="leeds", title="The Leeds Compact",
                    default_in_force_from=default)  # fmt: skip
    for commitment in document["commitments"]:
        for standard in commitment.get("standards", []):
            if standard["check"] == "consultation_length":
                standard["parameters"]["minimum_length"]["value"] = weeks
    path = tmp_path / f"{edition_id}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    return path, document


def test_editions_load_shows_the_changes_stores_once_and_exports_the_same(run, tmp_path):
    _init(run)
    assert run("compacts", "create", "leeds", "--name", "The Leeds Compact").returncode == 0
    first_path, _ = _leeds_edition(tmp_path, "leeds-2020", weeks=12, default="2020-01-01")
    first = run("editions", "load", str(first_path), "--compact", "leeds",
                "--in-force-from", "2020-02-01")  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "is the first edition of The Leeds Compact" in first.stdout
    assert "in force from 1 February 2020" in first.stdout

    path, newer = _leeds_edition(tmp_path)
    newer["commitments"][0]["text"] += " (as agreed in Leeds)"
    path.write_text(yaml.safe_dump(newer, sort_keys=False, allow_unicode=True))
    loaded = run("editions", "load", str(path), "--compact", "leeds")
    assert loaded.returncode == 0, loaded.stderr
    assert "minimum length: 12 weeks -> 16 weeks" in loaded.stdout
    assert f"Worded differently: {newer['commitments'][0]['ref']}." in loaded.stdout
    assert "Stored The Leeds Compact" in loaded.stdout and "1 April 2026" in loaded.stdout
    again = run("editions", "load", str(path), "--compact", "leeds")
    assert again.returncode == 0 and "is already stored, unchanged" in again.stdout

    listing = run("editions", "list", "--compact", "leeds")
    assert listing.returncode == 0, listing.stderr
    assert [line.split()[0] for line in listing.stdout.splitlines()] == ["leeds-2020", "leeds-2026"]

    exported = tmp_path / "exported.yaml"
    result = run("editions", "export", "leeds-2026", "--compact", "leeds", "-o", str(exported))
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(exported.read_text()) == newer
    assert (
        "is already stored, unchanged"
        in run("editions", "load", str(exported), "--compact", "leeds").stdout
    )


def test_an_edition_of_another_compact_or_under_a_stored_id_is_refused(run, tmp_path):
    _init(run)
    assert run("compacts", "create", "cambridgeshire", "--shipped").returncode == 0
    assert run("compacts", "create", "leeds", "--name", "The Leeds Compact").returncode == 0
    path, document = _leeds_edition(tmp_path)
    other = run("editions", "load", str(path), "--compact", "cambridgeshire")
    assert other.returncode == 1
    assert "field compact: the file is an edition of the Compact 'leeds'" in other.stderr
    document.update(id="cambridgeshire-2007", compact="cambridgeshire")
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    taken = run("editions", "load", str(path), "--compact", "cambridgeshire")
    assert taken.returncode == 1
    assert "already has an edition with the id 'cambridgeshire-2007'" in taken.stderr


def test_an_invalid_edition_file_lists_every_problem_and_stores_nothing(run, tmp_path):
    _init(run)
    assert run("compacts", "create", "leeds", "--name", "The Leeds Compact").returncode == 0
    path, document = _leeds_edition(tmp_path)
    commitments = document["commitments"]
    del commitments[0]["text"]
    commitments[3]["binds"] = "everyone"
    measurable = [item for item in commitments if item.get("standards")]
    consultation = next(item for item in measurable
                        if item["standards"][0]["check"] == "consultation_length")  # fmt: skip
    consultation["standards"][0]["parameters"]["minimum_length"]["value"] = "sixteen"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))

    result = run("editions", "load", str(path), "--compact", "leeds")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert (
        lines[0]
        == f"compactwatch: leeds-2026.yaml: commitment {commitments[0]['ref']}: 'text' is a required property"
    )
    assert lines[1].startswith(
        f"compactwatch: leeds-2026.yaml: commitment {commitments[3]['ref']}, field binds: 'everyone'"
    )
    assert lines[2].startswith(
        f"compactwatch: leeds-2026.yaml: commitment {consultation['ref']}, "
        "field standards[0].parameters.minimum_length.value: 'sixteen'"
    )
    assert lines[3] == "compactwatch: 3 problems in the file; nothing was stored."
    listing = run("editions", "list", "--compact", "leeds")
    assert "no editions yet" in listing.stdout


def test_users_invite_sends_a_link_that_sets_the_password_once(run):
    _init(run)
    assert run("compacts", "create", "cambridgeshire", "--shipped").returncode == 0
    result = run("users", "invite", "sam@example.org", "--compact", "cambridgeshire",
                 "--organisation", "hunts-forum")  # fmt: skip
    assert result.returncode == 0, result.stderr
    # The console email backend (no EMAIL_HOST) prints the email.
    assert "Subject: Your invitation to The Cambridgeshire Compact" in result.stdout
    assert "To: sam@example.org" in result.stdout
    assert "as a member of Hunts Forum" in result.stdout
    assert "Made an account for sam@example.org, as a member of Hunts Forum." in result.stdout
    (path,) = LINK.findall(result.stdout)
    assert _set_password(run, path, "sam@example.org") == ["True", "True", "False"]
    again = run("users", "invite", "sam@example.org", "--compact", "cambridgeshire",
                "--organisation", "hunts-forum")  # fmt: skip
    assert again.returncode == 0
    assert "has an account already" in again.stdout and not LINK.search(again.stdout)
    missing = run("users", "invite", "sam@example.org", "--compact", "cambridgeshire",
                  "--organisation", "no-such-group")  # fmt: skip
    assert missing.returncode == 1 and "has no organisation 'no-such-group'" in missing.stderr


@pytest.mark.parametrize(
    ("command", "advice"),
    [
        (["demo", "--port", "{port}", "--data-dir", "demo"], "--port (or PORT=8010 make demo)"),
        (["serve", "--bind", "127.0.0.1:{port}"], "--bind"),
    ],
)
def test_a_port_in_use_is_said_before_serving(run, command, advice):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(*[part.format(port=port) for part in command])
    assert result.returncode == 1
    assert result.stdout == ""  # never "Serving"
    assert result.stderr.strip() == (
        f"compactwatch: Port {port} is in use: choose another with {advice}."
    )

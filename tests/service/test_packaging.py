"""The package built from the repository serves styled pages once installed; a missing
static file is logged, never a 500."""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
STYLESHEET = "compactwatch/web/static/web/compactwatch.css"
GOVUK_SCRIPT = "compactwatch/web/static/web/govuk-frontend.min.js"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    if not (ROOT / STYLESHEET).is_file():
        pytest.fail("build the stylesheet first (npm run build): the package needs it")
    out = tmp_path_factory.mktemp("wheel")
    # pip builds in the repository's build/ folder: one build at a time across test workers.
    lock = tmp_path_factory.getbasetemp().parent / "compactwatch-wheel.lock"
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        built = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out),
             str(ROOT)], capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (path,) = out.glob("compactwatch-*.whl")
    return path


def test_the_wheel_holds_the_stylesheet_the_script_and_the_editions(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {STYLESHEET, GOVUK_SCRIPT} <= names
    assert "compactwatch/compact/editions/cambridgeshire-refreshed.yaml" in names
    assert "compactwatch/compact/editions/cambridgeshire-2007.yaml" in names
    assert "compactwatch/compact/editions/edition.schema.json" in names
    assert "compactwatch/web/templates/web/base.html" in names


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers["Content-Type"], response.read()


@pytest.mark.packaging
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the demonstration runs on SQLite only: this ran in the SQLite pass",
)
def test_the_installed_wheel_serves_styled_pages(wheel, tmp_path):
    # A fresh virtualenv with nothing but the wheel; its dependencies are read, offline,
    # from this one's site-packages, named in a .pth file written after the install. A
    # plain path in a .pth file does not run that folder's own .pth files, so the
    # repository's editable install stays out of sight: compactwatch comes from the wheel.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    site_packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    Path(site_packages, "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = subprocess.run(
        [str(python), "-c", "import compactwatch; print(compactwatch.__file__)"],
        capture_output=True, text=True, cwd=tmp_path, check=True,
    ).stdout  # fmt: skip
    assert where.startswith(site_packages), where

    port = _free_port()
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("DATABASE_URL", "COMPACTWATCH_", "DJANGO_"))}  # fmt: skip
    log = (tmp_path / "demo.log").open("w+")
    demo = subprocess.Popen(
        [str(venv / "bin" / "compactwatch"), "demo", "--port", str(port), "--data-dir",
         str(tmp_path / "data")], cwd=tmp_path, env=environment, stdout=log, stderr=log,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 100
        while True:
            try:
                status, _, page = _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                if demo.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"the demonstration did not serve:\n{log.read()[-3000:]}")
                time.sleep(0.5)
        assert status == 200
        text = page.decode()
        start = text.index('href="/static/web/compactwatch.')
        stylesheet = text[start + len('href="') : text.index('"', start + len('href="'))]
        assert stylesheet.endswith(".css") and stylesheet != "/static/web/compactwatch.css"
        status, content_type, body = _get(f"http://127.0.0.1:{port}{stylesheet}")
        assert status == 200 and content_type.startswith("text/css")
        assert b".govuk-header" in body
    finally:
        demo.terminate()
        demo.wait(timeout=30)
        log.close()


@pytest.mark.django_db
def test_a_missing_stylesheet_is_logged_and_the_page_still_serves(
    compact, client, settings, tmp_path, caplog
):
    # As when a package was built without `npm run build`: collectstatic found no
    # stylesheet, so the manifest does not name it.
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "compactwatch.staticfiles.ForgivingManifestStorage"},
    }
    with caplog.at_level(logging.WARNING, logger="compactwatch.staticfiles"):
        response = client.get(f"/compacts/{compact.slug}/")
    assert response.status_code == 200
    assert 'href="/static/web/compactwatch.css"' in response.content.decode()
    assert any(
        "web/compactwatch.css is missing" in message and "npm run build" in message
        for message in caplog.messages
    )


def test_whitenoise_asking_about_unhashed_names_is_not_logged(settings, tmp_path, caplog):
    # Whitenoise asks, as it starts, for `web/x.js` of each `web/x.min.js` it serves: that
    # file was never meant to exist, so its answer (none) is quiet and nothing is forgiven.
    from compactwatch.staticfiles import WhiteNoise

    settings.STATIC_ROOT = tmp_path
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "compactwatch.staticfiles.ForgivingManifestStorage"},
    }
    middleware = WhiteNoise(lambda request: None)
    with caplog.at_level(logging.DEBUG, logger="compactwatch.staticfiles"):
        assert middleware.get_static_url("web/govuk-frontend.js") is None
    assert not caplog.messages

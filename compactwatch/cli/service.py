"""`compactwatch demo`, `serve` and `manage`: the web service (Django is set up only here)."""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib.util
import os
import secrets
import signal
import socket
import subprocess
import sys
from pathlib import Path

from compactwatch.cli.common import CommandError
from compactwatch.cli.database import django_setup

BUILT_CSS = Path(__file__).resolve().parents[1] / "web" / "static" / "web" / "compactwatch.css"
DEMO_USERS = (
    ("officer", "Compact officer (runs the Cambridgeshire Compact)", None),
    ("council", "Member of Cambridgeshire County Council", "cambridgeshire-county-council"),
    # A small charity the councils fund, some of whose funding is cut: it sees how it was treated.
    ("group", "Member of Soham Good Neighbours, a small funded charity (invented)", "demo-group-7"),
    ("admin", "Site administrator", None),
)


def register(subcommands: argparse._SubParsersAction) -> None:
    demo = subcommands.add_parser(
        "demo", help="set up a demonstration Compact on SQLite and serve it"
    )
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--data-dir", default=os.environ.get("COMPACTWATCH_DATA_DIR", "data/demo"))
    demo.add_argument("--no-serve", action="store_true", help="set up, print the logins, and stop")
    demo.set_defaults(handler=run_demo)
    serve = subcommands.add_parser(
        "serve", help="migrate and serve the app on real data (gunicorn)"
    )
    serve.add_argument("--bind", default="127.0.0.1:8000")
    serve.add_argument("--workers", type=int, default=3)
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start the import worker (run `compactwatch manage db_worker` yourself)",
    )
    serve.set_defaults(handler=run_serve)
    manage = subcommands.add_parser("manage", help="Django's management commands")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=run_manage)


def check_port_free(bind: str, how_to_choose: str) -> None:
    """Refuse, in one line, an address another program is listening on, before anything
    says "Serving" (gunicorn would start, then die)."""
    if bind.startswith(("unix:", "fd://")):
        return
    host, _, port = bind.rpartition(":")
    host = host.strip("[]") or "0.0.0.0"
    try:
        number = int(port)
    except ValueError:
        raise CommandError(f"'{bind}' is not an address to serve on (HOST:PORT)") from None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As gunicorn binds: a port left in TIME_WAIT by a server just stopped is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, number))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"Port {number} is in use: choose another with {how_to_choose}.", status=1
                ) from None
            raise CommandError(f"Cannot serve on {bind}: {error.strerror}", status=1) from None


def _prepare() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if not BUILT_CSS.exists():
        print(
            f"Note: the stylesheet is not built ({BUILT_CSS} is missing), so pages are served "
            "without it. Run `npm ci && npm run build` (make demo does), or install a package "
            "built after it.",
            file=sys.stderr,
        )
    try:
        call_command("collectstatic", verbosity=0, interactive=False)
    except Exception as error:  # e.g. a script naming a file not shipped: serve, plainer
        problem = " ".join(str(error).split())
        print(f"Note: the static files could not be collected, so pages are served without "
              f"them: {problem}", file=sys.stderr)  # fmt: skip


SUPERVISE_EVERY = 5  # seconds between looks at the worker and at running imports


def _bound_memory() -> None:
    """In the worker's process, before it starts: a file that would take more memory than
    this fails its own import (MemoryError, reported as failed) instead of the machine."""
    import resource

    megabytes = int(os.environ.get("COMPACTWATCH_WORKER_MEMORY_MB", "4096"))
    resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))


def _start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "django", "db_worker", "--interval", "1"], preexec_fn=_bound_memory
    )


def _supervise(server: subprocess.Popen) -> int:
    """Serve until the server stops, keeping the import worker running: a worker that dies
    (killed, or out of memory) is started again, and an import it was running is marked as
    failed (and audited) once its heartbeat has been silent for a minute."""
    from django.db import connections

    from compactwatch.imports.services import fail_stalled_jobs

    worker = _start_worker()
    try:
        while server.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=SUPERVISE_EVERY)
            if worker.poll() is not None and server.poll() is None:
                print(f"The import worker stopped (exit status {worker.returncode}); "
                      "starting it again.", file=sys.stderr, flush=True)  # fmt: skip
                worker = _start_worker()
            try:
                fail_stalled_jobs()
            except Exception as error:  # the database busy or away: look again next time
                print(f"Could not look at running imports: {error}", file=sys.stderr)
            finally:
                connections.close_all()
        return server.returncode
    finally:
        if worker.poll() is None:
            worker.terminate()
            worker.wait()


def _gunicorn(bind: str, workers: int, how_to_choose: str, with_worker: bool = True) -> int:
    """Serve the app with gunicorn and, beside it, the supervised worker that runs queued
    imports."""
    check_port_free(bind, how_to_choose)
    if importlib.util.find_spec("gunicorn") is None:
        raise CommandError("gunicorn is not installed", status=1)
    print(f"Serving on http://{bind}/ (Ctrl-C stops it)", flush=True)
    # This Python's own gunicorn, so that it serves this installation of compactwatch.
    server_command = [sys.executable, "-m", "gunicorn", "compactwatch.wsgi:application",
                      "--bind", bind, "--workers", str(workers), "--access-logfile", "-"]  # fmt: skip
    if not with_worker:
        os.execv(sys.executable, server_command)
    server = subprocess.Popen(server_command)
    # Stopped by a service manager (SIGTERM): stop the server, and with it the worker.
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        return _supervise(server)
    except KeyboardInterrupt:
        return server.wait()
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait()


DEMO_PORT_CHOICE = "--port (or PORT=8010 make demo)"


def run_demo(arguments: argparse.Namespace) -> int:
    if not arguments.no_serve:  # say so at once, not after setting everything up
        check_port_free(f"127.0.0.1:{arguments.port}", DEMO_PORT_CHOICE)
    os.environ["COMPACTWATCH_DATA_DIR"] = str(Path(arguments.data_dir).resolve())
    os.environ.pop("DATABASE_URL", None)  # the demonstration always runs on SQLite
    django_setup("demo")
    _prepare()
    from django.contrib.auth import get_user_model

    from compactwatch.changes.base import Actor
    from compactwatch.changes.editions import install_shipped_compact
    from compactwatch.changes.register import add_membership, add_officer
    from compactwatch.demo import load_demo
    from compactwatch.organisations.models import Organisation

    compact = install_shipped_compact()
    loaded = load_demo(compact)
    print(
        f"The Cambridgeshire Compact with demonstration records ({loaded} new) is in {arguments.data_dir}."
    )
    print("\nSign in as (passwords are new each run):")
    User = get_user_model()
    for username, role, organisation in DEMO_USERS:
        password = secrets.token_urlsafe(9)
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_superuser = user.is_staff = username == "admin"
        user.save()
        actor = Actor.system("demonstration")
        if username == "officer":
            add_officer(actor, compact, user)
        if organisation:
            add_membership(actor, Organisation.objects.get(compact=compact, ref=organisation), user)
        print(f"  {username:<8} {password:<14} {role}")
    if arguments.no_serve:
        return 0
    return _gunicorn(f"127.0.0.1:{arguments.port}", 3, DEMO_PORT_CHOICE)


def run_serve(arguments: argparse.Namespace) -> int:
    check_port_free(arguments.bind, "--bind")
    django_setup()
    _prepare()
    return _gunicorn(arguments.bind, arguments.workers, "--bind", not arguments.no_worker)


def run_manage(arguments: argparse.Namespace) -> int:
    django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["compactwatch manage", *arguments.arguments])
    return 0

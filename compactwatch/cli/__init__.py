"""The `compactwatch` command: thin over the core (and, for the service, over Django)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from compactwatch.cli import (
    check,
    compacts,
    editions,
    imports,
    init,
    open_data,
    plan,
    remind,
    report,
    service,
    users,
)
from compactwatch.cli.common import CommandError
from compactwatch.cli.database import database_problem

COMMANDS = (
    init, compacts, editions, users, check, plan, imports, remind, open_data, report, service
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="compactwatch",
        description="Run a local Compact: its editions, the checks, and the service.",
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.register(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        return arguments.handler(arguments)
    except CommandError as error:
        print(f"compactwatch: {error}", file=sys.stderr)
        return error.status
    except BrokenPipeError:
        # The reader (e.g. `head`) has gone; nothing more to say.
        sys.stderr.close()
        return 0
    except Exception as error:
        # A database not set up (or away) is one line saying what to do, whichever command
        # met it; anything else is a fault and keeps its traceback.
        problem = database_problem(error)
        if problem is None:
            raise
        print(f"compactwatch: {problem}", file=sys.stderr)
        return 1

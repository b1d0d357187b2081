"""The `compactwatch` command: thin over the core (and, for the service, over Django)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from compactwatch.cli import check, editions, imports, plan, service
from compactwatch.cli.common import CommandError

COMMANDS = (check, editions, plan, imports, service)


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
        return 2
    except BrokenPipeError:
        # The reader (e.g. `head`) has gone; nothing more to say.
        sys.stderr.close()
        return 0

"""`compactwatch remind`: send the reminders that are due, each once.

Safe to run from cron every few minutes: a message's key is stored before it is sent,
under a unique constraint, so two runs at once still send it once (changes/cases.py,
send_reminders). Prints one line per message and a last line `N reminders sent`.
"""

from __future__ import annotations

import argparse

from compactwatch.cli.common import iso_date
from compactwatch.cli.database import open_database


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "remind",
        help="email the reminders that are due (disagreements' deadlines, notice, feedback)",
        description="Email each reminder due today once: before and after a disagreement's "
        "deadline, funders whose agreements end soon (the last day to give notice and keep "
        "the Compact), and officers of consultations closed weeks ago with no feedback "
        "published. Safe to run from cron every few minutes.",
    )
    parser.add_argument(
        "--today", type=iso_date, metavar="YYYY-MM-DD", help="act as if it were this day"
    )
    parser.set_defaults(handler=remind_command)


def remind_command(arguments: argparse.Namespace) -> int:
    open_database()
    from django.utils import timezone

    from compactwatch.changes.base import Actor
    from compactwatch.changes.cases import send_reminders

    today = arguments.today or timezone.localdate()
    count = send_reminders(Actor.system(), today, say=lambda line: print(line, flush=True))
    print(f"{count} reminder{'' if count == 1 else 's'} sent")
    return 0

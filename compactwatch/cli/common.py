"""What the commands share: argument types and the editions they use."""

from __future__ import annotations

import argparse
from datetime import date

from compactwatch.compact.compact import CompactEditions, UnknownEdition
from compactwatch.compact.edition import Edition, EditionFileError
from compactwatch.compact.records import EARLIEST_DATE, LATEST_DATE, printable


class CommandError(Exception):
    """A problem with what the user asked for; printed as one line, with exit status
    `status` (2, the input is wrong, unless said otherwise)."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


def iso_date(text: str) -> date:
    """A date given on the command line, within the dates records may hold (their bounds)."""
    try:
        if len(text) != 10:
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{printable(repr(text))} is not a date in the form YYYY-MM-DD"
        ) from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise argparse.ArgumentTypeError(
            f"{text} is outside the dates compactwatch works with "
            f"({EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()})"
        )
    return day


def load_editions() -> CompactEditions:
    try:
        return CompactEditions.shipped()
    except EditionFileError as error:
        raise CommandError(str(error)) from None


def choose_edition(editions: CompactEditions, edition_id: str | None) -> Edition | None:
    if edition_id is None:
        return None
    try:
        return editions.get(edition_id)
    except UnknownEdition as error:
        raise CommandError(str(error)) from None


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )

"""`compactwatch editions`: list, show and compare the editions of a Compact (those shipped, or
one stored in the database), load a new one from its file, and export one."""

from __future__ import annotations

import argparse
import sys
import textwrap
from datetime import date
from pathlib import Path

import orjson
import yaml

from compactwatch.cli.common import (
    CommandError,
    add_format,
    choose_edition,
    iso_date,
    load_editions,
)
from compactwatch.cli.database import known_compact, open_database
from compactwatch.compact.compact import CompactEditions
from compactwatch.compact.dates import format_date
from compactwatch.compact.diff import describe_parameter, diff_editions
from compactwatch.compact.edition import Commitment, Edition
from compactwatch.compact.edition_changes import Paragraphs, loading_preview, standard_changes
from compactwatch.compact.loader import EditionProblems, read_edition_file
from compactwatch.compact.records import printable


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "editions", help="list, show, compare, load and export editions"
    )
    _add_compact(parser)
    parser.set_defaults(handler=list_editions)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="the editions and their in-force dates")
    _add_compact(listing)
    listing.set_defaults(handler=list_editions)
    show = actions.add_parser("show", help="print one edition, every commitment word for word")
    show.add_argument("edition", metavar="ID")
    _add_compact(show)
    add_format(show)
    show.set_defaults(handler=show_edition)
    diff = actions.add_parser("diff", help="what changed in the measurable standards")
    diff.add_argument("before", metavar="A")
    diff.add_argument("after", metavar="B")
    _add_compact(diff)
    add_format(diff)
    diff.set_defaults(handler=diff_command)
    load = actions.add_parser(
        "load",
        help="check an edition file and add it to a Compact",
        description="Check an edition file against the edition format (every problem is "
        "listed, naming the file, the commitment and the field; exit status 2), show what "
        "it changes against the edition in force, and store it: every record is then "
        "checked again. Loading the same file again changes nothing.",
    )
    load.add_argument("file", type=Path, metavar="FILE")
    load.add_argument("--compact", required=True, metavar="SLUG", help="the Compact's id")
    load.add_argument(
        "--in-force-from",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="the day it comes into force (default: the date the file gives)",
    )
    load.set_defaults(handler=load_command)
    export = actions.add_parser("export", help="write an edition out as an edition file (YAML)")
    export.add_argument("edition", metavar="ID")
    export.add_argument(
        "--compact", metavar="SLUG", help="a Compact's stored edition (default: a shipped one)"
    )
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help="(default: print it)")
    export.set_defaults(handler=export_command)


def _add_compact(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: an action's own default must not hide `editions --compact X ACTION`.
    parser.add_argument(
        "--compact",
        metavar="SLUG",
        default=argparse.SUPPRESS,
        help="a Compact's editions as stored in the database (default: the shipped editions)",
    )


def _editions(arguments: argparse.Namespace) -> CompactEditions:
    return editions_for(getattr(arguments, "compact", None))


def editions_for(slug: str | None) -> CompactEditions:
    """A Compact's editions as stored in the database, or the shipped ones (no slug)."""
    if slug is None:
        return load_editions()
    open_database()
    from compactwatch.compacts.editions import editions_of

    return editions_of(known_compact(slug))


def list_editions(arguments: argparse.Namespace) -> int:
    editions = _editions(arguments)
    if not list(editions):
        print("The Compact has no editions yet: add one with `compactwatch editions load`.")
    for edition in editions:
        start = format_date(editions.in_force_from[edition.id])
        print(
            f"{edition.id:<28} in force from {start:<18} "
            f"{len(edition.commitments)} commitments, {len(edition.measurable_commitments)} measurable"
            f"  {edition.title}: {edition.edition_name}"
        )
    return 0


def commitment_dict(commitment: Commitment) -> dict:
    return {
        "ref": commitment.ref,
        "citation": commitment.citation,
        "section": commitment.section,
        "outcome": commitment.outcome,
        "binds": commitment.binds,
        "strength": commitment.strength,
        "text": commitment.text,
        "footnotes": list(commitment.footnotes),
        "standards": [
            {
                "check": standard.check,
                "summary": standard.summary,
                "parameters": {
                    name: {
                        "value": parameter.value,
                        "unit": parameter.unit,
                        "clause": parameter.clause,
                        "quote": parameter.quote,
                    }
                    for name, parameter in standard.parameters.items()
                },
            }
            for standard in commitment.standards
        ],
    }


def edition_dict(edition: Edition, in_force_from: str) -> dict:
    document = edition.document
    return {
        "id": edition.id,
        "compact": edition.compact,
        "title": edition.title,
        "edition_name": edition.edition_name,
        "source": edition.source,
        "in_force_from": in_force_from,
        "in_force_basis": edition.in_force_basis,
        "parts": document.get("parts", []),
        "outcomes": document.get("outcomes", []),
        "sections": document.get("sections", []),
        "supporters": document.get("supporters", []),
        "glossary": document.get("glossary", []),
        "commitments": [commitment_dict(commitment) for commitment in edition.commitments],
    }


def show_edition(arguments: argparse.Namespace) -> int:
    editions = _editions(arguments)
    edition = choose_edition(editions, arguments.edition)
    start = editions.in_force_from[edition.id]
    if arguments.format == "json":
        sys.stdout.buffer.write(
            orjson.dumps(edition_dict(edition, start.isoformat()), option=orjson.OPT_INDENT_2)
        )
        sys.stdout.write("\n")
        return 0
    print(f"{edition.title}: {edition.edition_name} ({edition.id})")
    print(f"In force from {format_date(start)}. {edition.in_force_basis}\n")
    sections = {section["id"]: section for section in edition.document.get("sections", [])}
    current = None
    for commitment in edition.commitments:
        if commitment.section != current:
            current = commitment.section
            section = sections.get(current, {})
            print(f"\n{section.get('title', current)}")
            if section.get("heading"):
                print(section["heading"])
        marker = f"  [{commitment.strength}, binds {commitment.binds.replace('_', ' ')}]"
        first, *rest = commitment.text.split("\n")
        print(
            textwrap.fill(
                first, 100, initial_indent=f"{commitment.ref:<6}", subsequent_indent=" " * 6
            )
        )
        for line in rest:
            print(textwrap.fill(line, 100, initial_indent=" " * 6, subsequent_indent=" " * 8))
        print(marker)
        for standard in commitment.standards:
            values = ", ".join(
                f"{name.replace('_', ' ')}: {describe_parameter(parameter)}"
                for name, parameter in standard.parameters.items()
            )
            print(f"        measurable: {standard.summary}" + (f" ({values})" if values else ""))
    return 0


def diff_command(arguments: argparse.Namespace) -> int:
    editions = _editions(arguments)
    before = choose_edition(editions, arguments.before)
    after = choose_edition(editions, arguments.after)
    changes = diff_editions(before, after)
    if arguments.format == "json":
        document = {
            "from": before.id,
            "to": after.id,
            "standards": [change.as_dict() for change in changes],
        }
        sys.stdout.buffer.write(orjson.dumps(document, option=orjson.OPT_INDENT_2))
        sys.stdout.write("\n")
        return 0
    print_paragraphs(standard_changes(before, after, changes))
    return 0


def print_paragraphs(paragraphs: Paragraphs) -> None:
    for lines in paragraphs:
        print("\n".join(lines), end="\n\n")


def load_command(arguments: argparse.Namespace) -> int:
    try:
        edition, document = read_edition_file(arguments.file)
    except EditionProblems as error:
        for problem in error.problems:
            # A commitment's ref says where its problem is; any other problem needs its line.
            text = problem.describe(line=problem.commitment is None)
            print(f"compactwatch: {printable(text)}", file=sys.stderr)
        count = len(error.problems)
        print(f"compactwatch: {count} problem{'s' if count > 1 else ''} in the file; "
              "nothing was stored.", file=sys.stderr)  # fmt: skip
        return 2
    open_database()
    from compactwatch.changes.base import Actor, ChangeRefused
    from compactwatch.changes.editions import load_edition
    from compactwatch.compacts.editions import editions_of

    compact = known_compact(arguments.compact)
    editions = editions_of(compact)
    current = editions.in_force_on(date.today()) or next(reversed(list(editions)), None)
    print_paragraphs(loading_preview(current, edition, compact.name))
    try:
        row, recheck = load_edition(Actor.system(), compact, document, arguments.file.name,
                                    arguments.in_force_from)  # fmt: skip
    except ChangeRefused as error:
        raise CommandError(error.message, status=1) from None
    if recheck is None:
        print(f"{row.title} is already stored, unchanged; nothing changed.")
        return 0
    print(
        f"Stored {row.title} ({row.slug}), in force from {format_date(row.in_force_from)}. "
        "Every record of the Compact will be checked again by the worker "
        "(`compactwatch serve` runs it)."
    )
    return 0


def export_command(arguments: argparse.Namespace) -> int:
    edition = choose_edition(_editions(arguments), arguments.edition)
    text = yaml.safe_dump(edition.document, sort_keys=False, allow_unicode=True, width=100)
    if arguments.output is None:
        sys.stdout.write(text)
        return 0
    arguments.output.write_text(text, encoding="utf-8")
    print(f"Wrote {edition.title}: {edition.edition_name} to {arguments.output}.")
    return 0

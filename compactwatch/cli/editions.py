"""`compactwatch editions`: list, show and compare the editions of the Compact."""

from __future__ import annotations

import argparse
import sys
import textwrap

import orjson

from compactwatch.cli.common import add_format, choose_edition, load_editions
from compactwatch.compact.dates import format_date
from compactwatch.compact.diff import describe_parameter, diff_editions
from compactwatch.compact.edition import Commitment, Edition


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("editions", help="list, show and compare editions")
    parser.set_defaults(handler=list_editions)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    show = actions.add_parser("show", help="print one edition, every commitment word for word")
    show.add_argument("edition", metavar="ID")
    add_format(show)
    show.set_defaults(handler=show_edition)
    diff = actions.add_parser("diff", help="what changed in the measurable standards")
    diff.add_argument("before", metavar="A")
    diff.add_argument("after", metavar="B")
    add_format(diff)
    diff.set_defaults(handler=diff_command)


def list_editions(arguments: argparse.Namespace) -> int:
    editions = load_editions()
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
    editions = load_editions()
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
    editions = load_editions()
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
    print(f"Measurable standards: {before.id} -> {after.id}\n")
    for change in changes:
        if change.change == "added":
            commitment, standard = change.after
            print(f"New in {after.id} ({commitment.ref}): {change.title}. {standard.summary}.")
        elif change.change == "removed":
            commitment, standard = change.before
            print(f"Not in {after.id} (was {commitment.ref}): {change.title}. {standard.summary}.")
        elif change.change == "unchanged":
            print(f"Unchanged: {change.title} ({change.before[0].ref} -> {change.after[0].ref}).")
        else:
            print(f"Changed: {change.title} ({change.before[0].ref} -> {change.after[0].ref})")
            print(f"  was: {change.before[1].summary}.")
            print(f"  now: {change.after[1].summary}.")
            for item in change.parameters:
                name = item.name.replace("_", " ")
                print(f"  {name}: {item.before or 'not set'} -> {item.after or 'not set'}")
        print()
    return 0

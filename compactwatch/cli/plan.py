"""`compactwatch plan`: Compact-proofing a proposed change to funding or a consultation."""

from __future__ import annotations

import argparse
import sys

import orjson

from compactwatch.cli.common import (
    CommandError,
    add_format,
    choose_edition,
    iso_date,
)
from compactwatch.cli.editions import editions_for
from compactwatch.compact.dates import describe_amount, format_date
from compactwatch.compact.planning import NothingToPlan, Plan, plan_consultation, plan_notice


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("plan", help="what a proposed change or consultation must do")
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    notice = kinds.add_parser(
        "notice", help="the latest date to give notice of ending or changing funding"
    )
    notice.add_argument("--effective", type=iso_date, required=True, metavar="YYYY-MM-DD")
    notice.add_argument("--edition", metavar="ID")
    _add_compact(notice)
    add_format(notice)
    notice.set_defaults(handler=run_notice)
    consultation = kinds.add_parser(
        "consultation", help="the earliest closing date for a consultation"
    )
    consultation.add_argument("--opens", type=iso_date, required=True, metavar="YYYY-MM-DD")
    consultation.add_argument("--edition", metavar="ID")
    _add_compact(consultation)
    add_format(consultation)
    consultation.set_defaults(handler=run_consultation)


def _add_compact(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--compact",
        metavar="SLUG",
        help="plan by a Compact's editions as stored in the database (default: the shipped "
        "editions)",
    )


def run_notice(arguments: argparse.Namespace) -> int:
    editions = editions_for(arguments.compact)
    try:
        plan = plan_notice(
            editions, arguments.effective, choose_edition(editions, arguments.edition)
        )
    except NothingToPlan as error:
        raise CommandError(str(error)) from None
    minimum = describe_amount(*plan.standard.period("minimum_notice"))
    conditions = [
        f"at least {minimum}' notice" if minimum.endswith("s") else f"at least {minimum}'s notice"
    ]
    if plan.standard.parameters["in_writing_required"].value:
        conditions.append("in writing")
    if plan.standard.parameters["rationale_required"].value:
        conditions.append("with a clear rationale for the decision")
    headline = (
        f"To end or change funding on {format_date(plan.given)}, give notice by "
        f"{format_date(plan.answer)} at the latest: {', '.join(conditions)} "
        f"({plan.commitment.citation})."
    )
    return _output(arguments, plan, headline, "latest_notice_date", "effective")


def run_consultation(arguments: argparse.Namespace) -> int:
    editions = editions_for(arguments.compact)
    try:
        plan = plan_consultation(
            editions, arguments.opens, choose_edition(editions, arguments.edition)
        )
    except NothingToPlan as error:
        raise CommandError(str(error)) from None
    minimum = describe_amount(*plan.standard.period("minimum_length"))
    formal = plan.standard.parameters["formal_required"].value
    headline = (
        f"A consultation opening on {format_date(plan.given)} should close no earlier than "
        f"{format_date(plan.answer)}: at least {minimum}, counting the first and last day"
        + (", as a formal written consultation" if formal else "")
        + f" ({plan.commitment.citation})."
    )
    return _output(arguments, plan, headline, "earliest_closing_date", "opens")


def _output(
    arguments: argparse.Namespace, plan: Plan, headline: str, answer: str, given: str
) -> int:
    if arguments.format == "json":
        document = {
            "edition": plan.edition.id,
            given: plan.given.isoformat(),
            answer: plan.answer.isoformat(),
            "commitment": plan.commitment.citation,
            "standard": plan.standard.summary,
            "message": headline,
            "also": [
                {"commitment": item.citation, "standard": item.summary, "strength": item.strength}
                for item in plan.reminders
            ],
        }
        sys.stdout.buffer.write(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
        return 0
    print(headline)
    print(f"Judged by {plan.edition.title}: {plan.edition.edition_name} ({plan.edition.id}).")
    if plan.reminders:
        print("\nThe Compact also asks:")
        for item in plan.reminders:
            print(f"  - {item.summary} ({item.citation}, {item.strength})")
    return 0

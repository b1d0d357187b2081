"""An import's outcome in plain English: the same words on the page and at the terminal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import date_format
from django.utils.timezone import localtime

from compactwatch.imports.models import ImportJob, Phase, Status
from compactwatch.records.amounts import figure
from compactwatch.threesixtygiving.mapping import DURATION, DURATION_FROM_AWARD


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{intcomma(number)} {one if number == 1 else (many or one + 's')}"


def outcome_lines(job: ImportJob) -> list[str]:
    """What the import did, one sentence a line."""
    if job.status == Status.QUEUED:
        return ["The import is waiting to start."]
    if job.status == Status.RUNNING:
        if job.phase == Phase.STORING and not job.grants_stored:
            # Before the first batch is stored there is no share done to show.
            return [
                f"Storing {_count(job.grants_to_store, 'grant')}: the outcome will show here "
                "when they are all stored."
            ]
        return [f"{job.get_phase_display()}: {job.percent}% done."]
    if job.status == Status.CANCELLED:
        return ["The import was cancelled. Nothing from the file has been stored."]
    if job.status in (Status.REFUSED, Status.FAILED):
        lines = ["Nothing from the file has been stored."]
        if job.valid_only and job.grants_read and not job.grants_to_store:
            lines.append("None of its grants is valid, so there is nothing to import.")
        if job.grants_read and job.error_count:
            lines.append(f"{_count(job.grants_read, 'grant')} read; {kinds_line(job)} found.")
            if not job.valid_only:
                lines.append(
                    "Correct the file and import it again, or import only the valid grants."
                )
        return lines
    outcome = job.outcome
    lines = [
        *undo_lines(job),
        f"{_count(job.grants_read, 'grant')} read: {intcomma(outcome['created'])} new, "
        f"{intcomma(outcome['changed'])} changed, {intcomma(outcome['unchanged'])} unchanged.",
    ]
    if job.grants_left_out:
        lines.append(f"{_count(job.grants_left_out, 'invalid grant')} left out, as asked.")
    if outcome["individuals"]:
        lines.append(
            f"{_count(outcome['individuals'], 'grant')} to individuals counted but not kept: "
            "the Compact is between organisations, and no personal data is stored."
        )
    if outcome["organisations_added"]:
        lines.append(
            f"{_count(outcome['organisations_added'], 'organisation')} not in the register "
            "added to the organisations known from imported data (not partners of the Compact)."
        )
    lines += partner_lines(job)
    terms = outcome["derived_terms"]
    if terms.get(DURATION):
        lines.append(
            f"{_count(terms[DURATION], 'grant')} gave one end of the term and its length in "
            "months: the other end is worked out from the length."
        )
    if terms.get(DURATION_FROM_AWARD):
        lines.append(
            f"{_count(terms[DURATION_FROM_AWARD], 'grant')} gave only the term's length in "
            "months: the term is counted from the award date."
        )
    return lines


def undo_lines(job: ImportJob) -> list[str]:
    """What undoing the import removed and kept ([] if it is not undone)."""
    if job.status != Status.UNDONE:
        return []
    undone = job.undo_outcome
    by = f" by {job.undone_by.get_username()}" if job.undone_by else ""
    when = f" on {date_format(localtime(job.undone), 'j F Y')}" if job.undone else ""
    lines = [
        f"Undone{when}{by}: {_count(undone.get('agreements_removed', 0), 'funding agreement')} "
        f"and {_count(undone.get('organisations_removed', 0), 'organisation')} it added are "
        "removed."
    ]
    kept = undone.get("agreements_kept", 0), undone.get("organisations_kept", 0)
    if any(kept):
        lines.append(
            f"{_count(kept[0], 'funding agreement')} and {_count(kept[1], 'organisation')} it "
            "added are kept, because other records refer to them or they were changed since."
        )
    lines.append("What the import did, before it was undone:")
    return lines


def compact_named(job: ImportJob) -> str:
    """ "the Cambridgeshire Compact", to go in a sentence."""
    name = job.compact.name
    return "the " + (name[4:] if name.startswith("The ") else name)


def partner_lines(job: ImportJob) -> list[str]:
    """Each funder of the file that is not a partner of the Compact, said so."""
    return [
        f"{funder['name']}, the funder of {_count(funder['grants'], 'grant')} in this file, is "
        f"not a partner of {compact_named(job)}: its grants are kept and checked, but the "
        "Compact does not bind it until it signs."
        for funder in job.outcome.get("not_partners", [])
    ]


def _amount(text: str) -> str:
    """1234567.5 as 1,234,567.50; whole amounts without pence."""
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError):
        return str(text)
    return figure(value)


def _day(text: str) -> str:
    try:
        return date_format(date.fromisoformat(text), "j F Y")
    except (TypeError, ValueError):
        return text


def summary_lines(summary: dict) -> list[str]:
    """The file in short, as read before anything is stored: one sentence a line."""
    if not summary:
        return []
    grants = summary.get("grants", 0)
    funders = summary.get("funders", {})
    top = funders.get("top", [])
    named = ", ".join(
        f"{funder['name'] or funder['id']} ({funder['id']}, {_count(funder['grants'], 'grant')})"
        for funder in top
    )
    more = funders.get("count", 0) - len(top)
    lines = [
        f"{_count(grants, 'grant')} from {_count(funders.get('count', 0), 'funder')}"
        + (f": {named}" if named else "")
        + (f", and {intcomma(more)} more" if more > 0 else "")
        + "."
    ]
    for amount in summary.get("amounts", []):
        lines.append(
            f"Amount awarded in {amount['currency']}: {_amount(amount['total'])} in "
            f"{_count(amount['grants'], 'grant')} (from {_amount(amount['smallest'])} "
            f"to {_amount(amount['largest'])})."
        )
    dates = summary.get("award_dates", {})
    if dates.get("first"):
        lines.append(f"Awarded from {_day(dates['first'])} to {_day(dates['last'])}.")
    if dates.get("without"):
        lines.append(
            f"{_count(dates['without'], 'grant')} with no award date that reads as a date."
        )
    recipients = summary.get("recipients", {})
    kinds = "; ".join(
        f"{intcomma(kind['organisations'])} {kind['name']}" + (f" ({kind['kind']})"
        if kind["kind"] and kind["kind"] != kind["name"] else "")
        for kind in recipients.get("by_kind", [])
    )  # fmt: skip
    line = f"Recipients: {_count(recipients.get('organisations', 0), 'organisation')}"
    line += f" ({kinds})" if kinds else ""
    if recipients.get("individuals"):
        line += f", and {_count(recipients['individuals'], 'grant')} to individuals"
    lines.append(line + ".")
    return lines


def kind_count(entry: dict) -> str:
    return _count(entry["count"], "problem")


def kinds_line(job: ImportJob) -> str:
    """How many problems, of how many kinds."""
    kinds = len(job.problem_kinds)
    return (
        f"{_count(job.error_count, 'problem')} of {_count(kinds, 'kind')}"
        if kinds
        else f"{_count(job.error_count, 'problem')}"
    )

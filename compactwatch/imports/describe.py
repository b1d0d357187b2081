"""An import's outcome in plain English: the same words on the page and at the terminal."""

from __future__ import annotations

from django.contrib.humanize.templatetags.humanize import intcomma

from compactwatch.imports.models import ImportJob, Phase, Status
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
            lines.append(
                f"{_count(job.grants_read, 'grant')} read; "
                f"{_count(job.error_count, 'problem')} found."
            )
            if not job.valid_only:
                lines.append(
                    "Correct the file and import it again, or import only the valid grants."
                )
        return lines
    outcome = job.outcome
    lines = [
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
            f"{_count(outcome['organisations_added'], 'organisation')} added to the register, "
            "marked as imported."
        )
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

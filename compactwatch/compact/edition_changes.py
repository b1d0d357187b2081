"""What a new edition changes against the one in force, in words: the same words for the
command line (`compactwatch editions load` and `diff`) and the officer's upload page.

Each function returns paragraphs (lists of lines); the command line prints each followed by
a blank line, a page shows each as a paragraph.
"""

from __future__ import annotations

from compactwatch.compact.diff import StandardChange, diff_editions
from compactwatch.compact.edition import Edition

Paragraphs = list[list[str]]


def loading_preview(current: Edition | None, edition: Edition, compact_name: str) -> Paragraphs:
    """What storing `edition` changes against `current` (the edition in force, or None for
    a Compact with no edition yet)."""
    if current is None:
        return [
            [f"{edition.title}: {edition.edition_name} is the first edition of {compact_name}."]
        ]
    if current.id == edition.id:
        return []  # the same edition again, or one refused for taking its id: nothing to compare
    heading = f"Against the edition in force ({current.title}: {current.edition_name}):"
    paragraphs = [[heading, *text_changes(current, edition)]]
    changes = [change for change in diff_editions(current, edition) if change.change != "unchanged"]
    if changes:
        paragraphs += standard_changes(current, edition, changes)
    else:
        paragraphs.append(["The measurable standards are the same."])
    return paragraphs


def text_changes(before: Edition, after: Edition) -> list[str]:
    """How many commitments `after` has, and which are new, gone or worded differently."""
    old = {commitment.ref: commitment.text for commitment in before.commitments}
    new = {commitment.ref: commitment.text for commitment in after.commitments}
    added = [ref for ref in new if ref not in old]
    gone = [ref for ref in old if ref not in new]
    reworded = [ref for ref in new if ref in old and new[ref] != old[ref]]
    lines = [f"  {len(new)} commitments ({len(after.measurable_commitments)} measurable)."]
    for label, refs in (
        ("New", added),
        ("No longer there", gone),
        ("Worded differently", reworded),
    ):
        if refs:
            lines.append(f"  {label}: {', '.join(refs)}.")
    return lines


def standard_changes(before: Edition, after: Edition, changes: list[StandardChange]) -> Paragraphs:
    """The measurable standards each edition sets, kind by kind, and their parameters."""
    paragraphs = [[f"Measurable standards: {before.id} -> {after.id}"]]
    for change in changes:
        if change.change == "added" and change.after:
            commitment, standard = change.after
            lines = [f"New in {after.id} ({commitment.ref}): {change.title}. {standard.summary}."]
        elif change.change == "removed" and change.before:
            commitment, standard = change.before
            lines = [
                f"Not in {after.id} (was {commitment.ref}): {change.title}. {standard.summary}."
            ]
        elif change.before and change.after and change.change == "unchanged":
            lines = [
                f"Unchanged: {change.title} ({change.before[0].ref} -> {change.after[0].ref})."
            ]
        else:
            assert change.before and change.after
            lines = [
                f"Changed: {change.title} ({change.before[0].ref} -> {change.after[0].ref})",
                f"  was: {change.before[1].summary}.",
                f"  now: {change.after[1].summary}.",
            ]
            for item in change.parameters:
                name = item.name.replace("_", " ")
                lines.append(f"  {name}: {item.before or 'not set'} -> {item.after or 'not set'}")
        paragraphs.append(lines)
    return paragraphs

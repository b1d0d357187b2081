"""What each kind of stored record is, declared once on its model and read everywhere.

Findings, permissions, forms, uploads, the API and the pages read a model's `traits`
rather than keeping tables of their own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Traits:
    type: str  # as the records format names one record: "funding_change"
    section: str  # its section in records files: "funding_changes"
    label: str  # in words: "Change to funding"
    plural: str  # "Changes to funding"
    prefix: str  # references made for records entered without one: "n-1", "n-2" ...
    acting: str  # ORM path to the organisation whose undertaking the record shows kept
    part_of: tuple[str, ...]  # ORM paths to every organisation the record is about
    finding_link: str  # the stored finding's foreign key to it
    api_path: str  # its collection in the API: "funding-changes"

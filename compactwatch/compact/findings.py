"""Findings: how one record stands against one measurable commitment."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from compactwatch.compact.words import capital


class Status(StrEnum):
    MET = "met"
    EXPLAINED = "explained"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.MET: "Met",
    Status.EXPLAINED: "Explained",
    Status.NOT_MET: "Not met",
    Status.UNKNOWN: "Unknown",
}

# Where several requirements meet in one check the finding is the worst that
# applies, in this order (records format, "The measurable commitments").
SEVERITY = {Status.NOT_MET: 3, Status.UNKNOWN: 2, Status.EXPLAINED: 1, Status.MET: 0}


class Outcome(NamedTuple):
    """What one requirement of a check found: a status and a phrase naming the figures."""

    status: Status
    phrase: str


class Finding(NamedTuple):
    record: str
    record_type: str
    commitment: str
    status: Status
    strength: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {
            "record": self.record,
            "record_type": self.record_type,
            "commitment": self.commitment,
            "status": self.status.value,
            "strength": self.strength,
            "message": self.message,
        }


def worst(outcomes: list[Outcome], clause: str) -> tuple[Status, str]:
    """The worst status among `outcomes`, with the phrases that gave it as one sentence.

    A requirement that is simply met may have an empty phrase: the main phrase
    of a met finding already says what was found.
    """
    if len(outcomes) == 1:
        status, sentence = outcomes[0]
        return status, f"{capital(sentence)} ({clause})."
    status = max((outcome.status for outcome in outcomes), key=SEVERITY.__getitem__)
    phrases = [
        outcome.phrase for outcome in outcomes if outcome.status is status and outcome.phrase
    ]
    sentence = "; ".join(phrases)
    return status, f"{capital(sentence)} ({clause})."

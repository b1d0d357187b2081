"""The checks: one small class per kind of measurable standard.

An edition's data file names the check each standard uses; the check reads its
parameters from there. `CHECKS` maps those names to the classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from compactwatch.compact.checks.agreements import (
    DecisionRationale,
    FundingTerm,
    MonitoringBeforeAward,
)
from compactwatch.compact.checks.base import Check, parameter_problem
from compactwatch.compact.checks.changes import ImpactAssessed, ImprovementTimetable, NoticePeriod
from compactwatch.compact.checks.consultations import ConsultationLength, FeedbackPublished
from compactwatch.compact.checks.organisations import CompactLead, DbsChecksPaid

if TYPE_CHECKING:
    from compactwatch.compact.edition import Standard

CHECKS: dict[str, type[Check]] = {
    check.name: check
    for check in (
        DbsChecksPaid,
        CompactLead,
        ConsultationLength,
        FeedbackPublished,
        DecisionRationale,
        FundingTerm,
        MonitoringBeforeAward,
        ImprovementTimetable,
        ImpactAssessed,
        NoticePeriod,
    )
}


def validate_standard(standard: Standard) -> tuple[str, str] | None:
    """The first (field, problem) that stops `standard` from being checked, or None."""
    check = CHECKS[standard.check]
    optional = check.optional_parameters
    for name in standard.parameters:
        if name not in check.parameters and name not in optional:
            return f"parameters.{name}", f"the {check.name} check has no parameter '{name}'"
    for name, kind in {**check.parameters, **optional}.items():
        parameter = standard.parameters.get(name)
        if parameter is None:
            if name in check.parameters:
                return f"parameters.{name}", f"the {check.name} check needs this parameter"
            continue
        problem = parameter_problem(kind, parameter.value, parameter.unit)
        if problem:
            return f"parameters.{name}.value", problem
    return None


__all__ = ["CHECKS", "Check", "validate_standard"]

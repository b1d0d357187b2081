"""What changed between two editions in their measurable standards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compactwatch.compact.checks import CHECKS
from compactwatch.compact.dates import describe_amount
from compactwatch.compact.edition import Commitment, Edition, Parameter, Standard


@dataclass(frozen=True)
class ParameterChange:
    name: str
    before: str | None  # None: the earlier edition does not set it
    after: str | None  # None: the later edition does not set it


@dataclass(frozen=True)
class StandardChange:
    """One kind of standard, as each edition sets it (either side may lack it)."""

    check: str
    title: str
    before: tuple[Commitment, Standard] | None
    after: tuple[Commitment, Standard] | None
    parameters: list[ParameterChange]

    @property
    def change(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed" if self.parameters else "unchanged"

    def as_dict(self) -> dict[str, Any]:
        def side(pair: tuple[Commitment, Standard] | None) -> dict[str, Any] | None:
            if pair is None:
                return None
            commitment, standard = pair
            return {
                "commitment": commitment.citation,
                "summary": standard.summary,
                "parameters": {
                    name: describe_parameter(parameter)
                    for name, parameter in standard.parameters.items()
                },
            }

        return {
            "check": self.check,
            "title": self.title,
            "change": self.change,
            "from": side(self.before),
            "to": side(self.after),
            "differences": [
                {"parameter": item.name, "from": item.before, "to": item.after}
                for item in self.parameters
            ],
        }


def describe_parameter(parameter: Parameter) -> str:
    """A parameter's value in plain words: "3 months", "required", "contract, service agreement"."""
    value = parameter.value
    if parameter.unit:
        return describe_amount(value, parameter.unit)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(item).replace("_", " ") for item in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{kind.replace('_', ' ')}: {' or '.join(role.replace('_', ' ') for role in roles)}"
            for kind, roles in value.items()
        )
    return str(value).replace("_", " ")


def _by_check(edition: Edition) -> dict[str, tuple[Commitment, Standard]]:
    standards: dict[str, tuple[Commitment, Standard]] = {}
    for commitment in edition.commitments:
        for standard in commitment.standards:
            standards.setdefault(standard.check, (commitment, standard))
    return standards


def diff_editions(before: Edition, after: Edition) -> list[StandardChange]:
    """Each kind of measurable standard in either edition, and how it changed."""
    earlier, later = _by_check(before), _by_check(after)
    changes = []
    for check in CHECKS:
        old, new = earlier.get(check), later.get(check)
        if old is None and new is None:
            continue
        differences = []
        if old and new:
            old_parameters, new_parameters = old[1].parameters, new[1].parameters
            for name in dict.fromkeys([*old_parameters, *new_parameters]):
                was = describe_parameter(old_parameters[name]) if name in old_parameters else None
                now = describe_parameter(new_parameters[name]) if name in new_parameters else None
                if was != now:
                    differences.append(ParameterChange(name, was, now))
        changes.append(StandardChange(check, CHECKS[check].title, old, new, differences))
    return changes

"""What a 360Giving grant says that the Compact's funding commitments can use.

A grant becomes a funding agreement between two organisations: who funded whom, how much,
when it was awarded, and the term it was planned to run for. Grants to individuals are
counted but carry nothing about the person past this point: the Compact is between
organisations, and a register has no business holding personal data.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from compactwatch.compact.dates import add_months

# Org-id prefixes (https://org-id.guide) whose identifier is a charity or a company number.
CHARITY_PREFIXES = ("GB-CHC-", "GB-SC-", "GB-NIC-")
COMPANY_PREFIX = "GB-COH-"
# Org-id lists that hold only public bodies (councils, central government, the NHS, schools).
PUBLIC_PREFIXES = ("GB-LAE-", "GB-LAS-", "GB-LAW-", "GB-LANI-", "GB-PLA-", "GB-GOR-",
                   "GB-NHS-", "GB-SHPE-", "GB-EDU-", "GB-UKPRN-", "GB-MPR-")  # fmt: skip
VOLUNTARY_PREFIXES = (*CHARITY_PREFIXES, "GB-MPR-")
# What an imported agreement is called in the records format's `kind`.
GRANT_KIND = "grant"
# The fields of a funding agreement that a 360Giving file can fill: checks that read only
# these can judge an imported grant; the rest would report "unknown", not "met".
IMPORTED_FIELDS = frozenset(
    {"funder", "recipient", "kind", "amount", "currency", "award_date", "start", "end"}
)


class OrganisationId(NamedTuple):
    """An organisation as a grant names it, with what may match it in the register."""

    org_id: str
    name: str
    charity_number: str
    company_number: str
    sector: str  # "public", "voluntary" or "" when the identifier does not say


DURATION = "duration"  # one end given, the other found from the duration
DURATION_FROM_AWARD = "duration_from_award"  # only a duration, counted from the award date


class Term(NamedTuple):
    start: date | None
    end: date | None
    # How the term was found: "" as given, DURATION or DURATION_FROM_AWARD.
    derived: str


class Grant(NamedTuple):
    """A grant as a funding agreement. `recipient` is None for a grant to an individual."""

    grant_id: str
    funder: OrganisationId
    recipient: OrganisationId | None
    amount: Decimal | None
    currency: str
    award_date: date | None
    term: Term
    programme: str


def day_of(value: Any) -> date | None:
    """A date from a 360Giving date or date-time ("2015-06-10T00:00:00+00:00" is 10 June)."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _first(value: Any) -> dict[str, Any]:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value if isinstance(value, dict) else {}


def identify(organisation: dict[str, Any]) -> OrganisationId:
    """Who an organisation is, from its org-id and the numbers the grant gives."""
    org_id = _text(organisation.get("id"))
    upper = org_id.upper()
    charity = _text(organisation.get("charityNumber"))
    company = _text(organisation.get("companyNumber"))
    for prefix in CHARITY_PREFIXES:
        if upper.startswith(prefix) and not charity:
            charity = org_id[len(prefix) :]
    if upper.startswith(COMPANY_PREFIX) and not company:
        company = org_id[len(COMPANY_PREFIX) :]
    if upper.startswith(PUBLIC_PREFIXES) and not upper.startswith(VOLUNTARY_PREFIXES):
        sector = "public"
    elif upper.startswith(VOLUNTARY_PREFIXES) or charity:
        sector = "voluntary"
    else:
        sector = ""
    return OrganisationId(org_id, _text(organisation.get("name")), charity, company, sector)


def planned_term(planned: Any, award_date: date | None) -> Term:
    """The planned term: start and end as given; else one of them and the duration in months
    (a term of n months from a start ends the day before the same date n months later); else
    the duration alone, counted from the award date."""
    event = _first(planned)
    start, end = day_of(event.get("startDate")), day_of(event.get("endDate"))
    duration = event.get("duration")
    months = (
        int(duration)
        if isinstance(duration, (int, Decimal)) and not isinstance(duration, bool)
        and duration == int(duration) and 0 < duration <= 1200
        else None
    )  # fmt: skip
    if start and end:
        return Term(start, end, "")
    if months is None:
        return Term(start, end, "")
    if start:
        return Term(start, add_months(start, months) - timedelta(days=1), DURATION)
    if end:
        return Term(add_months(end + timedelta(days=1), -months), end, DURATION)
    if award_date:
        return Term(
            award_date,
            add_months(award_date, months) - timedelta(days=1),
            DURATION_FROM_AWARD,
        )
    return Term(None, None, "")


def decimal_amount(amount: Any) -> Decimal | None:
    """An amount as an exact decimal (JSON numbers are read as decimals already)."""
    if isinstance(amount, Decimal):
        return amount
    if isinstance(amount, (int, float)) and not isinstance(amount, bool):
        return Decimal(str(amount))  # a float by its shortest text: 1000.1, not 1000.0999...
    return None


def grant_of(data: dict[str, Any]) -> Grant:
    """A valid grant (as the 360Giving schema has it) as a funding agreement."""
    award_date = day_of(data.get("awardDate"))
    recipient = (
        None
        if "recipientIndividual" in data and "recipientOrganization" not in data
        else identify(_first(data.get("recipientOrganization")))
    )
    amount = data.get("amountAwarded")
    return Grant(
        grant_id=_text(data.get("id")),
        funder=identify(_first(data.get("fundingOrganization"))),
        recipient=recipient,
        amount=decimal_amount(amount),
        currency=_text(data.get("currency")).upper()[:3],
        award_date=award_date,
        term=planned_term(data.get("plannedDates"), award_date),
        programme=_text(_first(data.get("grantProgramme")).get("title"))[:300],
    )

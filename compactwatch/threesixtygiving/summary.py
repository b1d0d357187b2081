"""A short summary of a 360Giving file, as the 360Giving tools show one: its funders, its
grants, the total amount awarded in each currency, the dates of award, and its recipients by
the kind of identifier they have. Every grant read counts, valid or not; distinct funders and
recipients are counted on disk (a temporary SQLite file), so memory stays flat."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from compactwatch.threesixtygiving.mapping import day_of, decimal_amount

BATCH = 1000
TOP_FUNDERS = 10
MAX_CURRENCIES = 20  # more are counted together, as "other"
OTHER = "other"
# Kinds of organisation identifier (org-id.guide lists), in words.
ID_KINDS = {
    "GB-CHC": "charities registered in England and Wales",
    "GB-SC": "charities registered in Scotland",
    "GB-NIC": "charities registered in Northern Ireland",
    "GB-COH": "companies registered at Companies House",
    "GB-MPR": "mutual societies (FCA register)",
    "GB-EDU": "schools and colleges",
    "GB-UKPRN": "learning providers",
    "GB-LAE": "local authorities in England",
    "GB-LAS": "local authorities in Scotland",
    "GB-LAW": "local authorities in Wales",
    "GB-LANI": "local authorities in Northern Ireland",
    "GB-PLA": "principal local authorities",
    "GB-GOR": "government bodies",
    "GB-NHS": "NHS bodies",
    "GB-SHPE": "social housing providers",
    "360G": "identifiers the funder made",
    "": "identifiers from no register (no org-id prefix)",
}
PREFIX = re.compile(r"^([A-Z]{2}-[A-Z0-9]+)-\S")


def id_kind(org_id: str) -> str:
    """The register an organisation identifier is from: "GB-CHC", "360G"; "" for none."""
    upper = org_id.strip().upper()
    if upper.startswith("360G-"):
        return "360G"
    found = PREFIX.match(upper)
    return found.group(1) if found else ""


def _orgs(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


@dataclass
class _Currency:
    grants: int = 0
    total: Decimal = Decimal(0)
    smallest: Decimal | None = None
    largest: Decimal | None = None


@dataclass
class FileSummary:
    grants: int = 0
    individuals: int = 0
    first_award: str = ""
    last_award: str = ""
    without_award_date: int = 0
    currencies: dict[str, _Currency] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.db = sqlite3.connect("")  # a temporary database file, removed when closed
        self.db.execute(
            "CREATE TABLE funders (id TEXT PRIMARY KEY, kind TEXT, name TEXT, n INTEGER)"
        )
        self.db.execute("CREATE TABLE recipients (id TEXT PRIMARY KEY, kind TEXT)")
        # A batch's funders (id -> [name, grants]) and recipients, written a batch at a time.
        self.funders: dict[str, list[Any]] = {}
        self.recipients: set[str] = set()
        self.pending = 0

    def add(self, data: Any) -> None:
        """Count one grant as read."""
        self.grants += 1
        if not isinstance(data, dict):
            return
        recipients = data.get("recipientOrganization")
        if recipients is None and "recipientIndividual" in data:
            self.individuals += 1
        for organisation in _orgs(recipients):
            org_id = organisation.get("id")
            if isinstance(org_id, str) and org_id.strip():
                self.recipients.add(org_id.strip())
        for organisation in _orgs(data.get("fundingOrganization")):
            org_id = organisation.get("id")
            if isinstance(org_id, str) and org_id.strip():
                entry = self.funders.get(org_id.strip())
                if entry is None:
                    name = _text(organisation.get("name"))[:200]
                    self.funders[org_id.strip()] = [name, 1]
                else:
                    entry[1] += 1
        self._amount(data)
        day = day_of(data.get("awardDate"))
        if day is None:
            self.without_award_date += 1
        else:
            text = day.isoformat()
            if not self.first_award or text < self.first_award:
                self.first_award = text
            if text > self.last_award:
                self.last_award = text
        self.pending += 1
        if self.pending >= BATCH:
            self._flush()

    def _amount(self, data: dict[str, Any]) -> None:
        amount = decimal_amount(data.get("amountAwarded"))
        if amount is None or not amount.is_finite():
            return
        code = _text(data.get("currency"))[:10] or OTHER
        figures = self.currencies.get(code)
        if figures is None:
            if len(self.currencies) >= MAX_CURRENCIES:
                code = OTHER
            figures = self.currencies.setdefault(code, _Currency())
        figures.grants += 1
        figures.total += amount
        if figures.smallest is None or amount < figures.smallest:
            figures.smallest = amount
        if figures.largest is None or amount > figures.largest:
            figures.largest = amount

    def _flush(self) -> None:
        self.db.executemany(
            "INSERT INTO funders VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT(id) DO UPDATE SET n = n + excluded.n",
            [(org_id, id_kind(org_id), name, n) for org_id, (name, n) in self.funders.items()],
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO recipients VALUES (?, ?)",
            [(org_id, id_kind(org_id)) for org_id in self.recipients],
        )
        self.funders, self.recipients, self.pending = {}, set(), 0

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain data (amounts as decimal text), for the page, terminal, API."""
        self._flush()
        count = self.db.execute
        funders = count("SELECT count(*) FROM funders").fetchone()[0]
        top = count(
            "SELECT id, name, n FROM funders ORDER BY n DESC, id LIMIT ?", (TOP_FUNDERS,)
        ).fetchall()
        kinds = count(
            "SELECT kind, count(*) FROM recipients GROUP BY kind ORDER BY count(*) DESC, kind"
        ).fetchall()
        return {
            "grants": self.grants,
            "funders": {
                "count": funders,
                "top": [{"id": org_id, "name": name, "grants": n} for org_id, name, n in top],
            },
            "amounts": [
                {
                    "currency": code,
                    "grants": figures.grants,
                    "total": str(figures.total),
                    "smallest": str(figures.smallest),
                    "largest": str(figures.largest),
                }
                for code, figures in sorted(
                    self.currencies.items(), key=lambda item: -item[1].grants
                )
            ],
            "award_dates": {
                "first": self.first_award,
                "last": self.last_award,
                "without": self.without_award_date,
            },
            "recipients": {
                "organisations": sum(n for _, n in kinds),
                "individuals": self.individuals,
                "by_kind": [
                    {"kind": kind, "name": ID_KINDS.get(kind, kind), "organisations": n}
                    for kind, n in kinds
                ],
            },
        }

    def close(self) -> None:
        self.db.close()

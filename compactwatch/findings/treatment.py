"""Records seen from either side, and how each stands against the Compact.

A record has an acting body (the body that consulted, the funder) and, for funding, the
organisation it is done to (the recipient). Both sides may see it: a funder sees the
undertakings it kept or broke, a recipient sees how it was treated. A consultation has one
side only; it is the concern of the voluntary groups that work with the body that
consulted, and a group works with a body that funds it (any funding agreement recorded
with the group as recipient).

Lists are built for any number of records: the kinds are combined in one query (a union),
sorted and paged in the database, and only the page's records are then loaded with their
parties and findings, a fixed number of queries whatever the page size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    Case,
    CharField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, NullIf

from compactwatch.compact.findings import STATUS_LABELS, Status
from compactwatch.compact.words import capital
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.findings.models import Finding
from compactwatch.organisations.models import Organisation
from compactwatch.records.format import Party
from compactwatch.records.models import (
    RECORD_MODELS,
    ChangeKind,
    Consultation,
    FundingAgreement,
    FundingChange,
    Record,
)

# Worst first: a record stands as its worst finding. NONE: no measurable commitment applies.
STATUSES = ("not_met", "unknown", "explained", "met")
RANK = {status: rank for rank, status in enumerate(STATUSES)}
NONE = len(STATUSES)
STATUS_NAMES = {status: STATUS_LABELS[Status(status)] for status in STATUSES}
SORTS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "body": "Acting body, A to Z",
    "status": "Worst finding first",
}
SIDES = {"acting": "Acting (consulting or funding)", "other": "Funded or consulted"}

# Each kind's key date, as key_date() gives it, for the database to sort and filter on.
KEY_DATES: dict[type[Record], str] = {
    Consultation: "opens",
    FundingAgreement: "award_date",
    FundingChange: "notice_given",
}
ROLES = {"organisation": "consulting body", "funder": "funder", "recipient": "recipient"}
CHANGE_TITLES = {
    ChangeKind.END: "Ending",
    ChangeKind.REDUCE: "Reducing",
    ChangeKind.VARY: "Changing the terms of",  # "... the grant from ..."
}


# Who is part of a record ---------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    role: str  # "funder", as the path's last step names it
    path: str  # ORM path to the organisation in the register
    name_path: str  # ORM path to the name recorded for one not in the register

    @property
    def label(self) -> str:
        return ROLES.get(self.role, self.role.replace("_", " "))


def sides(model: type[Record]) -> list[Side]:
    """The sides of a kind of record, the acting body first, read from its traits and the
    format tables of the models on the way."""
    found = []
    for path in model.traits.part_of:
        *steps, last = path.split("__")
        owner: Any = model
        for step in steps:
            owner = owner._meta.get_field(step).related_model
        party = next(k for k in owner.format.values() if isinstance(k, Party) and k.name == last)
        prefix = "".join(f"{step}__" for step in steps)
        found.append(Side(last, path, prefix + party.name_field))
    return sorted(found, key=lambda side: side.path != model.traits.acting)


def funders_of(organisation_ids: Iterable[int] | QuerySet) -> QuerySet:
    """The bodies that fund any of the organisations: those they work with."""
    return FundingAgreement.objects.filter(
        recipient__in=organisation_ids, funder__isnull=False
    ).values("funder")


def on_side(model: type[Record], organisation_ids: Any, side: str = "") -> Q:
    """Records in which any of the organisations takes part: as the acting body
    (side "acting"), as the other party or, for a consultation, as a group funded by the
    body that consulted (side "other"), or either (side "")."""
    acting, *others = sides(model)
    condition = Q()
    if side in ("", "acting"):
        condition |= Q(**{f"{acting.path}__in": organisation_ids})
    if side in ("", "other"):
        for other in others:
            condition |= Q(**{f"{other.path}__in": organisation_ids})
        if not others:
            condition |= Q(**{f"{acting.path}__in": funders_of(organisation_ids)})
    return condition


def matching(model: type[Record], text: str) -> Q:
    """Records whose id, title, programme or any party's name holds the text."""
    paths = ["ref"]
    for side in sides(model):
        paths += [f"{side.path}__name", side.name_path]
    paths += {
        Consultation: ["title"],
        FundingAgreement: ["programme", "source_grant_id"],
        FundingChange: ["agreement__ref", "agreement__programme"],
    }.get(model, [])
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{path}__icontains": text})
    return condition


def key_date_in(model: type[Record], year: int) -> Q:
    return Q(**{f"{KEY_DATES[model]}__year": year})


# Titles ---------------------------------------------------------------------------------


def party_name(record: Record, side: Side) -> str:
    organisation = record._follow(side.path)
    if organisation is not None:
        return organisation.name
    owner: Any = record
    for step in side.name_path.split("__"):
        owner = getattr(owner, step, None) if owner is not None else None
    return owner or "a body not recorded"


def _funding(agreement: FundingAgreement) -> str:
    """What the funding is and who gives it to whom: "Youth services grant from
    Cambridgeshire County Council to Wisbech Food Bank" ("grant from ..." without a
    programme)."""
    what = agreement.kind.replace("_", " ") or "funding"
    if agreement.programme:
        what = f"{agreement.programme} {what}"
    funder, recipient = (party_name(agreement, side) for side in sides(FundingAgreement))
    return f"{what} from {funder} to {recipient}"


def title(record: Record) -> str:
    """A record named for people: "Youth services grant from Cambridgeshire County Council
    to Wisbech Food Bank"; "Ending the Youth services grant ...", for a notice ending it."""
    if isinstance(record, Consultation):
        return record.title or "Untitled consultation"
    if isinstance(record, FundingAgreement):
        return capital(_funding(record))
    if isinstance(record, FundingChange):
        if record.agreement is None:
            return "Change to funding (its agreement is not recorded)"
        verb = CHANGE_TITLES.get(record.change, "Changing")
        return f"{verb} the {_funding(record.agreement)}"
    return str(record)


# A page of records ----------------------------------------------------------------------


@dataclass
class Row:
    """One record as a list shows it: who, what, when and how it stands."""

    record: Record
    findings: list[Finding] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return self.record.ref

    @property
    def label(self) -> str:
        return self.record.traits.label

    @property
    def title(self) -> str:
        return title(self.record)

    @property
    def when(self) -> date | None:
        return self.record.key_date()

    @property
    def when_label(self) -> str:
        name = KEY_DATES[type(self.record)]
        return capital(str(type(self.record)._meta.get_field(name).verbose_name))

    @property
    def parties(self) -> list[dict[str, Any]]:
        return [
            {"role": side.label, "name": party_name(self.record, side),
             "organisation": self.record._follow(side.path)}
            for side in sides(type(self.record))
        ]  # fmt: skip

    @property
    def counts(self) -> list[tuple[str, int]]:
        """How many findings of each status, worst first."""
        tally: dict[str, int] = defaultdict(int)
        for finding in self.findings:
            tally[finding.status] += 1
        return [(status, tally[status]) for status in STATUSES if tally[status]]

    @property
    def worst(self) -> str:
        return self.findings[0].status if self.findings else ""

    @property
    def concerns(self) -> list[Finding]:
        """The findings a reader should see first: those not met or unknown."""
        return [finding for finding in self.findings if RANK[finding.status] < RANK["explained"]]


def worst_rank(model: type[Record]) -> Coalesce:
    """The rank of a record's worst finding (NONE when no commitment applies)."""
    rank = Case(
        *(When(status=status, then=Value(number)) for status, number in RANK.items()),
        output_field=IntegerField(),
    )
    worst = (
        Finding.objects.filter(**{model.traits.finding_link: OuterRef("pk")})
        .annotate(rank=rank)
        .order_by("rank")
        .values("rank")[:1]
    )
    return Coalesce(Subquery(worst), Value(NONE), output_field=IntegerField())


def listing(querysets: Iterable[QuerySet], sort: str = "newest", status: str = "") -> QuerySet:
    """The records of each queryset (one per kind) as one sorted list of
    {kind, pk, date, body, rank}, filtered to those standing as `status` if given."""
    ranked = sort == "status" or bool(status)
    parts = []
    for queryset in querysets:
        model = queryset.model
        acting = sides(model)[0]
        part = queryset.order_by().annotate(
            cw_kind=Value(model.traits.type, output_field=CharField()),
            cw_pk=F("pk"),
            cw_date=F(KEY_DATES[model]),
            cw_body=Lower(Coalesce(F(f"{acting.path}__name"), NullIf(acting.name_path, Value("")))),
            cw_rank=worst_rank(model) if ranked else Value(NONE, output_field=IntegerField()),
        )
        if status:
            part = part.filter(cw_rank=RANK[status])
        parts.append(part.values("cw_kind", "cw_pk", "cw_date", "cw_body", "cw_rank"))
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    newest = F("cw_date").desc(nulls_last=True)
    order = {
        "newest": [newest],
        "oldest": [F("cw_date").asc(nulls_last=True)],
        "body": [F("cw_body").asc(nulls_last=True), newest],
        "status": ["cw_rank", newest],
    }[sort]
    return combined.order_by(*order, "cw_kind", "-cw_pk")


def rows(entries: Iterable[dict[str, Any]], compact: Compact) -> list[Row]:
    """The records of a page of `listing()`, in its order, with their parties and findings
    (each finding's commitment named in words as `finding.name`): two queries a kind."""
    entries = list(entries)
    wanted: dict[str, list[int]] = defaultdict(list)
    for entry in entries:
        wanted[entry["cw_kind"]].append(entry["cw_pk"])
    loaded: dict[tuple[str, int], Row] = {}
    editions = editions_of(compact) if entries else None
    for kind, pks in wanted.items():
        model = RECORD_MODELS[kind]
        related = ["compact", *(f"{path}__compact" for path in model.traits.part_of)]
        for record in model.objects.filter(pk__in=pks).select_related(*related):
            loaded[kind, record.pk] = Row(record)
        link = f"{model.traits.finding_link}_id"
        for finding in Finding.objects.filter(**{f"{link}__in": pks}):
            finding.name = editions.describe(finding.commitment)
            if (kind, getattr(finding, link)) in loaded:
                loaded[kind, getattr(finding, link)].findings.append(finding)
    for row in loaded.values():
        row.findings.sort(key=lambda finding: (RANK[finding.status], finding.commitment))
    # A record deleted since the page was listed is left out, not an error.
    keys = [(entry["cw_kind"], entry["cw_pk"]) for entry in entries]
    return [loaded[key] for key in keys if key in loaded]


@dataclass
class Section:
    """Some records of one kind, worst first, with how many there are in all."""

    heading: str
    rows: list[Row]
    total: int
    query: str  # the records list's filters that show all of them


def section(heading: str, compact: Compact, queryset: QuerySet, query: str, limit: int) -> Section:
    """Up to `limit` records of the queryset, worst first."""
    shown = rows(listing([queryset], "status")[:limit], compact)
    total = len(shown) if len(shown) < limit else queryset.count()
    return Section(heading, shown, total, query)


HEADINGS = {
    "other": {
        "funding_agreement": "Funding it receives",
        "funding_change": "Notices of ending or changing its funding",
        "consultation": "Consultations by bodies that fund it",
    },
    "acting": {
        "consultation": "Consultations it ran",
        "funding_agreement": "Funding it gives",
        "funding_change": "Notices it gave of ending or changing funding",
    },
}


def sections(organisation: Organisation, side: str, limit: int = 10) -> list[Section]:
    """The organisation's records on one side ("other": how it was treated; "acting": its
    own undertakings), a section for each kind, worst first."""
    compact = organisation.compact
    found = []
    for kind, heading in HEADINGS[side].items():
        model = RECORD_MODELS[kind]
        queryset = model.objects.filter(compact=compact).filter(
            on_side(model, [organisation.pk], side)
        )
        query = urlencode({"type": kind, "body": organisation.ref, "side": side})
        found.append(section(heading, compact, queryset, query, limit))
    return found


def recent_not_met(compacts: Iterable[Compact], limit: int = 10) -> list[Row]:
    """The latest findings not met in the Compacts, each with its record (one row each)."""
    links = [model.traits.finding_link for model in RECORD_MODELS.values()]
    related = [
        f"{model.traits.finding_link}__{path}"
        for model in RECORD_MODELS.values()
        for path in model.traits.part_of
    ]
    findings = (
        Finding.objects.filter(compact__in=compacts, status="not_met")
        .exclude(consultation=None, agreement=None, change=None)
        .select_related("compact", *related)
        .order_by("-id")[:limit]
    )
    found, editions = [], {}
    for finding in findings:
        record = next(getattr(finding, link) for link in links if getattr(finding, link))
        if finding.compact_id not in editions:
            editions[finding.compact_id] = editions_of(finding.compact)
        finding.name = editions[finding.compact_id].describe(finding.commitment)
        found.append(Row(record, [finding]))
    return found

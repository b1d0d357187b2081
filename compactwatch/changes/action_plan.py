"""The action plan (2007 edition, 5.2): adding and changing its items, progress notes, and
carrying a year's unfinished items into next year's plan at the annual review.

Who may change what (decided on the STORED item, never only on the new values):
- the Compact officer adds items, changes any of an item's fields, and carries a year on;
- a member of the partner that owns an item (or of the Compact Development Group, for the
  Group's own items, 5.5) changes that item's status and adds progress notes to it, and
  nothing else: not its title, owner or due date, and never another partner's item.
Every change is audited with its old and new values; a save from an older version of the
item is refused (Stale) with what changed since.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Max

from compactwatch import permissions
from compactwatch.changes.base import (
    Actor,
    Invalid,
    NotFound,
    Refused,
    Stale,
    changes_since,
    changing,
)
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.monitoring.indicators import indicators_for
from compactwatch.monitoring.models import (
    UNFINISHED,
    ActionItem,
    OwnerKind,
    ProgressNote,
    Status,
)
from compactwatch.organisations.models import Organisation

OFFICERS_ONLY = "Only the Compact officer can change the action plan"
OWNERS_ONLY = (
    "Only the Compact officer, or a member of the item's owner, can change its status or "
    "add a progress note"
)
NOT_FOUND = "No such item in the action plan"
RECORD_TYPE = "action item"
# Plan years the forms accept: wide enough for any real plan, narrow enough to catch typing.
FIRST_YEAR, LAST_YEAR = 2000, 2100
# What an owner's member may change of the owner's own item.
OWNERS_MAY_CHANGE = frozenset({"status"})
FIELDS = ("title", "success", "owner_kind", "owner", "due", "status", "commitment", "indicator")


# ---------------------------------------------------------------- who may


def may_change(actor: Actor, item: ActionItem) -> bool:
    """May `actor` change any field of the stored item (the officer only)?"""
    return actor.is_officer(item.compact)


def may_update(actor: Actor, item: ActionItem) -> bool:
    """May `actor` change the stored item's status and add progress notes: the officer, or a
    member of its owner (the owning partner, or the Development Group for its own items)."""
    if actor.is_officer(item.compact):
        return True
    user = actor.user
    if user is None or not user.is_authenticated:
        return False
    if item.owner_kind == OwnerKind.DEVELOPMENT_GROUP:
        return permissions.in_development_group(user, item.compact)
    return item.owner_id in permissions.organisation_ids(user, item.compact)


# ---------------------------------------------------------------- choices


def commitment_choices(compact: Compact) -> list[tuple[str, str]]:
    """Every commitment of every edition of the Compact, as (citation, words): a plan item
    may serve a commitment of either edition."""
    return [
        (commitment.citation, edition.describe(commitment.ref))
        for edition in editions_of(compact)
        for commitment in edition.commitments
    ]


def indicator_choices(compact: Compact) -> list[tuple[str, str]]:
    """The Compact's indicators as (id, name), from its indicators file (2007 edition, 5.1;
    compact/indicators/<id>.yaml, as the indicators page reads it); none if it has none."""
    found = indicators_for(compact)
    return [(item.id, item.name) for item in found.indicators] if found else []


def partners(compact: Compact) -> list[Organisation]:
    """The partners an item can belong to, by name."""
    return list(Organisation.objects.filter(compact=compact, partner=True).order_by("name"))


# ---------------------------------------------------------------- reading


def plan(compact: Compact, year: int) -> list[ActionItem]:
    """A year's plan, in number order, with owners and notes (a public document)."""
    return list(
        ActionItem.objects.filter(compact=compact, year=year)
        .select_related("owner", "carried_from")
        .prefetch_related("notes", "carried_to")
        .order_by("number")
    )


def plan_years(compact: Compact) -> list[int]:
    """The years that have a plan, newest first."""
    years = ActionItem.objects.filter(compact=compact).values_list("year", flat=True)
    return sorted(set(years), reverse=True)


def get_item(compact: Compact, year: int, number: int) -> ActionItem:
    item = (
        ActionItem.objects.filter(compact=compact, year=year, number=number)
        .select_related("owner", "compact", "carried_from")
        .first()
    )
    if item is None:
        raise NotFound(NOT_FOUND)
    return item


def to_be_carried(compact: Compact, year: int) -> list[ActionItem]:
    """The items the annual review of `year` would carry into next year's plan: those not
    done or dropped, and not carried already."""
    return list(
        ActionItem.objects.filter(compact=compact, year=year)
        .unfinished()
        .not_carried()
        .select_related("owner")
        .order_by("number")
    )


# ---------------------------------------------------------------- checking values


def check_year(year: Any) -> int:
    try:
        number = int(year)
    except (TypeError, ValueError):
        raise Invalid("Enter the plan year as a number, like 2026", "year") from None
    if not FIRST_YEAR <= number <= LAST_YEAR:
        raise Invalid(f"Enter a plan year from {FIRST_YEAR} to {LAST_YEAR}", "year")
    return number


def check_owner(compact: Compact, kind: Any, owner: Any, field: str) -> tuple[str, Any]:
    """(kind, organisation): a partner of this Compact, or the Development Group (no
    organisation). `field` is the form's name for the organisation."""
    if kind == OwnerKind.DEVELOPMENT_GROUP:
        return OwnerKind.DEVELOPMENT_GROUP, None
    if kind not in (OwnerKind.PARTNER, "", None):
        raise Invalid("Choose a partner or the Compact Development Group", f"{field}_kind")
    if not isinstance(owner, Organisation):
        raise Invalid("Choose the partner", field)
    if owner.compact_id != compact.pk or not owner.partner:
        raise Invalid(f"{owner.name} is not a partner of {compact.name}", field)
    return OwnerKind.PARTNER, owner


def _check(compact: Compact, values: dict[str, Any]) -> dict[str, Any]:
    """The values of an item as they will be stored; Invalid naming the field otherwise."""
    title = str(values.get("title") or "").strip()
    if not title:
        raise Invalid("Enter what will be done", "title")
    if len(title) > 300:
        raise Invalid(f"What will be done must be 300 characters or fewer (it is {len(title)})",
                      "title")  # fmt: skip
    success = str(values.get("success") or "").strip()
    if not success:
        raise Invalid("Enter what success looks like", "success")
    if len(success) > 5000:
        raise Invalid("What success looks like must be 5,000 characters or fewer", "success")
    kind, owner = check_owner(compact, values.get("owner_kind"), values.get("owner"), "owner")
    due = values.get("due")
    if due is not None and not isinstance(due, datetime.date):
        raise Invalid("Enter the due date as a date, like 31/3/2027", "due")
    status = values.get("status") or Status.NOT_STARTED
    if status not in Status.values:
        raise Invalid("Choose a status from the list", "status")
    commitment = str(values.get("commitment") or "").strip()
    if commitment and commitment not in dict(commitment_choices(compact)):
        raise Invalid(f"'{commitment}' is not a commitment of {compact.name}: choose from the list",
                      "commitment")  # fmt: skip
    indicator = str(values.get("indicator") or "").strip()
    if indicator and indicator not in dict(indicator_choices(compact)):
        raise Invalid(f"'{indicator}' is not an indicator of {compact.name}: choose from the list",
                      "indicator")  # fmt: skip
    if not commitment and not indicator:
        raise Invalid("Choose the commitment or the indicator the item serves (or both)",
                      "commitment")  # fmt: skip
    return {
        "title": title, "success": success, "owner_kind": kind, "owner": owner, "due": due,
        "status": status, "commitment": commitment, "indicator": indicator,
    }  # fmt: skip


def snapshot(item: ActionItem) -> dict[str, Any]:
    """An item's values for the audit trail, in words: the commitment with its clause and
    title, the indicator by name, the date as people write it."""
    commitment = indicator = ""
    if item.commitment:
        commitment = dict(commitment_choices(item.compact)).get(item.commitment, item.commitment)
    if item.indicator:
        indicator = dict(indicator_choices(item.compact)).get(item.indicator, item.indicator)
    return {
        "what will be done": item.title,
        "what success looks like": item.success,
        "owner": item.owner_words,
        "due date": f"{item.due:%-d %B %Y}" if item.due else "",
        "status": item.get_status_display(),
        "commitment": commitment,
        "indicator": indicator,
    }


def _next_number(compact: Compact, year: int) -> int:
    # The Compact's row is held so that two items added at once get different numbers.
    Compact.objects.select_for_update().filter(pk=compact.pk).first()
    top = ActionItem.objects.filter(compact=compact, year=year).aggregate(n=Max("number"))["n"]
    return (top or 0) + 1


# ---------------------------------------------------------------- changes


def add_item(actor: Actor, compact: Compact, year: Any, values: dict[str, Any]) -> ActionItem:
    """Add an item to a year's plan (the officer only). `values`: title, success,
    owner_kind ("partner" or "group"), owner (an Organisation, for a partner), due (a date
    or None), status, commitment (a citation) and/or indicator (an indicator's id)."""
    if not actor.is_officer(compact):
        raise Refused(OFFICERS_ONLY)
    year = check_year(year)
    checked = _check(compact, values)
    with changing():
        item = ActionItem(compact=compact, year=year, number=_next_number(compact, year),
                          created_by=actor.user, **checked)  # fmt: skip
        item.save()
        actor.audit("created", RECORD_TYPE, item.ref, compact=compact, after=snapshot(item),
                    version=item.version, summary=f"Added to the {year} action plan: {item.title}")  # fmt: skip
    return item


def _held(item: ActionItem) -> ActionItem:
    stored = (
        ActionItem.objects.select_for_update(of=("self",))
        .filter(pk=item.pk)
        .select_related("compact", "owner")
        .first()
    )
    if stored is None:
        raise NotFound(NOT_FOUND)
    return stored


def _write(actor: Actor, stored: ActionItem, new: dict[str, Any], summary: str) -> bool:
    """Write `new` over the stored item (held, permission and version checked); audited.
    Whether anything changed."""
    before = snapshot(stored)
    for name, value in new.items():
        setattr(stored, name, value)
    after = snapshot(stored)
    if before == after:
        return False
    stored.version += 1
    stored.save()
    actor.audit("changed", RECORD_TYPE, stored.ref, compact=stored.compact, before=before,
                after=after, version=stored.version, summary=summary)  # fmt: skip
    return True


def change_item(
    actor: Actor, item: ActionItem, values: dict[str, Any], *, version: int | None
) -> ActionItem:
    """Change an item. The officer may change any field; a member of the owner only its
    status (values == {"status": ...}). `version` is the version the actor read: Stale if it
    changed since. Changing nothing saves nothing."""
    with changing():
        stored = _held(item)
        own_status_only = set(values) <= OWNERS_MAY_CHANGE
        if not may_change(actor, stored):
            if not may_update(actor, stored):
                raise Refused(OWNERS_ONLY if own_status_only else OFFICERS_ONLY)
            if not own_status_only:
                raise Refused(f"{OFFICERS_ONLY}; a member of the item's owner can change its "
                              "status and add progress notes")  # fmt: skip
        if version is not None and stored.version != version:
            raise Stale(stored, changes_since(stored.compact, RECORD_TYPE, stored.ref, version))
        current = {name: getattr(stored, name) for name in FIELDS}
        checked = _check(stored.compact, {**current, **values})
        new = {name: checked[name] for name in values if name in checked}
        _write(actor, stored, new, summary=f"Changed {stored.ref}: {stored.title}")
    return stored


def set_status(actor: Actor, item: ActionItem, status: str, *, version: int | None) -> ActionItem:
    """Change an item's status only (the officer, or a member of its owner)."""
    return change_item(actor, item, {"status": status}, version=version)


def add_note(
    actor: Actor,
    item: ActionItem,
    text: str,
    *,
    status: str = "",
    version: int | None = None,
) -> ProgressNote:
    """Add a progress note to an item (the officer, or a member of its owner), changing its
    status at the same time if `status` is given and differs. A note is never changed or
    deleted afterwards. `version` guards the status change (Stale if the item changed)."""
    text = str(text or "").strip()
    with changing():
        stored = _held(item)
        if not may_update(actor, stored):
            raise Refused(OWNERS_ONLY)
        if not text:
            raise Invalid("Enter the progress made", "text")
        if len(text) > 5000:
            raise Invalid(f"The progress note must be 5,000 characters or fewer (it is "
                          f"{len(text)})", "text")  # fmt: skip
        if status and status not in Status.values:
            raise Invalid("Choose a status from the list", "status")
        changed_status = bool(status) and status != stored.status
        if changed_status and version is not None and stored.version != version:
            raise Stale(stored, changes_since(stored.compact, RECORD_TYPE, stored.ref, version))
        user = actor.user if actor.user is not None and actor.user.is_authenticated else None
        note = ProgressNote(item=stored, text=text, by=user,
                            username=user.get_username() if user else "",
                            status_to=status if changed_status else "")  # fmt: skip
        note.save()
        actor.audit("added a progress note", RECORD_TYPE, stored.ref, compact=stored.compact,
                    after={"progress note": text}, version=stored.version,
                    summary=f"Progress noted on {stored.ref}: {stored.title}")  # fmt: skip
        if changed_status:
            _write(actor, stored, {"status": status},
                   summary=f"Status of {stored.ref} changed with a progress note")  # fmt: skip
    return note


def _carried_due(due: datetime.date | None, year: int) -> datetime.date | None:
    # A due date inside the year that has ended would make the carried item overdue on its
    # first day; it is left for the officer to set again. A later one still stands.
    return due if due is not None and due.year > year else None


def carry_unfinished(actor: Actor, compact: Compact, year: Any) -> list[ActionItem]:
    """Carry every unfinished item (not started or in progress) of `year`'s plan into the
    plan of `year` + 1, at the annual review (the officer only). Each new item continues the
    old one (carried_from) and keeps its owner, status, commitment and indicator; the old one
    is marked as carried (its carried_to). Running it again carries nothing twice. Returns
    the new items."""
    if not actor.is_officer(compact):
        raise Refused(OFFICERS_ONLY)
    year = check_year(year)
    carried: list[ActionItem] = []
    with changing():
        number = _next_number(compact, year + 1)
        old_items = (
            ActionItem.objects.select_for_update(of=("self",))
            .filter(compact=compact, year=year, status__in=UNFINISHED, carried_to__isnull=True)
            .select_related("owner")
            .order_by("number")
        )
        for old in old_items:
            new = ActionItem(
                compact=compact, year=year + 1, number=number, title=old.title,
                success=old.success, owner_kind=old.owner_kind, owner=old.owner,
                due=_carried_due(old.due, year), status=old.status, commitment=old.commitment,
                indicator=old.indicator, carried_from=old, created_by=actor.user,
            )  # fmt: skip
            new.save()
            number += 1
            actor.audit("created", RECORD_TYPE, new.ref, compact=compact, after=snapshot(new),
                        version=new.version,
                        summary=f"Carried from {old.ref} into the {year + 1} action plan")  # fmt: skip
            # The old item changes too (it is now carried): a form opened on it is stale.
            old.version += 1
            old.save(update_fields=["version", "updated"])
            actor.audit("carried", RECORD_TYPE, old.ref, compact=compact,
                        before={"carried into": ""}, after={"carried into": new.ref},
                        version=old.version,
                        summary=f"Carried into the {year + 1} action plan as {new.ref}")  # fmt: skip
            carried.append(new)
    return carried


def visible_notes(items: Iterable[ActionItem]) -> dict[int, list[ProgressNote]]:
    """The notes of each item, oldest first (notes are public, as the plan is)."""
    notes: dict[int, list[ProgressNote]] = {}
    for note in ProgressNote.objects.filter(item__in=list(items)).order_by("at", "id"):
        notes.setdefault(note.item_id, []).append(note)
    return notes

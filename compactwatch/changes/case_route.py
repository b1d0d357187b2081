"""A Compact's route for disagreements: created from the shipped route when first needed,
changed by its officer (a new version of the document, checked by the core). A case keeps
the route it started with, so a change applies to cases raised after it.
"""

from __future__ import annotations

from typing import Any

import yaml
from django.db import IntegrityError, transaction

from compactwatch.changes.base import (
    Actor,
    Invalid,
    NotFound,
    Refused,
    Stale,
    changes_since,
    changing,
)
from compactwatch.compact.disputes import Route, RouteFileError, parse_route, shipped_routes
from compactwatch.compacts.models import Compact
from compactwatch.disputes.models import CaseRoute

DEFAULT_ROUTE = "cambridgeshire"
MAX_ROUTE_BYTES = 200_000  # a route is a few KB; this bounds what a form may send


def shipped_route_for(compact: Compact) -> Route:
    """The shipped route written for this Compact (its `compact` names the slug), else the
    Cambridgeshire route with the complaint-code clocks, which any Compact may adopt."""
    routes = shipped_routes()
    for route in routes.values():
        if route.document.get("compact") == compact.slug:
            return route
    return routes.get(DEFAULT_ROUTE) or next(iter(routes.values()))


def route_of(compact: Compact) -> CaseRoute:
    """The Compact's route now (its newest version), made from the shipped one the first
    time it is needed."""
    stored = CaseRoute.objects.filter(compact=compact).order_by("-version").first()
    if stored is not None:
        return stored
    with changing():
        try:
            with transaction.atomic():
                stored = CaseRoute.objects.create(
                    compact=compact, document=shipped_route_for(compact).document
                )
        except IntegrityError:  # made at the same moment by another request
            return CaseRoute.objects.get(compact=compact, version=1)
        Actor.system("automatic").audit(
            "created", "case_route", compact.slug, compact=compact, version=1,
            summary="The route for disagreements was set from the shipped route",
        )  # fmt: skip
    return stored


def current_route(compact: Compact) -> Route:
    """The route a case raised now starts with."""
    return route_of(compact).core()


def change_route(actor: Actor, compact: Compact, document: Any, *, version: int) -> CaseRoute:
    """The officer replaces the Compact's route with `document` (as read from YAML or
    JSON): a new version, which cases raised from now on start with. Invalid lists every
    problem the core finds (one per line); Stale if someone changed the route since
    `version`."""
    if not actor.is_officer(compact):
        if actor.user is not None and getattr(actor.user, "is_authenticated", False):
            raise Refused("Only the Compact officer can change the route for disagreements")
        raise NotFound("No such page")
    try:
        route = parse_route(document, "the route")
    except RouteFileError as error:
        raise Invalid("\n".join(error.problems), "document") from error
    route_of(compact)
    with changing():
        stored = CaseRoute.objects.select_for_update().filter(compact=compact).first()
        if stored is None or stored.version != version:
            raise Stale(stored, changes_since(compact, "case_route", compact.slug, version))
        before = {
            "route": stored.document.get("title"),
            "route version": stored.document.get("version"),
        }
        by = actor.user if getattr(actor.user, "is_authenticated", False) else None
        try:
            with transaction.atomic():  # two officers at once: the second meets the constraint
                stored = CaseRoute.objects.create(
                    compact=compact, document=route.document, version=version + 1, changed_by=by
                )
        except IntegrityError:
            raise Stale(
                CaseRoute.objects.filter(compact=compact).first(),
                changes_since(compact, "case_route", compact.slug, version),
            ) from None
        actor.audit(
            "changed", "case_route", compact.slug, compact=compact, version=stored.version,
            before=before,
            after={"route": route.title, "route version": route.version},
            summary="The route for disagreements was changed; cases already raised keep theirs",
        )  # fmt: skip
    return stored


def change_route_text(actor: Actor, compact: Compact, text: str, *, version: int) -> CaseRoute:
    """As change_route, from a YAML (or JSON) text, as an officer uploads or pastes it."""
    if len(text.encode("utf-8")) > MAX_ROUTE_BYTES:
        raise Invalid(f"A route is at most {MAX_ROUTE_BYTES // 1000} KB", "document")
    try:
        document = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as error:
        raise Invalid(f"This is not valid YAML: {error}", "document") from error
    return change_route(actor, compact, document, version=version)

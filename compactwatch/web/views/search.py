"""Searching the Compact's text, for "which commitment covers my case?"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from compactwatch.compact.search import MAX_QUERY_LENGTH, search
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.params import BadQuery
from compactwatch.web.views.errors import bad_request


def compact_search(request: HttpRequest, compact: str) -> HttpResponse:
    the_compact = get_object_or_404(Compact, slug=compact)
    query = request.GET.get("q", "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        return bad_request(
            request,
            BadQuery(
                f"A search can be at most {MAX_QUERY_LENGTH} characters long; "
                f"this one is {len(query):,}. Search for a few words"
            ),
        )
    editions = editions_of(the_compact)
    in_force = editions.in_force_on(timezone.localdate())
    # The edition in force first, then the others from the newest.
    hits = search(reversed(list(editions)), query, in_force.id if in_force else None)
    return render(request, "web/public/search.html", {
        "compact": the_compact, "query": query, "hits": hits, "in_force": in_force,
        "editions": the_compact.editions.order_by("-in_force_from"),
        "search_max_length": MAX_QUERY_LENGTH,
    })  # fmt: skip

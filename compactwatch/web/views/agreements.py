"""The search behind the funding-change form's autocomplete: the agreements the user may
record a change to that match the words typed, as JSON (the form's own search, in
web/agreement_choice.py, works without it)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404

from compactwatch import permissions
from compactwatch.compacts.models import Compact
from compactwatch.limits import api_refusal
from compactwatch.params import BadQuery
from compactwatch.records.models import FundingAgreement
from compactwatch.records.search import search_agreements
from compactwatch.web.agreement_choice import agreement_label


@login_required
def agreement_search(request: HttpRequest, compact: str) -> JsonResponse:
    """`?q=words`: {"count": how many match, "results": the first 20 as {id, label}}."""
    the_compact = get_object_or_404(Compact, slug=compact)
    agreements = permissions.editable_records(request.user, FundingAgreement, the_compact)
    try:
        matches = search_agreements(agreements, request.GET.get("q", ""))
    except BadQuery as problem:
        return api_refusal(400, str(problem))
    return JsonResponse({
        "count": matches.total,
        "results": [{"id": a.ref, "label": agreement_label(a)} for a in matches.shown],
    })  # fmt: skip

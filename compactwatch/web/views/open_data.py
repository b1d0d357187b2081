"""The open data page of a Compact, and its one download (a zip of CSV and JSON files with a
README of their fields). Public: it holds nothing confidential (compactwatch/reports/opendata.py).

The download is made by the worker and kept as a file (compactwatch/changes/open_data.py);
these views only serve the latest one made, or queue one. No request ever builds it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from compactwatch import permissions
from compactwatch.changes import open_data as open_data_changes
from compactwatch.changes.base import Actor, ChangeRefused
from compactwatch.compacts.models import Compact
from compactwatch.reports import exports, opendata
from compactwatch.reports.models import ExportStatus, OpenDataExport
from compactwatch.web.views.manage import officer_only


def made_words(export: OpenDataExport) -> str:
    """ "Made on 26 November 2026 at 03:40, 12.3 MB"."""
    made = timezone.localtime(export.made) if export.made else None
    when = f"Made on {made.day} {made:%B %Y} at {made:%H:%M}" if made else "Made"
    return f"{when}, {filesizeformat(export.size)}"


def _render(
    request: HttpRequest, compact: Compact, *, status: int = 200, missing: bool = False
) -> HttpResponse:
    made = open_data_changes.latest(compact)
    return render(request, "web/reports/open_data.html", {
        "compact": compact, "tables": opendata.TABLES, "made": made,
        "made_words": made_words(made) if made else "",
        "building": open_data_changes.building(compact),
        "failed": open_data_changes.last_failed(compact),
        "is_officer": permissions.is_officer(request.user, compact), "missing": missing,
    }, status=status)  # fmt: skip


def page(request: HttpRequest, compact: str) -> HttpResponse:
    the_compact = get_object_or_404(Compact, slug=compact)
    # Before the first download exists the page says it is being prepared, and queues it
    # (at most one): the worker makes it, never this request.
    open_data_changes.prepare_if_missing(the_compact)
    return _render(request, the_compact)


@officer_only
def manage(request: HttpRequest, compact: Compact) -> HttpResponse:
    """The officer's open data page: ask for a fresh download, and follow its making."""
    if request.method == "POST":
        try:
            export = open_data_changes.ask_for_fresh(Actor(request.user, "form"), compact)
        except ChangeRefused as error:
            messages.error(request, error.message)
        else:
            waiting = export.status == ExportStatus.QUEUED
            messages.success(request, "A fresh open data download is being made from today's "
                             "data" + (": it is waiting for the worker." if waiting else
                                       f": {export.percent}% done."))  # fmt: skip
        return redirect("web:open_data_manage", compact.slug)
    return _render(request, compact)


def readme(request: HttpRequest, compact: str) -> HttpResponse:
    """The download's README on its own, as text: every file and the meaning of its fields."""
    the_compact = get_object_or_404(Compact, slug=compact)
    return HttpResponse(opendata.readme(the_compact), content_type="text/plain; charset=utf-8")


def download(request: HttpRequest, compact: str) -> HttpResponse:
    """The latest download made, as its file; before the first is made, a 404 page that
    says it is being prepared."""
    the_compact = get_object_or_404(Compact, slug=compact)
    for _attempt in range(2):  # a newer one may replace the file between look and open
        made = open_data_changes.latest(the_compact)
        if made is None:
            break
        try:
            handle = exports.stored_path(made.file).open("rb")
        except (OSError, ValueError):
            continue
        return FileResponse(
            handle, as_attachment=True, filename=f"{the_compact.slug}-open-data.zip",
            content_type="application/zip",
        )  # fmt: skip
    return _render(request, the_compact, status=404, missing=True)

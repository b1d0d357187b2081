"""The records format for people: a page explaining every field, and template files."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from compactwatch.compact.format_guide import csv_columns, guide, template_files
from compactwatch.compact.records import SECTIONS

TITLES = {
    "organisations": "Organisations",
    "consultations": "Consultations",
    "funding_agreements": "Funding agreements",
    "funding_changes": "Changes to funding",
}


def records_format(request: HttpRequest) -> HttpResponse:
    return render(request, "web/records/format.html", {
        "sections": [
            {"id": section, "title": TITLES[section], "fields": guide(section),
             "columns": csv_columns(section), "file": f"{section}.csv"}
            for section in SECTIONS
        ],
    })  # fmt: skip


def template_file(request: HttpRequest, name: str) -> HttpResponse:
    """A template file to fill in: one CSV per record type, or one JSON file."""
    files = template_files()
    if name not in files:
        raise Http404("There is no template file of that name")
    content, media_type = files[name]
    response = HttpResponse(content, content_type=f"{media_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

"""The officer's "Upload an edition" page: an edition file checked (every problem shown
beside its line), a preview of what it changes against the edition in force, then, once
confirmed, stored through the one way in.

The file's text travels to the confirmation in a hidden field: it is read and checked again
there, as anything sent by a browser is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from compactwatch.changes.base import Actor, Invalid, Refused, Taken
from compactwatch.changes.editions import load_edition
from compactwatch.compact.edition import Edition
from compactwatch.compact.edition_changes import loading_preview
from compactwatch.compact.loader import EditionProblem, EditionProblems, read_edition_text
from compactwatch.compact.records import printable
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.limits import size_in_words, upload_limit
from compactwatch.web.forms import DateInput
from compactwatch.web.views.manage import officer_only

FILE_FIELD = "edition_file"
# A file this long is shown only around its problems, this many lines either side.
SHOWN_WHOLE, AROUND = 40, 2


class InForceForm(forms.Form):
    in_force_from = forms.DateField(
        label="In force from",
        widget=DateInput(attrs={"class": "govuk-input govuk-input--width-10"}),
        error_messages={
            "required": "Enter the date the edition comes into force",
            "invalid": "Enter the date the edition comes into force as a real date",
        },
    )


@dataclass
class Line:
    number: int
    text: str
    problems: list[EditionProblem] = field(default_factory=list)


@dataclass
class Excerpt:
    lines: list[Line]

    @property
    def first(self) -> int:
        return self.lines[0].number

    @property
    def last(self) -> int:
        return self.lines[-1].number


@officer_only
def upload(request: HttpRequest, compact: Compact) -> HttpResponse:
    if request.method != "POST":
        return render(request, "web/editions/upload.html", {"compact": compact})
    if request.POST.get("step") == "confirm":
        return _confirm(request, compact)
    chosen = request.FILES.get(FILE_FIELD)
    if chosen is None:
        return _problems(request, compact, [], "Choose an edition file (YAML)")
    name = _file_name(chosen.name)
    limit = upload_limit("web:edition_upload")
    if chosen.size is not None and chosen.size > limit:
        return _problems(
            request, compact, [],
            f"The file is {size_in_words(chosen.size)}; an edition file can be at most "
            f"{size_in_words(limit)}",
        )  # fmt: skip
    data = chosen.read(limit + 1)
    try:
        edition, _ = read_edition_text(data, name)
    except EditionProblems as error:
        return _problems(request, compact, error.problems, None, data)
    text = data.decode("utf-8")  # it was read as UTF-8 above
    form = InForceForm(initial={"in_force_from": edition.default_in_force_from})
    return _confirmation(request, compact, edition, text, name, form)


def _confirm(request: HttpRequest, compact: Compact) -> HttpResponse:
    name = _file_name(request.POST.get("file_name", ""))
    text = request.POST.get("text", "")
    try:
        edition, document = read_edition_text(text, name)
    except EditionProblems as error:
        return _problems(request, compact, error.problems, None, text.encode())
    form = InForceForm(request.POST)
    if form.is_valid():
        try:
            row, recheck = load_edition(
                Actor(request.user, "form"), compact, document, name,
                form.cleaned_data["in_force_from"],
            )  # fmt: skip
        except Invalid as error:
            # A date refused (outside the records' years, or out of the editions' order) is
            # the date field's; any other (an edition of another Compact) is the file's.
            form.add_error("in_force_from" if error.field != "compact" else None, error.message)
        except (Taken, Refused) as error:
            form.add_error(None, error.message)
        else:
            if recheck is None:
                messages.success(request, f"{row.title} is already stored, unchanged; nothing "
                                 "changed.")  # fmt: skip
            else:
                messages.success(
                    request,
                    f"{row.title} is stored, in force from {row.in_force_from:%-d %B %Y}. Every "
                    "record is being checked again against the edition in force on its date: "
                    "the figures change as it goes.",
                )
            return redirect("web:manage_editions", compact.slug)
    return _confirmation(request, compact, edition, text, name, form)


def _confirmation(
    request: HttpRequest, compact: Compact, edition: Edition, text: str, name: str,
    form: InForceForm,
) -> HttpResponse:  # fmt: skip
    editions = editions_of(compact)
    current = editions.in_force_on(date.today()) or next(reversed(list(editions)), None)
    form.fields["in_force_from"].help_text = (
        f"The file gives {edition.default_in_force_from:%-d %B %Y}. A record is judged by the "
        "newest edition in force on its date."
    )
    preview = [
        [line.strip() for line in paragraph]
        for paragraph in loading_preview(current, edition, compact.name)
    ]
    return render(request, "web/editions/upload_confirm.html", {
        "compact": compact, "edition": edition, "text": text, "file_name": name, "form": form,
        "preview": preview, "same_id": current is not None and current.id == edition.id,
    })  # fmt: skip


def _problems(
    request: HttpRequest, compact: Compact, problems: list[EditionProblem],
    choose: str | None, data: bytes = b"",
) -> HttpResponse:  # fmt: skip
    context: dict[str, Any] = {"compact": compact, "problems": problems, "choose": choose}
    if problems:
        excerpts = _excerpts(data, problems)
        shown = {line.number for excerpt in excerpts for line in excerpt.lines}
        last = max(shown, default=0)
        # Each problem links to its line in the file as shown (one past the end: the last).
        context["excerpts"], context["summary"] = (
            excerpts,
            [
                (
                    problem,
                    f"line-{min(problem.line, last)}" if problem.line and shown else FILE_FIELD,
                )
                for problem in problems
            ],
        )
    return render(request, "web/editions/upload.html", context)


def _excerpts(data: bytes, problems: list[EditionProblem]) -> list[Excerpt]:
    """The file's lines with each problem beside its own: all of them for a short file,
    else only those around the problems, in runs."""
    if any("UTF-8" in problem.message for problem in problems if problem.field is None):
        return []  # not text: nothing to show
    lines = data.decode("utf-8", errors="replace").removeprefix("\ufeff").splitlines() or [""]
    placed: dict[int, list[EditionProblem]] = {}
    for problem in problems:
        if problem.line is not None:
            placed.setdefault(min(problem.line, len(lines)), []).append(problem)
    if not placed:
        return []
    if len(lines) <= SHOWN_WHOLE:
        shown = set(range(1, len(lines) + 1))
    else:
        shown = {number for line in placed
                 for number in range(max(1, line - AROUND), min(len(lines), line + AROUND) + 1)}  # fmt: skip
    excerpts: list[Excerpt] = []
    for number in sorted(shown):
        if not excerpts or excerpts[-1].last != number - 1:
            excerpts.append(Excerpt([]))
        excerpts[-1].lines.append(
            Line(number, printable(lines[number - 1], 500), placed.get(number, []))
        )
    return excerpts


def _file_name(name: str) -> str:
    """The name a browser gave the file, as words for messages (it is never a path here)."""
    base = PurePath(name.replace("\\", "/")).name
    return printable(base)[:100] or "edition.yaml"

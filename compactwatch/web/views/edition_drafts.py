"""The Compact officer drafts a new edition: start it from the edition in force, change its
commitments and their standards' parameters, preview the differences, consult the partners,
adopt it with an in-force date (and ask every partner to sign it), or abandon it.

Thin over compactwatch.changes.edition_drafts: forms keep what was typed, and each refusal
is shown next to the field it names.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from compactwatch.changes.base import Actor, ChangeRefused, Invalid, NotFound, Stale, Taken
from compactwatch.changes.edition_drafts import (
    abandon_draft,
    add_commitment,
    adopt_draft,
    change_commitment,
    consult_on_draft,
    open_draft,
    proposed_id,
    remove_commitment,
    start_draft,
)
from compactwatch.compact.checks import CHECKS
from compactwatch.compact.dates import describe_amount
from compactwatch.compact.diff import describe_parameter
from compactwatch.compact.edition import Commitment
from compactwatch.compact.words import in_words
from compactwatch.compacts.draft_preview import preview
from compactwatch.compacts.models import Compact, EditionDraft
from compactwatch.compacts.review import edition_in_force
from compactwatch.organisations.models import Sector
from compactwatch.records.models import Consultation
from compactwatch.web.forms import DATE_EXAMPLE, DateInput
from compactwatch.web.views.manage import officer_only

BINDS = [("public_bodies", "Public bodies"), ("voluntary_groups", "Voluntary and community groups"),
         ("all_partners", "All partners")]  # fmt: skip
STRENGTHS = [("must", "A commitment they must keep"), ("aim", "An aim they work towards")]
YES_NO = [("true", "Yes"), ("false", "No")]


class DraftForm(forms.Form):
    """GOV.UK classes on every widget, and the draft's version as the officer read it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs["class"] = "govuk-radios__input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "govuk-select"
            elif isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("class", "govuk-textarea")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "govuk-input")
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"

    def refused(self, error: ChangeRefused, fields: dict[str, str] | None = None) -> None:
        """Show a refusal next to the field it names (or above the form)."""
        name = (fields or {}).get(error.field or "", error.field)
        self.add_error(name if name in self.fields else None, error.message)


class StartForm(forms.Form):
    edition_name = forms.CharField(
        label="Name of the new edition", max_length=200,
        help_text="How pages name it beside a commitment, for example 2026 edition",
        error_messages={"required": "Enter the name of the new edition"},
    )  # fmt: skip
    edition_id = forms.SlugField(
        label="Its id", max_length=100,
        help_text="Used in web addresses and files: lower-case letters, numbers and hyphens",
        error_messages={"required": "Enter the new edition's id",
                        "invalid": "Enter the id using only lower-case letters, numbers and "
                                   "hyphens, for example cambridgeshire-2026"},
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.update({"class": "govuk-input govuk-input--width-20",
                                       "aria-describedby": f"id_{name}-hint"})  # fmt: skip

    def clean_edition_id(self) -> str:
        value = self.cleaned_data["edition_id"]
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
            raise forms.ValidationError(self.fields["edition_id"].error_messages["invalid"])
        return value


def parameter_field(commitment: Commitment, position: int, name: str) -> forms.Field | None:
    """A labelled field for one parameter of a standard, by the kind its check declares
    (a period in its unit, yes or no, text); None for those edited in the file only."""
    standard = commitment.standards[position]
    check = CHECKS[standard.check]
    kind = {**check.parameters, **check.optional_parameters}.get(name)
    parameter = standard.parameters[name]
    label = f"{in_words(name)} ({check.title.lower()})"
    hint = f"Clause {parameter.clause}" + (f": “{parameter.quote}”" if parameter.quote else "")
    if kind == "period":
        unit = parameter.unit or "days"
        what = f"{in_words(name).lower()} as a whole number of {unit}"
        field: forms.Field = forms.IntegerField(
            label=label, min_value=1, max_value=1000, initial=parameter.value,
            help_text=f"In {unit}. {hint}",
            error_messages={"required": f"Enter the {what}", "invalid": f"Enter the {what}",
                            "min_value": f"Enter the {what}, 1 or more",
                            "max_value": f"Enter the {what}, at most 1000"},
        )  # fmt: skip
        field.widget.attrs.update({"class": "govuk-input govuk-input--width-4",
                                   "inputmode": "numeric"})  # fmt: skip
        field.unit = unit  # type: ignore[attr-defined]
        return field
    if kind == "flag":
        return forms.TypedChoiceField(
            label=label, choices=YES_NO, coerce=lambda value: value == "true",
            widget=forms.RadioSelect, initial="true" if parameter.value else "false",
            help_text=hint, error_messages={"required": f"Select yes or no for {label.lower()}"},
        )  # fmt: skip
    if kind == "text":
        return forms.CharField(
            label=label, initial=parameter.value, help_text=hint, max_length=200,
            error_messages={"required": f"Enter the {label.lower()}"},
        )  # fmt: skip
    return None


class CommitmentForm(DraftForm):
    name = forms.CharField(
        label="Short name", required=False, max_length=200,
        help_text="Named in lists and findings, for example 12-week formal written "
        "consultation. Leave it empty to name the commitment by its first words.",
    )  # fmt: skip
    text = forms.CharField(
        label="Text, word for word", widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the text of the commitment"},
    )  # fmt: skip

    def __init__(self, commitment: Commitment, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.parameters: dict[str, tuple[int, str]] = {}
        for position, standard in enumerate(commitment.standards):
            for name in standard.parameters:
                field = parameter_field(commitment, position, name)
                if field is not None:
                    key = f"p{position}__{name}"
                    self.fields[key] = field
                    self.parameters[key] = (position, name)
        # Added after DraftForm gave the other fields their classes.
        for key in self.parameters:
            widget = self.fields[key].widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs["class"] = "govuk-radios__input"
            else:
                widget.attrs.setdefault("class", "govuk-input govuk-input--width-20")
            widget.attrs["aria-describedby"] = f"id_{key}-hint"

    def parameter_values(self) -> dict[tuple[int, str], Any]:
        return {self.parameters[key]: self.cleaned_data[key] for key in self.parameters}

    def error_field(self, error: ChangeRefused) -> dict[str, str]:
        """The form's field for a field the core names (standards[0].parameters.x.value)."""
        found = re.match(r"standards\[(\d+)\]\.parameters\.(\w+)", error.field or "")
        return {error.field or "": f"p{found[1]}__{found[2]}"} if found else {}

    def standard_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in self.parameters]


class AddForm(DraftForm):
    ref = forms.RegexField(
        label="Clause number", regex=r"^\d+\.\d+$", max_length=10,
        help_text="For example 2.10",
        error_messages={"required": "Enter the clause number",
                        "invalid": "Enter the clause number as two numbers with a full stop "
                                   "between them, for example 2.10"},
    )  # fmt: skip
    section = forms.ChoiceField(label="Section", error_messages={"required": "Select a section"})
    binds = forms.ChoiceField(
        label="Who it binds", choices=BINDS, widget=forms.RadioSelect,
        error_messages={"required": "Select who it binds"},
    )  # fmt: skip
    strength = forms.ChoiceField(
        label="How strong it is", choices=STRENGTHS, widget=forms.RadioSelect,
        error_messages={"required": "Select how strong it is"},
    )  # fmt: skip
    name = CommitmentForm.base_fields["name"]
    text = CommitmentForm.base_fields["text"]

    def __init__(self, document: dict[str, Any], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", "Choose…")] + [
            (item["id"], item["title"] + (f": {item['heading']}" if item.get("heading") else ""))
            for item in document.get("sections", [])
        ]
        self.fields["ref"].widget.attrs["class"] = "govuk-input govuk-input--width-5"


class ConsultForm(DraftForm):
    organisation = forms.ModelChoiceField(
        queryset=None, label="The public body that consults",
        help_text="The consultation is recorded as this body's, and checked against the "
        "edition in force like any other",
        error_messages={"required": "Select the public body that consults",
                        "invalid_choice": "Select a public body from the list"},
    )  # fmt: skip
    opens = forms.DateField(
        label="Opens", widget=DateInput(), help_text=DATE_EXAMPLE,
        error_messages={"required": "Enter the date the consultation opens",
                        "invalid": f"Enter the date the consultation opens as a real date, "
                                   f"{DATE_EXAMPLE}"},
    )  # fmt: skip
    closes = forms.DateField(
        label="Closes", widget=DateInput(), help_text=DATE_EXAMPLE,
        error_messages={"required": "Enter the date the consultation closes",
                        "invalid": f"Enter the date the consultation closes as a real date, "
                                   f"{DATE_EXAMPLE}"},
    )  # fmt: skip

    def __init__(self, compact: Compact, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = compact.organisations.filter(partner=True, sector=Sector.PUBLIC)
        field.empty_label = "Choose…"
        for name in ("opens", "closes"):
            self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-10"


class AdoptForm(DraftForm):
    in_force_from = forms.DateField(
        label="In force from", widget=DateInput(),
        help_text=f"Records dated from this day are judged by the new edition; {DATE_EXAMPLE}",
        error_messages={"required": "Enter the date the edition comes into force",
                        "invalid": "Enter the date the edition comes into force as a real "
                                   f"date, {DATE_EXAMPLE}"},
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["in_force_from"].widget.attrs["class"] = "govuk-input govuk-input--width-10"


def _draft(compact: Compact, pk: int) -> EditionDraft:
    return get_object_or_404(EditionDraft.objects.select_related("based_on"), compact=compact,
                             pk=pk)  # fmt: skip


def _context(compact: Compact, draft: EditionDraft, **more: Any) -> dict[str, Any]:
    return {"compact": compact, "draft": draft, **more}


def _closed(request: HttpRequest, draft: EditionDraft) -> HttpResponse | None:
    """An adopted or abandoned draft is read only: its pages that change it lead back."""
    if draft.is_open:
        return None
    messages.info(request, f"This draft was {draft.get_status_display().lower()}: it no longer "
                  "changes.")  # fmt: skip
    return redirect(draft.get_absolute_url())


def _stale_or_refused(form: DraftForm, error: ChangeRefused, fields: dict[str, str] | None = None
                      ) -> Stale | None:  # fmt: skip
    if isinstance(error, Stale):
        form.data = form.data.copy()
        form.data["version"] = str(error.current.version)
        form.add_error(None, error.message)
        return error
    form.refused(error, fields)
    return None


@officer_only
def start(request: HttpRequest, compact: Compact) -> HttpResponse:
    current = open_draft(compact)
    if current is not None:
        messages.info(request, f"{compact.name} already has a draft of a new edition: this one.")
        return redirect(current.get_absolute_url())
    today = timezone.localdate()
    based_on = edition_in_force(compact, today)
    form = StartForm(request.POST or None, initial={
        "edition_name": f"{today.year} edition", "edition_id": proposed_id(compact, today.year),
    })  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            draft = start_draft(Actor(request.user, "form"), compact,
                                edition_id=form.cleaned_data["edition_id"],
                                edition_name=form.cleaned_data["edition_name"])  # fmt: skip
        except (Taken, Invalid) as error:
            form.add_error("edition_id" if error.field == "edition_id" else None, error.message)
        else:
            messages.success(request, f"Draft {draft.name} started from {draft.based_on.title}.")
            return redirect(draft.get_absolute_url())
    return render(request, "web/editions/draft_start.html",
                  {"compact": compact, "form": form, "based_on": based_on})  # fmt: skip


def _sections(draft: EditionDraft) -> list[dict[str, Any]]:
    """The draft's commitments grouped by section, in the order of its text."""
    core = draft.core()
    titles = {item["id"]: item for item in draft.document.get("sections", [])}
    groups: dict[str, dict[str, Any]] = {}
    for commitment in core.commitments:
        section = titles.get(commitment.section, {"title": in_words(commitment.section)})
        group = groups.setdefault(commitment.section, {"section": section, "commitments": []})
        group["commitments"].append(commitment)
    return list(groups.values())


@officer_only
def overview(request: HttpRequest, compact: Compact, pk: int) -> HttpResponse:
    draft = _draft(compact, pk)
    consultation = (
        Consultation.objects.filter(compact=compact, ref=draft.consultation_ref)
        .select_related("organisation").first()
        if draft.consultation_ref else None
    )  # fmt: skip
    changes = preview(draft.based_on.core(), draft.core())
    return render(request, "web/editions/draft.html", _context(
        compact, draft, sections=_sections(draft), consultation=consultation,
        findings=consultation.findings.all() if consultation is not None else [],
        change_count=len(changes),
    ))  # fmt: skip


@officer_only
def commitment(request: HttpRequest, compact: Compact, pk: int, ref: str) -> HttpResponse:
    draft = _draft(compact, pk)
    if (closed := _closed(request, draft)) is not None:
        return closed
    try:
        item = draft.core().commitment(ref)
    except KeyError:
        raise Http404("The draft has no such commitment") from None
    form = CommitmentForm(item, request.POST or None,
                          initial={"name": item.name, "text": item.text, "version": draft.version})  # fmt: skip
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            change_commitment(Actor(request.user, "form"), compact, pk, ref,
                              text=form.cleaned_data["text"], name=form.cleaned_data["name"],
                              parameters=form.parameter_values(),
                              version=form.cleaned_data["version"])  # fmt: skip
        except (Stale, Invalid, NotFound, Taken) as error:
            stale = _stale_or_refused(form, error, form.error_field(error))
        else:
            messages.success(request, f"{ref} saved in the draft.")
            return redirect(f"{draft.get_absolute_url()}#commitment-{ref}")
    return render(request, "web/editions/draft_commitment.html",
                  _context(compact, draft, form=form, commitment=item, stale=stale,
                           fixed=_fixed_parameters(item)))  # fmt: skip


def _fixed_parameters(item: Commitment) -> list[tuple[str, str]]:
    """The parameters not edited here (lists and mappings), in words."""
    return [
        (f"{in_words(name)} ({CHECKS[standard.check].title.lower()})", describe_parameter(value))
        for position, standard in enumerate(item.standards)
        for name, value in standard.parameters.items()
        if parameter_field(item, position, name) is None
    ]


@officer_only
def add(request: HttpRequest, compact: Compact, pk: int) -> HttpResponse:
    draft = _draft(compact, pk)
    if (closed := _closed(request, draft)) is not None:
        return closed
    form = AddForm(draft.document, request.POST or None, initial={"version": draft.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            add_commitment(Actor(request.user, "form"), compact, pk, ref=data["ref"],
                           section=data["section"], binds=data["binds"],
                           strength=data["strength"], text=data["text"], name=data["name"],
                           version=data["version"])  # fmt: skip
        except (Stale, Invalid, NotFound, Taken) as error:
            stale = _stale_or_refused(form, error)
        else:
            messages.success(request, f"{data['ref']} added to the draft.")
            return redirect(f"{draft.get_absolute_url()}#commitment-{data['ref']}")
    return render(request, "web/editions/draft_add.html",
                  _context(compact, draft, form=form, stale=stale))  # fmt: skip


@officer_only
def remove(request: HttpRequest, compact: Compact, pk: int, ref: str) -> HttpResponse:
    draft = _draft(compact, pk)
    if (closed := _closed(request, draft)) is not None:
        return closed
    try:
        item = draft.core().commitment(ref)
    except KeyError:
        raise Http404("The draft has no such commitment") from None
    form = DraftForm(request.POST or None, initial={"version": draft.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            remove_commitment(Actor(request.user, "form"), compact, pk, ref,
                              version=form.cleaned_data["version"])  # fmt: skip
        except (Stale, Invalid, NotFound) as error:
            stale = _stale_or_refused(form, error)
        else:
            messages.success(request, f"{item.title} removed from the draft.")
            return redirect(draft.get_absolute_url())
    return render(request, "web/editions/draft_remove.html",
                  _context(compact, draft, form=form, commitment=item, stale=stale))  # fmt: skip


@officer_only
def preview_page(request: HttpRequest, compact: Compact, pk: int) -> HttpResponse:
    draft = _draft(compact, pk)
    before = draft.based_on.core()
    return render(request, "web/editions/draft_preview.html", _context(
        compact, draft, before=before, changes=preview(before, draft.core()),
    ))  # fmt: skip


def _consultation_length(compact: Compact) -> str:
    """What the edition in force asks of a consultation's length, in words."""
    edition = edition_in_force(compact, timezone.localdate())
    if edition is None:
        return ""
    for commitment_, standard in edition.core().standards("consultation_length"):
        value, unit = standard.period("minimum_length")
        return f"{describe_amount(value, unit)} ({commitment_.ref})"
    return ""


@officer_only
def consult(request: HttpRequest, compact: Compact, pk: int) -> HttpResponse:
    draft = _draft(compact, pk)
    if (closed := _closed(request, draft)) is not None:
        return closed
    form = ConsultForm(compact, request.POST or None, initial={"version": draft.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = consult_on_draft(Actor(request.user, "form"), compact, pk,
                                      organisation=data["organisation"], opens=data["opens"],
                                      closes=data["closes"], version=data["version"])  # fmt: skip
        except (Stale, Invalid, NotFound, Taken) as error:
            stale = _stale_or_refused(form, error)
        else:
            messages.success(request, f"The partners are consulted on the draft: {record.title}, "
                             "recorded and checked against the edition in force.")  # fmt: skip
            return redirect(draft.get_absolute_url())
    return render(request, "web/editions/draft_consult.html", _context(
        compact, draft, form=form, stale=stale, length=_consultation_length(compact),
    ))  # fmt: skip


@officer_only
def adopt(request: HttpRequest, compact: Compact, pk: int) -> HttpResponse:
    """The date first; then the answers to check; then the draft adopted."""
    draft = _draft(compact, pk)
    if (closed := _closed(request, draft)) is not None:
        return closed
    form = AdoptForm(request.POST or None, initial={"version": draft.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") != "yes":
            return render(request, "web/editions/draft_adopt_check.html", _context(
                compact, draft, form=form, changes=preview(draft.based_on.core(), draft.core()),
                partners=compact.organisations.filter(partner=True).count(),
            ))  # fmt: skip
        try:
            adopted = adopt_draft(Actor(request.user, "form"), compact, pk,
                                  form.cleaned_data["in_force_from"],
                                  site_url=request.build_absolute_uri("/"),
                                  version=form.cleaned_data["version"])  # fmt: skip
        except (Stale, Invalid, NotFound, Taken) as error:
            # load_edition names the date by the edition's id, or "id" if the id is taken.
            stale = _stale_or_refused(form, error, {draft.edition_id: "in_force_from"})
        else:
            text = (f"{adopted.edition.title} is adopted, in force from "
                    f"{adopted.edition.in_force_from:%-d %B %Y}. Every record is being checked "
                    "again. ")  # fmt: skip
            text += (
                f"The partners could not be emailed ({adopted.not_sent})."
                if adopted.not_sent
                else f"{adopted.asked} people of the partners were emailed, asking them to sign it."
            )
            messages.success(request, text)
            return redirect("web:manage_editions", compact.slug)
    return render(request, "web/editions/draft_adopt.html",
                  _context(compact, draft, form=form, stale=stale))  # fmt: skip


@officer_only
def abandon(request: HttpRequest, compact: Compact, pk: int) -> HttpResponse:
    draft = _draft(compact, pk)
    if (closed := _closed(request, draft)) is not None:
        return closed
    form = DraftForm(request.POST or None, initial={"version": draft.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            abandon_draft(Actor(request.user, "form"), compact, pk,
                          version=form.cleaned_data["version"])  # fmt: skip
        except (Stale, Invalid, NotFound) as error:
            stale = _stale_or_refused(form, error)
        else:
            messages.success(request, f"Draft {draft.name} abandoned: it is kept as it was.")
            return redirect("web:manage_editions", compact.slug)
    return render(request, "web/editions/draft_abandon.html",
                  _context(compact, draft, form=form, stale=stale))  # fmt: skip

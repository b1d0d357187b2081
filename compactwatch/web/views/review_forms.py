"""The forms of the action plan and the annual review (2007 edition, 5.2). They only read
what was typed; the use cases in compactwatch/changes/action_plan.py and annual_review.py
decide, and their refusals are put back on the field they name (`refuse`)."""

from __future__ import annotations

from typing import Any

from django import forms

from compactwatch.changes import action_plan
from compactwatch.compacts.models import Compact
from compactwatch.monitoring.models import QUARTER_WORDS, OwnerKind, Status
from compactwatch.organisations.models import Organisation
from compactwatch.web.forms import DATE_EXAMPLE, DateInput
from compactwatch.web.views.case_forms import CaseFormBase

TEXT = {"rows": 5}


def _date(label: str, what: str, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DateInput(), help_text=DATE_EXAMPLE,
        error_messages={"required": f"Enter {what}",
                        "invalid": f"Enter {what} as a real date, {DATE_EXAMPLE}"},
    )  # fmt: skip


def _partner_field(label: str) -> forms.ModelChoiceField:
    # The queryset is the Compact's partners, set when the form is made.
    return forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=label, required=False,
        empty_label="None chosen",
        help_text="Only when a partner, not the Development Group, is chosen above",
    )  # fmt: skip


def _partners(compact: Compact):
    return Organisation.objects.filter(compact=compact, partner=True).order_by("name")


class VersionedForm(CaseFormBase):
    """Carries the version of the thing as read, so that a stale save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Dates and lists are named as WHAT says, not by their labels ("(optional)").
        for name, field in self.fields.items():
            what = self.WHAT.get(name)
            if what and isinstance(field, forms.DateField):
                field.error_messages.update(
                    required=f"Enter {what}", invalid=f"Enter {what} as a real date, {DATE_EXAMPLE}"
                )
            elif what and isinstance(field, forms.ModelChoiceField):
                field.error_messages.update(invalid_choice=f"Select {what} from the list",
                                            invalid_pk_value=f"Select {what} from the list")  # fmt: skip


class ItemForm(VersionedForm):
    """Add or change an action item (the Compact officer)."""

    WHAT = {
        "title": "what will be done", "success": "what success looks like",
        "owner_kind": "who owns the item", "status": "the status", "due": "the due date",
        "owner": "the partner that owns it", "commitment": "the commitment it serves",
        "indicator": "the indicator it serves",
    }  # fmt: skip

    title = forms.CharField(label="What will be done", max_length=300)
    success = forms.CharField(label="What success looks like", max_length=5000,
                              widget=forms.Textarea(attrs=dict(TEXT)))  # fmt: skip
    owner_kind = forms.ChoiceField(label="Who owns it", choices=OwnerKind.choices,
                                   widget=forms.RadioSelect)  # fmt: skip
    owner = _partner_field("The partner that owns it")
    due = _date("Due date (optional)", "the due date")
    status = forms.ChoiceField(label="Status", choices=Status.choices)
    commitment = forms.ChoiceField(
        label="The commitment it serves", required=False,
        help_text="Choose a commitment, an indicator, or both",
    )  # fmt: skip
    indicator = forms.ChoiceField(label="The indicator it serves", required=False)

    def __init__(self, compact: Compact, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _partners(compact)
        self.fields["commitment"].choices = [
            ("", "None chosen"), *action_plan.commitment_choices(compact)]  # fmt: skip
        indicators = action_plan.indicator_choices(compact)
        if indicators:
            self.fields["indicator"].choices = [("", "None chosen"), *indicators]
        else:  # a Compact with no indicators file: nothing to choose
            del self.fields["indicator"]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.setdefault("indicator", "")
        if data.get("owner_kind") == OwnerKind.DEVELOPMENT_GROUP:
            data["owner"] = None
        return data


class NoteForm(VersionedForm):
    """Add a progress note, and change the status with it (the officer, or the owner)."""

    WHAT = {"text": "the progress made", "status": "the status"}

    text = forms.CharField(label="Progress made", max_length=5000,
                           widget=forms.Textarea(attrs=dict(TEXT)))  # fmt: skip
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Leave as it is"), *Status.choices],
    )  # fmt: skip


class MeetingForm(VersionedForm):
    """Record the year's review meeting (the officer)."""

    WHAT = {"date": "the date of the meeting", "organisations": "the partners represented"}

    date = _date("Date of the meeting", "the date of the meeting", required=True)
    attendees = forms.CharField(
        label="Who attended", required=False, max_length=5000,
        help_text="One person a line, with the organisation they came from",
        widget=forms.Textarea(attrs=dict(TEXT)),
    )  # fmt: skip
    organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(), label="Partners represented", required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    minutes = forms.CharField(label="Minutes", required=False, max_length=50000,
                              widget=forms.Textarea(attrs={"rows": 10}))  # fmt: skip
    decisions = forms.CharField(
        label="Decisions", required=False, max_length=20000, help_text="One decision a line",
        widget=forms.Textarea(attrs=dict(TEXT)),
    )  # fmt: skip

    def __init__(self, compact: Compact, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = _partners(compact)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class WorkItemForm(VersionedForm):
    """Add or change a piece of the year's work programme (the officer)."""

    WHAT = {
        "title": "the title", "lead_kind": "who leads it", "lead": "the partner that leads it",
        "quarter": "the quarter", "starts": "the date it starts", "ends": "the date it ends",
    }  # fmt: skip

    title = forms.CharField(label="Title", max_length=300)
    description = forms.CharField(label="Description", required=False, max_length=5000,
                                  widget=forms.Textarea(attrs=dict(TEXT)))  # fmt: skip
    lead_kind = forms.ChoiceField(label="Who leads it", choices=OwnerKind.choices,
                                  widget=forms.RadioSelect)  # fmt: skip
    lead = _partner_field("The partner that leads it")
    quarter = forms.TypedChoiceField(
        label="Quarter", required=False, coerce=int, empty_value=None,
        choices=[("", "None chosen: give dates instead"), *sorted(QUARTER_WORDS.items())],
        help_text="A quarter of the year, or the dates below, not both",
    )  # fmt: skip
    starts = _date("Starts (optional)", "the date it starts")
    ends = _date("Ends (optional)", "the date it ends")

    def __init__(self, compact: Compact, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = _partners(compact)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if data.get("lead_kind") == OwnerKind.DEVELOPMENT_GROUP:
            data["lead"] = None
        return data

"""The forms of disagreements (issue 13): raising a concern (a partner's and the public's)
and each step of a case. They only read what was typed; the use cases in
compactwatch/changes/cases.py decide, and their refusals are put back on the field they name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from compactwatch.disputes.models import Answer, Outcome
from compactwatch.organisations.models import Organisation
from compactwatch.web.forms import error_messages

TEXT = {"class": "govuk-textarea", "rows": 5}
MAX_DOCUMENT_NAME = 200


def _textarea(label: str, hint: str = "", required: bool = True, max_length: int = 5000):
    return forms.CharField(label=label, help_text=hint, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs=dict(TEXT)))  # fmt: skip


class CaseFormBase(forms.Form):
    """GOV.UK classes on each widget, hints and errors linked to their fields, and errors
    in the Design System's words ("Enter what happened")."""

    # How a field is named in "Enter ..." and "Select ...".
    WHAT: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.Textarea):
                css = "govuk-textarea"
            elif isinstance(widget, forms.Select) and not isinstance(
                widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)
            ):
                css = "govuk-select"
            elif isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                css = ""
            elif isinstance(widget, forms.ClearableFileInput):
                css = "govuk-file-upload"
            else:
                css = "govuk-input"
            if css:
                widget.attrs["class"] = css
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}-hint"
            words = error_messages(name, field)
            what = self.WHAT.get(name)
            if what:
                choosing = isinstance(field, forms.ChoiceField)
                words["required"] = f"{'Select' if choosing else 'Enter'} {what}"
                words["invalid_choice"] = f"Select {what} from the list"
            field.error_messages.update(words)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-describedby"] = (
                    f"{widget.attrs.get('aria-describedby', '')} id_{name}-error".strip()
                )
                css = widget.attrs.get("class", "")
                if css.startswith("govuk-textarea"):
                    widget.attrs["class"] = css + " govuk-textarea--error"
                elif css.startswith("govuk-select"):
                    widget.attrs["class"] = css + " govuk-select--error"
                elif css.startswith("govuk-input"):
                    widget.attrs["class"] = css + " govuk-input--error"

    def refuse(self, field: str | None, message: str) -> None:
        """Put a use case's refusal on the field it names (or the form, if none matches)."""
        if field == "documents" and "document" in self.fields:  # the use case's name for it
            field = "document"
        self.add_error(field if field in self.fields else None, message)


class ConcernQuestions(CaseFormBase):
    """The questions every concern answers, from a partner or from the public."""

    WHAT = {
        "other_party": "the organisation the concern is about",
        "commitments": "the commitments at issue",
        "what_happened": "what happened",
        "wanted": "what you want to happen",
    }

    other_party = forms.ModelChoiceField(
        label="Which organisation is the concern about?", queryset=Organisation.objects.none(),
        empty_label="None chosen", help_text="A partner of the Compact, from its register",
    )  # fmt: skip
    commitments = forms.MultipleChoiceField(
        label="Which commitments of the Compact are at issue?",
        widget=forms.CheckboxSelectMultiple,
        help_text="From the edition in force. Choose at least one.",
    )
    what_happened = _textarea("What happened?", "Dates, names of the decision or consultation, "
                              "and what was or was not done", max_length=10000)  # fmt: skip
    wanted = _textarea("What do you want to happen?", "For example an apology, reasons in "
                       "writing, or the decision looked at again")  # fmt: skip

    def __init__(self, *args: Any, partners: Any, commitments: Sequence[tuple[str, str]],
                 **kwargs: Any):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["other_party"].queryset = partners
        self.fields["commitments"].choices = list(commitments)


class RaiseForm(ConcernQuestions):
    """A partner member's concern: for their organisation, or for a small group they help."""

    WHAT = {**ConcernQuestions.WHAT, "raising_organisation": "the organisation raising it"}

    raising_organisation = forms.ModelChoiceField(
        label="Which organisation raises it?", queryset=Organisation.objects.none(),
        empty_label="None chosen",
    )  # fmt: skip
    on_behalf_of = forms.CharField(
        label="On behalf of a small group (optional)", required=False, max_length=300,
        help_text="If your organisation (a CVS, say) raises it for a group that asked it to, "
        "the group's name",
    )  # fmt: skip
    records = _textarea(
        "Which records does it concern? (optional)",
        "Their references, one on each line, for example g-0042", required=False,
        max_length=2000,
    )  # fmt: skip
    document = forms.FileField(label="A document (optional)", required=False,
                               help_text="A letter or email that shows what happened")  # fmt: skip

    field_order = ["raising_organisation", "on_behalf_of", "other_party", "commitments",
                   "records", "what_happened", "wanted", "document"]  # fmt: skip

    def __init__(self, *args: Any, raisers: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["raising_organisation"].queryset = raisers
        self.order_fields(self.field_order)

    def record_refs(self) -> list[str]:
        """The references typed, one a line, each once, in the order typed."""
        lines = (line.strip() for line in self.cleaned_data.get("records", "").splitlines())
        return list(dict.fromkeys(line for line in lines if line))


class PublicConcernForm(ConcernQuestions):
    """Anyone's concern, without signing in: the Compact officer accepts or declines it."""

    WHAT = {**ConcernQuestions.WHAT, "contact_name": "your name",
            "contact_email": "your email address"}  # fmt: skip

    contact_name = forms.CharField(label="Your name", max_length=200)
    contact_email = forms.EmailField(label="Your email address", max_length=254,
                                     help_text="The Compact officer writes to you here")  # fmt: skip
    organisation = forms.CharField(
        label="Your organisation (optional)", required=False, max_length=300,
        help_text="The group you speak for, if any",
    )  # fmt: skip

    field_order = ["contact_name", "contact_email", "organisation", "other_party",
                   "commitments", "what_happened", "wanted"]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)


# ---------------------------------------------------------------- the steps of a case


class StepForm(CaseFormBase):
    """Every step posts the case's version as read, so a step on an older page is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class AcknowledgeForm(StepForm):
    text = _textarea("A message (optional)", required=False, max_length=10000)


class RespondForm(StepForm):
    WHAT = {"text": "the response"}
    text = _textarea("The response", "What you will do, or why not", max_length=10000)
    document = forms.FileField(label="A document (optional)", required=False)


class ExtendForm(StepForm):
    WHAT = {"days": "how many days more", "reason": "why more time is needed"}
    days = forms.IntegerField(label="How many days more?", min_value=1, max_value=3660,
                              widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}))  # fmt: skip
    reason = _textarea("Why is more time needed?", max_length=2000)

    def __init__(self, *args: Any, unit: str = "working days", up_to: int | None = None,
                 **kwargs: Any):  # fmt: skip
        super().__init__(*args, **kwargs)
        days = self.fields["days"]
        days.label = f"How many {unit} more?"
        if up_to:
            days.help_text = f"Up to {up_to} {unit}"
            days.widget.attrs["aria-describedby"] = "id_days-hint"
        days.widget.attrs["class"] = "govuk-input govuk-input--width-3"


class MoveForm(StepForm):
    WHAT = {"to_stage": "the stage to move it to"}
    to_stage = forms.ChoiceField(label="Move the case to", widget=forms.RadioSelect)
    text = _textarea("Why? (optional)", required=False, max_length=10000)
    document = forms.FileField(label="A document (optional)", required=False)

    def __init__(self, *args: Any, stages: Sequence[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = list(stages)


BREACH = [("yes", "Yes"), ("no", "No"), ("unknown", "Not decided")]


class CloseForm(StepForm):
    WHAT = {"outcome": "how the case ended", "outcome_text": "the outcome",
            "breach_commitment": "the commitment breached"}  # fmt: skip
    outcome = forms.ChoiceField(label="How did the case end?", widget=forms.RadioSelect)
    outcome_text = _textarea("The outcome", "What was agreed or decided")
    breach_found = forms.ChoiceField(label="Was a breach of the Compact found?", choices=BREACH,
                                     widget=forms.RadioSelect, initial="unknown")  # fmt: skip
    breach_commitment = forms.ChoiceField(label="Which commitment was breached?", required=False,
                                          help_text="Only if a breach was found")  # fmt: skip
    lessons = _textarea("Lessons learned (optional)", required=False)

    def __init__(self, *args: Any, outcomes: Sequence[str],
                 commitments: Sequence[tuple[str, str]], **kwargs: Any):  # fmt: skip
        super().__init__(*args, **kwargs)
        labels = dict(Outcome.choices)
        self.fields["outcome"].choices = [(o, labels.get(o, o)) for o in outcomes]
        self.fields["breach_commitment"].choices = [("", "None chosen"), *commitments]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("breach_found") == "yes" and not cleaned.get("breach_commitment"):
            self.add_error("breach_commitment", "Select the commitment breached")
        return cleaned

    def breach(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("breach_found", ""))


class NoteForm(StepForm):
    WHAT = {"text": "the note"}
    text = _textarea("A note for everyone in the case", max_length=10000)
    document = forms.FileField(label="A document (optional)", required=False)


class AnswerForm(StepForm):
    WHAT = {"answer": "whether it was resolved for you"}
    answer = forms.ChoiceField(label="Was it resolved for you?", choices=Answer.choices,
                               widget=forms.RadioSelect)  # fmt: skip
    text = _textarea("Anything to add? (optional)", required=False, max_length=2000)


class PublishForm(StepForm):
    pass


class AcceptForm(StepForm):
    pass


class DeclineForm(StepForm):
    WHAT = {"reason": "why the concern is declined"}
    reason = _textarea("Why is it declined?", "This is sent to whoever raised it",
                       max_length=2000)  # fmt: skip


class ConfidentialNoteForm(CaseFormBase):
    WHAT = {"text": "the note"}
    text = _textarea("A confidential note", "Only the Compact officer sees it", max_length=10000)


class RouteForm(CaseFormBase):
    WHAT = {"document": "the route"}
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    document = forms.CharField(
        label="The route, in YAML", max_length=200_000,
        help_text="Its stages, who acts at each, their clocks, extensions and moves, each "
        "citing its clause. Cases already raised keep the route they started with.",
        widget=forms.Textarea(attrs={"class": "govuk-textarea cw-code", "rows": 30,
                                     "spellcheck": "false"}),
    )  # fmt: skip


__all__ = [
    "AcceptForm", "AcknowledgeForm", "AnswerForm", "CloseForm", "ConfidentialNoteForm",
    "DeclineForm", "ExtendForm", "MoveForm", "NoteForm", "PublicConcernForm", "PublishForm",
    "RaiseForm", "RespondForm", "RouteForm",
]  # fmt: skip

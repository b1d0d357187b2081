"""Forms for records and the register, rendered with GOV.UK Frontend's markup.

Evidence that can be "recorded as not done" is a value and a checkbox; the form says
which combination is contradictory. Nothing typed is lost on error: bound forms re-render.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from compactwatch import permissions
from compactwatch.changes.base import Actor
from compactwatch.changes.records import Resolver
from compactwatch.compact.records import InputError, read_mapping
from compactwatch.compact.words import as_stored, capital, in_words
from compactwatch.compacts.models import Compact
from compactwatch.organisations.models import KIND_WORDS, LEAD_ROLE_WORDS, Organisation
from compactwatch.records.format import evidence_pairs
from compactwatch.records.models import RECORD_MODELS, Consultation, FundingAgreement, FundingChange
from compactwatch.web.agreement_choice import FIND, AgreementField, AgreementFinder

YES_NO_UNKNOWN = [("", "Not recorded"), ("true", "Yes"), ("false", "No")]
WIDGET_CLASSES = {
    forms.RadioSelect: "govuk-radios__input",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.DateInput: "govuk-input govuk-input--width-10",
    forms.NumberInput: "govuk-input govuk-input--width-10",
}

# (value field, "recorded as not done" flag) pairs, as the records declare them.
EVIDENCE = {
    name: kind
    for model in RECORD_MODELS.values()
    for name, kind in evidence_pairs(model.format).items()
}
NOT_DONE_LABELS = {kind.flag: kind.label for kind in EVIDENCE.values()}

# Each field as an error message names it, where "the" and its label do not say enough.
WHAT = {
    "ref": "a reference", "organisation": "the public body that consulted",
    "opens": "the date the consultation opens", "closes": "the date the consultation closes",
    "feedback_published": "the date feedback was published", "title": "the consultation's title",
    "award_date": "the date the funding was awarded", "start": "the date the funding starts",
    "end": "the date the funding ends", "monitoring_agreed": "the date monitoring was agreed",
    "agreement": "the funding agreement", "change": "what the change does",
    "notice_given": "the date notice was given", "effective": "the date the change takes effect",
    "impact_assessed": "the date the impact was assessed",
    "improvement_timetable_agreed": "the date a timetable to improve was agreed",
    "in_force_from": "the date the edition comes into force",
    "kind": "the kind of agreement",
}  # fmt: skip
# Examples that the fields accept as typed (a browser without a date picker sends dates as
# typed; Django reads 31/3/2026 in the en-gb formats).
DATE_EXAMPLE = "for example 31/3/2026"
AMOUNT_EXAMPLE = "for example 12500.50"


def described(name: str, field: forms.Field) -> str:
    """A field named in a sentence: "the date notice was given", "the programme"."""
    return WHAT.get(name) or f"the {str(field.label or name.replace('_', ' ')).lower()}"


def error_messages(name: str, field: forms.Field) -> dict[str, str]:
    """What to do, in the GOV.UK Design System's words: "Enter the date notice was given",
    "Select the funding agreement", "The title must be 300 characters or fewer"."""
    what = described(name, field)
    choosing = isinstance(field, (forms.ChoiceField, forms.NullBooleanField))
    messages = {"required": f"{'Select' if choosing else 'Enter'} {what}"}
    if isinstance(field, forms.DateField):
        messages["invalid"] = f"Enter {what} as a real date, {DATE_EXAMPLE}"
    elif isinstance(field, forms.DecimalField):
        limit = f"Enter {what} as a number with at most 2 decimal places, {AMOUNT_EXAMPLE}"
        messages.update(invalid=f"Enter {what} as a number, {AMOUNT_EXAMPLE}",
                        max_digits=limit, max_decimal_places=limit, max_whole_digits=limit)  # fmt: skip
    elif isinstance(field, forms.EmailField):
        messages["invalid"] = "Enter an email address in the correct format, like name@example.com"
    elif isinstance(field, forms.SlugField):
        messages["invalid"] = (
            f"Enter {what} using only letters, numbers, hyphens and underscores, "
            "for example hunts-forum"
        )
    if isinstance(field, forms.ChoiceField):
        messages["invalid_choice"] = f"Select {what} from the list"
    messages["max_length"] = f"{capital(what)} must be %(limit_value)d characters or fewer"
    return messages


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any):
        super().__init__(format="%Y-%m-%d", **kwargs)


class GovukForm(forms.ModelForm):
    """Gives each widget GOV.UK classes and links hints and errors to their fields."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(field, forms.NullBooleanField):
                field.widget = widget = forms.RadioSelect(choices=YES_NO_UNKNOWN)
            if isinstance(field, forms.DateField):
                field.widget = widget = DateInput()
            css = next(
                (c for kind, c in WIDGET_CLASSES.items() if isinstance(widget, kind)), "govuk-input"
            )
            widget.attrs["class"] = css
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}-hint"
            if name in NOT_DONE_LABELS:
                field.label = NOT_DONE_LABELS[name]
            if type(field).__module__.startswith("django."):  # not a field with its own words
                field.error_messages.update(error_messages(name, field))
            if type(field) is forms.ModelChoiceField:
                field.empty_label = "None chosen"
            elif type(field) is forms.TypedChoiceField and field.choices[:1] == [("", "---------")]:
                field.choices = [("", "None chosen"), *field.choices[1:]]

    def full_clean(self) -> None:
        super().full_clean()
        # Only once validation has run can errors be linked to their fields.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-describedby"] = (
                    f"{widget.attrs.get('aria-describedby', '')} id_{name}-error".strip()
                )
                if not isinstance(widget, (forms.RadioSelect, forms.CheckboxInput)):
                    widget.attrs["class"] += " govuk-input--error"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for value, kind in EVIDENCE.items():
            flag = kind.flag
            if value in cleaned and cleaned.get(value) not in (None, "") and cleaned.get(flag):
                self.add_error(
                    flag,
                    f"Either enter {described(value, self.fields[value])} or tick "
                    f"‘{self.fields[flag].label}’, not both",
                )
        for first, last in (("opens", "closes"), ("start", "end")):
            if cleaned.get(first) and cleaned.get(last) and cleaned[last] < cleaned[first]:
                self.add_error(
                    last,
                    f"{capital(WHAT[last])} must be the same as or after {WHAT[first]}",
                )
        return cleaned


class RecordForm(GovukForm):
    """A record form that offers only the register of this Compact and the user's rights.

    The records format lets any field be "not recorded"; a form entered by hand asks at
    least for what identifies the record and its key date.
    """

    acting_field = ""
    essential: tuple[str, ...] = ()
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, compact: Compact, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.compact, self.user = compact, user
        register = Organisation.objects.filter(compact=compact)
        for name in ("organisation", "funder", "recipient"):
            if name in self.fields:
                self.fields[name].queryset = register
        if self.acting_field and not permissions.is_officer(user, compact):
            own = permissions.organisation_ids(user, compact)
            self.fields[self.acting_field].queryset = register.filter(pk__in=own)
            self.fields[self.acting_field].required = True
        for name in self.essential:
            self.fields[name].required = True
        self.fields["ref"].required = False
        self.fields["ref"].help_text = "Leave blank to have one made for you"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_ref(self) -> str:
        return self.cleaned_data.get("ref", "").strip()

    def values(self) -> dict[str, Any]:
        """What the form changes, for compactwatch.changes (which saves it)."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name != "ref"}

    def _post_clean(self) -> None:
        """What was typed, checked by the core reader as a record, as a file or the API
        would be: the same bounds (dates from 1900 to 2199, lengths) and the same words."""
        if self.errors:
            return
        model = self._meta.model
        record = model(compact=self.compact, ref=self.cleaned_data.get("ref") or "new")
        for name, value in self.values().items():
            setattr(record, name, value)
        row = record.as_record()
        section = model.traits.section
        try:
            read_mapping({section: [row]}, "form", known_agreements={row.get("agreement")})
        except InputError as problem:
            for error in problem.errors:
                self.add_error(self._field_for(error.field), error.problem)

    def _field_for(self, format_field: str | None) -> str | None:
        """The form's field for a field of the records format (None: the whole form)."""
        if format_field == "id":
            return "ref"
        kind = self._meta.model.format.get(format_field or "")
        names = kind.model_fields() if kind else ()
        return next((name for name in names if name in self.fields), None)


class ConsultationForm(RecordForm):
    acting_field = "organisation"
    essential = ("title", "opens", "closes")

    class Meta:
        model = Consultation
        fields = ["ref", "organisation", "organisation_name", "title", "opens", "closes", "formal",
                  "shorter_period_rationale", "feedback_published", "feedback_not_published"]  # fmt: skip


class FundingAgreementForm(RecordForm):
    acting_field = "funder"
    essential = ("award_date",)

    def __init__(self, *args: Any, compact: Compact, user: Any, **kwargs: Any):
        super().__init__(*args, compact=compact, user=user, **kwargs)
        kind = self.fields["kind"]
        kind.label, kind.help_text = (
            "Kind of agreement",
            "For example Grant, Contract or Service agreement",
        )
        if self.instance.kind:  # "service_agreement" in the records format
            self.initial["kind"] = in_words(self.instance.kind)

    def clean_kind(self) -> str:
        """The kind as the records format (and its checks) name it: "Service agreement" is
        `service_agreement`."""
        return "_".join(self.cleaned_data["kind"].lower().split())

    class Meta:
        model = FundingAgreement
        fields = ["ref", "funder", "funder_name", "recipient", "recipient_name", "kind", "amount",
                  "currency", "award_date", "start", "end", "decision_rationale",
                  "decision_rationale_none", "single_year_rationale", "monitoring_agreed",
                  "monitoring_not_agreed", "programme"]  # fmt: skip


class FundingChangeForm(RecordForm):
    essential = ("agreement", "change", "notice_given", "effective")
    agreement = AgreementField()

    def __init__(self, *args: Any, compact: Compact, user: Any, **kwargs: Any):
        super().__init__(*args, compact=compact, user=user, **kwargs)
        editable = permissions.editable_records(user, FundingAgreement, compact)
        self.fields["agreement"].offer(
            AgreementFinder(editable, Resolver(compact, Actor(user, "form"))),
            reverse("web:agreement_search", args=[compact.slug]),
        )
        if self.instance.agreement_id:  # shown chosen, by its id (a model form gives its key)
            self.initial["agreement"] = self.instance.agreement
        self.finding = self.is_bound and FIND in self.data

    def is_valid(self) -> bool:
        return not self.finding and super().is_valid()

    # "Find agreement" searches, and checks nothing else of what was typed.
    def _clean_fields(self) -> None:
        if not self.finding:
            return super()._clean_fields()
        problem = self.fields["agreement"].search_problem(self["agreement"].data)
        if problem:
            self.add_error("agreement", problem)

    def _clean_form(self) -> None:
        if not self.finding:
            super()._clean_form()

    def _post_clean(self) -> None:
        if not self.finding:
            super()._post_clean()

    class Meta:
        model = FundingChange
        fields = ["ref", "agreement", "change", "notice_given", "effective", "in_writing",
                  "rationale", "rationale_none", "exceptional_circumstances", "mutual_agreement",
                  "impact_assessed", "impact_not_assessed", "performance_related",
                  "improvement_timetable_agreed", "improvement_timetable_not_agreed"]  # fmt: skip


class OrganisationForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        # Shown in words ("NHS body"), stored as the register names it (`nhs_body`).
        for name, words in (("kind", KIND_WORDS), ("lead_role", LEAD_ROLE_WORDS)):
            self.initial[name] = in_words(self.initial.get(name) or "", words)

    def clean_kind(self) -> str:
        return as_stored(self.cleaned_data["kind"], KIND_WORDS)

    def clean_lead_role(self) -> str:
        return as_stored(self.cleaned_data["lead_role"], LEAD_ROLE_WORDS)

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name != "ref"}

    class Meta:
        model = Organisation
        fields = ["name", "ref", "sector", "kind", "charity_number", "company_number", "org_id",
                  "lead_status", "lead_name", "lead_role", "dbs_checks_paid"]  # fmt: skip


class EditionDateForm(forms.Form):
    in_force_from = forms.DateField(
        widget=DateInput(attrs={"class": "govuk-input govuk-input--width-10"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


FORMS = {
    "consultation": ConsultationForm,
    "funding_agreement": FundingAgreementForm,
    "funding_change": FundingChangeForm,
}

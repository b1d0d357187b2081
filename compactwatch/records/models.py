"""The records that show whether the Compact is kept: consultations, funding agreements and
changes to funding, holding every field of the records format.

Evidence that can be "recorded as not done" (the format's `false`) is stored as a value
and a flag: a date (or text) when it was done, the flag when it is recorded as not done,
neither when it is not recorded.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from compactwatch.compacts.models import Compact
from compactwatch.organisations.models import Organisation


def evidence(value: Any, recorded_as_not_done: bool) -> Any:
    """A field as the records format holds it: the value, False (not done) or None."""
    if value not in (None, ""):
        return value
    return False if recorded_as_not_done else None


class Record(models.Model):
    """What every record shares: its Compact, its id in records files, and who made it."""

    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="+")
    ref = models.CharField(
        "Reference", max_length=100, help_text="Its id in records files, unique in this Compact."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    record_type: str = ""
    section: str = ""

    class Meta:
        abstract = True

    def key_date(self) -> date | None:
        raise NotImplementedError

    def body(self) -> Organisation | None:
        """The organisation whose undertaking the record shows being kept (or not)."""
        raise NotImplementedError

    def involved(self) -> list[Organisation]:
        """Every organisation in the register the record is about."""
        raise NotImplementedError

    def as_record(self) -> dict[str, Any]:
        raise NotImplementedError


def _org_value(organisation: Organisation | None, name: str) -> str | None:
    return organisation.ref if organisation else (name or None)


class Consultation(Record):
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
        help_text="The public body that consulted",
    )
    organisation_name = models.CharField(
        max_length=300, blank=True, help_text="If the body is not in the register"
    )
    title = models.CharField(max_length=300)
    opens = models.DateField(null=True, blank=True)
    closes = models.DateField(null=True, blank=True)
    formal = models.BooleanField("Formal written consultation", null=True, blank=True)
    shorter_period_rationale = models.TextField(
        "Rationale for a shorter or more informal consultation", blank=True
    )
    feedback_published = models.DateField(null=True, blank=True)
    feedback_not_published = models.BooleanField(default=False)

    record_type = "consultation"
    section = "consultations"

    class Meta:
        ordering = ["-opens", "ref"]
        constraints = [models.UniqueConstraint(fields=["compact", "ref"], name="consultation_ref")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("web:record", args=[self.compact.slug, "consultation", self.ref])

    def key_date(self) -> date | None:
        return self.opens

    def body(self) -> Organisation | None:
        return self.organisation

    def involved(self) -> list[Organisation]:
        return [org for org in (self.organisation,) if org]

    def as_record(self) -> dict[str, Any]:
        return {
            "id": self.ref,
            "organisation": _org_value(self.organisation, self.organisation_name),
            "title": self.title or None,
            "opens": self.opens,
            "closes": self.closes,
            "formal": self.formal,
            "shorter_period_rationale": self.shorter_period_rationale or None,
            "feedback_published": evidence(self.feedback_published, self.feedback_not_published),
        }


def agreement_record(
    *,
    ref: str,
    funder: str | None,
    recipient: str | None,
    kind: str | None,
    amount: Any,
    currency: str | None,
    award_date: date | None,
    start: date | None,
    end: date | None,
    decision_rationale: Any = None,
    single_year_rationale: str | None = None,
    monitoring_agreed: Any = None,
) -> dict[str, Any]:
    """A funding agreement in the records format, as the core's checks read it."""
    return {
        "id": ref, "funder": funder, "recipient": recipient, "kind": kind, "amount": amount,
        "currency": currency, "award_date": award_date, "start": start, "end": end,
        "decision_rationale": decision_rationale, "single_year_rationale": single_year_rationale,
        "monitoring_agreed": monitoring_agreed,
    }  # fmt: skip


class FundingAgreement(Record):
    funder = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="funding_given"
    )
    funder_name = models.CharField(max_length=300, blank=True)
    recipient = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funding_received",
    )
    recipient_name = models.CharField(max_length=300, blank=True)
    kind = models.CharField(
        max_length=100, blank=True, help_text="grant, contract, service_agreement or another kind"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="GBP", blank=True)
    award_date = models.DateField(null=True, blank=True)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    decision_rationale = models.TextField("Rationale for the funding decision", blank=True)
    decision_rationale_none = models.BooleanField(default=False)
    single_year_rationale = models.TextField("Reasons the funding is not multi-year", blank=True)
    monitoring_agreed = models.DateField(null=True, blank=True)
    monitoring_not_agreed = models.BooleanField(default=False)
    programme = models.CharField(max_length=300, blank=True)
    source_grant_id = models.CharField(
        max_length=200, blank=True, db_index=True, help_text="The 360Giving grant id, if imported"
    )

    record_type = "funding_agreement"
    section = "funding_agreements"

    class Meta:
        ordering = ["-award_date", "ref"]
        constraints = [models.UniqueConstraint(fields=["compact", "ref"], name="agreement_ref")]

    def __str__(self) -> str:
        return f"{self.ref}: {self.funder or self.funder_name} to {self.recipient or self.recipient_name}"

    def get_absolute_url(self) -> str:
        return reverse("web:record", args=[self.compact.slug, "funding_agreement", self.ref])

    def key_date(self) -> date | None:
        return self.award_date

    def body(self) -> Organisation | None:
        return self.funder

    def involved(self) -> list[Organisation]:
        return [org for org in (self.funder, self.recipient) if org]

    def as_record(self) -> dict[str, Any]:
        return agreement_record(
            ref=self.ref,
            funder=_org_value(self.funder, self.funder_name),
            recipient=_org_value(self.recipient, self.recipient_name),
            kind=self.kind or None,
            amount=self.amount,
            currency=self.currency or None,
            award_date=self.award_date,
            start=self.start,
            end=self.end,
            decision_rationale=evidence(self.decision_rationale, self.decision_rationale_none),
            single_year_rationale=self.single_year_rationale or None,
            monitoring_agreed=evidence(self.monitoring_agreed, self.monitoring_not_agreed),
        )


class ChangeKind(models.TextChoices):
    END = "end", "End the funding"
    REDUCE = "reduce", "Reduce the funding"
    VARY = "vary", "Change its terms"


class FundingChange(Record):
    agreement = models.ForeignKey(
        FundingAgreement, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    change = models.CharField(max_length=10, choices=ChangeKind.choices, blank=True)
    notice_given = models.DateField(null=True, blank=True)
    effective = models.DateField("Takes effect on", null=True, blank=True)
    in_writing = models.BooleanField("Notice given in writing", null=True, blank=True)
    rationale = models.TextField("Rationale for the decision", blank=True)
    rationale_none = models.BooleanField(default=False)
    exceptional_circumstances = models.TextField(blank=True)
    mutual_agreement = models.BooleanField(
        "Shorter notice by mutual agreement", null=True, blank=True
    )
    impact_assessed = models.DateField(null=True, blank=True)
    impact_not_assessed = models.BooleanField(default=False)
    performance_related = models.BooleanField(null=True, blank=True)
    improvement_timetable_agreed = models.DateField(null=True, blank=True)
    improvement_timetable_not_agreed = models.BooleanField(default=False)

    record_type = "funding_change"
    section = "funding_changes"

    class Meta:
        ordering = ["-notice_given", "ref"]
        constraints = [models.UniqueConstraint(fields=["compact", "ref"], name="change_ref")]

    def __str__(self) -> str:
        return f"{self.ref}: {self.get_change_display() or 'change'} of {self.agreement_id and self.agreement.ref}"

    def get_absolute_url(self) -> str:
        return reverse("web:record", args=[self.compact.slug, "funding_change", self.ref])

    def key_date(self) -> date | None:
        return self.notice_given

    def body(self) -> Organisation | None:
        return self.agreement.funder if self.agreement else None

    def involved(self) -> list[Organisation]:
        return self.agreement.involved() if self.agreement else []

    def as_record(self) -> dict[str, Any]:
        return {
            "id": self.ref,
            "agreement": self.agreement.ref if self.agreement else None,
            "change": self.change or None,
            "notice_given": self.notice_given,
            "effective": self.effective,
            "in_writing": self.in_writing,
            "rationale": evidence(self.rationale, self.rationale_none),
            "exceptional_circumstances": self.exceptional_circumstances or None,
            "mutual_agreement": self.mutual_agreement,
            "impact_assessed": evidence(self.impact_assessed, self.impact_not_assessed),
            "performance_related": self.performance_related,
            "improvement_timetable_agreed": evidence(
                self.improvement_timetable_agreed, self.improvement_timetable_not_agreed
            ),
        }


RECORD_MODELS: dict[str, type[Record]] = {
    "consultation": Consultation,
    "funding_agreement": FundingAgreement,
    "funding_change": FundingChange,
}

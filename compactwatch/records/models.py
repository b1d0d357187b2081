"""The records that show whether the Compact is kept: consultations, funding agreements and
changes to funding, holding every field of the records format.

Each model declares its `traits` (what kind of record it is, who acts in it, who is part
of it) and its `format` (its fields in the records format, both ways: records/format.py).
Records change only through compactwatch.changes (compactwatch/guard.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from compactwatch.compacts.models import Compact
from compactwatch.guard import Guarded
from compactwatch.organisations.models import Organisation
from compactwatch.organisations.traits import Traits
from compactwatch.records.format import (
    AgreementRef,
    Evidence,
    Party,
    Plain,
    Text,
    as_record,
    values_from_record,
)
from compactwatch.records.format import Resolver as Resolver

REF_LENGTH = 100  # a record's id, as the records format bounds it


class Record(Guarded):
    """What every record shares: its Compact, its id in records files, and who made it."""

    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="+")
    ref = models.CharField(
        "Reference",
        max_length=REF_LENGTH,
        help_text="Its id in records files, unique in this Compact.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Counts the record's changes: a save from an older version is refused."
    )

    traits: Traits
    format: dict[str, Plain]  # the records format's fields (but its id), in the format's order

    class Meta:
        abstract = True

    @property
    def record_type(self) -> str:
        return self.traits.type

    def key_date(self) -> date | None:
        raise NotImplementedError

    def _follow(self, path: str) -> Organisation | None:
        target: Any = self
        for step in path.split("__"):
            target = getattr(target, step, None) if target is not None else None
        return target

    def body(self) -> Organisation | None:
        """The organisation whose undertaking the record shows being kept (or not)."""
        return self._follow(self.traits.acting)

    def involved(self) -> list[Organisation]:
        """Every organisation in the register the record is about."""
        found = (self._follow(path) for path in self.traits.part_of)
        return [organisation for organisation in found if organisation is not None]

    def get_absolute_url(self) -> str:
        return reverse("web:record", args=[self.compact.slug, self.traits.type, self.ref])

    def as_record(self) -> dict[str, Any]:
        return as_record(self, self.format)

    @classmethod
    def values_from_record(cls, row: dict[str, Any], resolve: Resolver) -> dict[str, Any]:
        """Model field values for a row in the records format, read by the core."""
        return values_from_record(cls.format, row, resolve)

    @classmethod
    def format_fields(cls) -> list[str]:
        """The model fields the records format holds."""
        return [name for kind in cls.format.values() for name in kind.model_fields()]


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

    traits = Traits(
        type="consultation", section="consultations", label="Consultation",
        plural="Consultations", prefix="c", acting="organisation", part_of=("organisation",),
        finding_link="consultation", api_path="consultations",
    )  # fmt: skip
    format = {
        "organisation": Party("organisation", "organisation_name"),
        "title": Text("title"),
        "opens": Plain("opens"),
        "closes": Plain("closes"),
        "formal": Plain("formal"),
        "shorter_period_rationale": Text("shorter_period_rationale"),
        "feedback_published": Evidence(
            "feedback_published", "feedback_not_published", "Recorded as not published"
        ),
    }

    class Meta:
        ordering = ["-opens", "ref"]
        constraints = [models.UniqueConstraint(fields=["compact", "ref"], name="consultation_ref")]

    def __str__(self) -> str:
        return self.title

    def key_date(self) -> date | None:
        return self.opens


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
    added_by_import = models.PositiveBigIntegerField(
        null=True, blank=True, db_index=True,
        help_text="The number of the import that added it (undoing the import removes it)",
    )  # fmt: skip

    traits = Traits(
        type="funding_agreement", section="funding_agreements", label="Funding agreement",
        plural="Funding agreements", prefix="g", acting="funder", part_of=("funder", "recipient"),
        finding_link="agreement", api_path="funding-agreements",
    )  # fmt: skip
    format = {
        "funder": Party("funder", "funder_name"),
        "recipient": Party("recipient", "recipient_name"),
        "kind": Text("kind"),
        "amount": Plain("amount"),
        "currency": Text("currency", default="GBP"),
        "award_date": Plain("award_date"),
        "start": Plain("start"),
        "end": Plain("end"),
        "decision_rationale": Evidence(
            "decision_rationale", "decision_rationale_none", "Recorded as none given", text=True
        ),
        "single_year_rationale": Text("single_year_rationale"),
        "monitoring_agreed": Evidence(
            "monitoring_agreed", "monitoring_not_agreed", "Recorded as not agreed before the award"
        ),
    }

    class Meta:
        ordering = ["-award_date", "ref"]
        constraints = [models.UniqueConstraint(fields=["compact", "ref"], name="agreement_ref")]

    def __str__(self) -> str:
        return f"{self.ref}: {self.funder or self.funder_name} to {self.recipient or self.recipient_name}"

    def key_date(self) -> date | None:
        return self.award_date


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

    traits = Traits(
        type="funding_change", section="funding_changes", label="Change to funding",
        plural="Changes to funding", prefix="n", acting="agreement__funder",
        part_of=("agreement__funder", "agreement__recipient"), finding_link="change",
        api_path="funding-changes",
    )  # fmt: skip
    format = {
        "agreement": AgreementRef("agreement"),
        "change": Text("change"),
        "notice_given": Plain("notice_given"),
        "effective": Plain("effective"),
        "in_writing": Plain("in_writing"),
        "rationale": Evidence("rationale", "rationale_none", "Recorded as none given", text=True),
        "exceptional_circumstances": Text("exceptional_circumstances"),
        "mutual_agreement": Plain("mutual_agreement"),
        "impact_assessed": Evidence(
            "impact_assessed", "impact_not_assessed", "Recorded as not assessed"
        ),
        "performance_related": Plain("performance_related"),
        "improvement_timetable_agreed": Evidence(
            "improvement_timetable_agreed", "improvement_timetable_not_agreed",
            "Recorded as not agreed",
        ),
    }  # fmt: skip

    class Meta:
        ordering = ["-notice_given", "ref"]
        constraints = [models.UniqueConstraint(fields=["compact", "ref"], name="change_ref")]

    def __str__(self) -> str:
        return f"{self.ref}: {self.get_change_display() or 'change'} of {self.agreement_id and self.agreement.ref}"

    def key_date(self) -> date | None:
        return self.notice_given


def agreement_record(ref: str, **values: Any) -> dict[str, Any]:
    """A funding agreement in the records format from plain values (imports store agreements
    as rows, not instances): the fields not given are not recorded."""
    return {**dict.fromkeys(FundingAgreement.format), **values, "id": ref}


RECORD_MODELS: dict[str, type[Record]] = {
    model.traits.type: model for model in (Consultation, FundingAgreement, FundingChange)
}
BY_SECTION: dict[str, type[Record]] = {
    model.traits.section: model for model in RECORD_MODELS.values()
}

"""Disagreements as stored: a Compact's route, its Development Group, cases, their steps.

A case's state (stage, whose move, next deadline) is computed by the core from the route
the case started with and its steps (`Case.state()`); `stage`, `whose_move` and `next_due`
are kept on the case only as a cache of that computation, written with each step, so that
the officer's list and `compactwatch remind` can query them. Whether a case is due, overdue
or long overdue is always worked out from the dates, never stored.

Steps are append-only: the model refuses to change or delete one, whoever asks (the one
way in included), as the audit trail does.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse

from compactwatch.compact.disputes import (
    ROLE_NAMES,
    CaseState,
    Deadline,
    Period,
    Route,
    case_state,
    parse_route,
)
from compactwatch.compact.disputes import (
    Step as CoreStep,
)
from compactwatch.compact.disputes import status as deadline_status
from compactwatch.compact.disputes.case import STEP_KINDS
from compactwatch.compacts.models import Compact
from compactwatch.guard import Guarded, GuardedQuerySet, require_way_in
from compactwatch.organisations.models import Organisation

ROLE_CHOICES = [(role, words[0].upper() + words[1:]) for role, words in ROLE_NAMES.items()]


class Outcome(models.TextChoices):
    RESOLVED = "resolved", "Resolved"
    WITHDRAWN = "withdrawn", "Withdrawn"
    UNRESOLVED = "unresolved", "Unresolved"


class Answer(models.TextChoices):
    """The raiser's answer to "Was it resolved for you?", as complaint handlers ask."""

    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class PublicStatus(models.TextChoices):
    """A case sent from the public form waits for the officer to accept it."""

    NOT_PUBLIC = "", "Raised by a partner"
    WAITING = "waiting", "Waiting for the Compact officer"
    ACCEPTED = "accepted", "Accepted by the Compact officer"
    DECLINED = "declined", "Declined by the Compact officer"


# The steps of the core (raised ... note) and the steps around them that the timeline
# also shows but the route does not govern.
EXTRA_STEP_KINDS = ("submitted", "declined", "answered", "agreed to publish")
STEP_KIND_WORDS = {
    "submitted": "Sent from the public form",
    "raised": "Raised",
    "declined": "Declined by the Compact officer",
    "acknowledged": "Acknowledged",
    "responded": "Responded",
    "extended": "Time to respond extended",
    "moved": "Moved to another stage",
    "closed": "Closed",
    "note": "Note",
    "answered": "The raiser said whether it was resolved",
    "agreed to publish": "Agreed to publish",
}


class CaseRoute(Guarded):
    """One version of a Compact's route for disagreements: the document as the core loads
    it. The first is made from the shipped route when first needed (changes/case_route.py);
    an officer changes the route by adding a version, the newest being the one new cases
    start with. A version is never changed, so a case keeps the route it started with by
    pointing at it (one stored copy however many cases)."""

    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="case_routes")
    document = models.JSONField(help_text="The route document (routes/route.schema.json)")
    version = models.PositiveIntegerField(
        default=1, help_text="1 for the first route, then one more with each change."
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    changed = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "route for disagreements"
        ordering = ["compact", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["compact", "version"], name="case_route_version")
        ]

    def __str__(self) -> str:
        return f"{self.compact}: {self.document.get('title', 'route')}"

    def core(self) -> Route:
        """The route as the core reads it, parsed once per process (versions never change)."""
        route = _parsed_routes.get(self.pk)
        if route is None:
            route = parse_route(self.document, f"the route, version {self.version}")
            _parsed_routes[self.pk] = route
        return route


_parsed_routes: dict[int, Route] = {}


class DevelopmentGroupMember(Guarded):
    """A member of the Compact Development Group (2007 edition, 5.5 and 6.2): sees every
    case of the Compact and acts at the stages where the Group acts."""

    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="development_group")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="development_groups"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["compact", "user"], name="development_group_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} in the Development Group of {self.compact}"


class Case(Guarded):
    """A disagreement between two parties of a Compact."""

    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="cases")
    year = models.PositiveIntegerField(help_text="The year it was raised, for its reference")
    number = models.PositiveIntegerField(help_text="Its number in that year")
    ref = models.CharField(max_length=30, help_text='e.g. "D-2026-014"')
    route = models.ForeignKey(
        CaseRoute, on_delete=models.PROTECT, related_name="cases",
        help_text="The version of the route it started with (never changed)",
    )  # fmt: skip
    # Who raised it: a member of a partner (raised_by and raising_organisation), a member of
    # a voluntary sector infrastructure body for a small group (on_behalf_of), or anyone
    # through the public form (contact_name and contact_email; no account).
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cases_raised",
    )  # fmt: skip
    raising_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="cases_raised"
    )
    on_behalf_of = models.CharField(
        "Raised on behalf of", max_length=300, blank=True,
        help_text="The small group a CVS or other infrastructure body raises it for",
    )  # fmt: skip
    other_party = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases_against"
    )
    what_happened = models.TextField("What happened", max_length=10000)
    wanted = models.TextField("What the raiser wants to happen", max_length=5000)
    # The public form.
    public_status = models.CharField(
        max_length=10, choices=PublicStatus.choices, blank=True, default=PublicStatus.NOT_PUBLIC
    )
    contact_name = models.CharField("Your name", max_length=200, blank=True)
    contact_email = models.EmailField("Your email address", blank=True)
    declined_reason = models.TextField(max_length=2000, blank=True)
    # Closing (section 4 of the issue).
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    outcome_text = models.TextField("The outcome", max_length=5000, blank=True)
    breach_found = models.BooleanField("A breach of the Compact was found", null=True, blank=True)
    breach_commitment = models.CharField(
        "The commitment breached", max_length=120, blank=True,
        help_text="A citation, e.g. cambridgeshire-refreshed/4.5",
    )  # fmt: skip
    lessons = models.TextField("Lessons learned", max_length=5000, blank=True)
    raiser_answer = models.CharField(
        "Was it resolved for the raiser?", max_length=10, choices=Answer.choices, blank=True
    )
    raiser_answer_text = models.TextField(max_length=2000, blank=True)
    publish_raiser = models.BooleanField("The raiser agrees to publish the case", default=False)
    publish_other = models.BooleanField("The other party agrees to publish the case", default=False)
    # A cache of the steps, computed by the core with each step, for querying only.
    stage = models.CharField(max_length=100, blank=True, help_text="Stage id (cache)")
    whose_move = models.CharField(max_length=30, blank=True, choices=ROLE_CHOICES)
    next_due = models.DateField(null=True, blank=True, help_text="Next deadline (cache)")
    next_action = models.CharField(
        max_length=20, blank=True, help_text='"acknowledge" or "respond" by next_due (cache)'
    )
    closed = models.BooleanField(default=False)
    raised_on = models.DateField(null=True, blank=True, help_text="The day it was raised")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Counts the case's changes: a step from an older version is refused."
    )

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["compact", "ref"], name="case_ref_unique"),
            models.UniqueConstraint(
                fields=["compact", "year", "number"], name="case_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["compact", "closed", "next_due"], name="case_open_due"),
            models.Index(fields=["closed", "next_due"], name="case_due"),
            models.Index(fields=["compact", "stage"], name="case_stage"),
        ]

    def __str__(self) -> str:
        return self.ref

    def get_absolute_url(self) -> str:
        """The case's page (web:case, by the Compact's slug and the case's ref)."""
        try:
            return reverse("web:case", args=[self.compact.slug, self.ref])
        except NoReverseMatch:  # a deployment without the web pages
            return self.compact.get_absolute_url()

    @property
    def is_waiting(self) -> bool:
        """Sent from the public form and not yet accepted or declined."""
        return self.public_status == PublicStatus.WAITING

    @property
    def is_published(self) -> bool:
        """Both parties agreed to publish it (otherwise the public sees counts only)."""
        return self.publish_raiser and self.publish_other

    @property
    def raiser_words(self) -> str:
        """Who raised it, in words ("Cambridge CVS, on behalf of Fenland Example Group")."""
        who = (
            self.raising_organisation.name
            if self.raising_organisation
            else self.contact_name or "A member of the public"
        )
        return f"{who}, on behalf of {self.on_behalf_of}" if self.on_behalf_of else who

    def core_route(self) -> Route:
        """The route the case started with (parsed once per process: a list of cases reads
        no route row once its versions are known)."""
        return _parsed_routes.get(self.route_id) or self.route.core()

    def stage_name(self, stage_id: str | None = None) -> str:
        """A stage of its route by name ("Compact Development Group"): the current one, or
        the stage `stage_id` (as named in a step)."""
        wanted = self.stage if stage_id is None else stage_id
        try:
            return self.core_route().stage(wanted).name
        except KeyError:
            return wanted or ""

    def status_on(self, today: date) -> str | None:
        """ "due", "due today", "overdue" or "long overdue" on `today`, from the next deadline
        kept with the case and its route's margin (for lists and reminders, without reading
        the steps); None when closed or nothing is due."""
        if self.closed or self.next_due is None:
            return None
        route, day = self.core_route(), self.next_due
        return deadline_status(
            Deadline(day, Period(0, "calendar days"), day), today, route.long_overdue_after,
            route.region,
        )  # fmt: skip

    def core_steps(self) -> list[CoreStep]:
        """Its steps as the core reads them (those the route governs), oldest first."""
        return [step.core() for step in self.steps.all() if step.kind in STEP_KINDS]

    def state(self) -> CaseState:
        """Where the case stands: stage, whose move, next deadline and what may happen."""
        return case_state(self.core_route(), self.core_steps())

    def citations(self) -> list[str]:
        return [item.commitment for item in self.commitments.all()]


class CaseCommitment(Guarded):
    """A commitment at issue, by citation as the rest of compactwatch stores them
    ("cambridgeshire-refreshed/4.5"), from the edition in force when it was raised."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="commitments")
    commitment = models.CharField(max_length=120, db_index=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "commitment"], name="case_commitment_once")
        ]

    def __str__(self) -> str:
        return self.commitment

    @property
    def clause(self) -> str:
        return self.commitment.split("/", 1)[-1]


class CaseRecord(Guarded):
    """A record the case concerns, by type and reference as findings name them
    ("funding_agreement", "g-0042")."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="records")
    record_type = models.CharField(max_length=30)
    record_ref = models.CharField(max_length=100)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "record_type", "record_ref"], name="case_record_once"
            )
        ]
        indexes = [models.Index(fields=["record_type", "record_ref"], name="case_record_ref")]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_ref}"


class AppendOnlyQuerySet(GuardedQuerySet):
    def update(self, **kwargs: Any) -> Any:
        raise PermissionError("a step of a disagreement cannot be changed")

    def bulk_update(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("a step of a disagreement cannot be changed")

    def delete(self) -> Any:
        raise PermissionError("a step of a disagreement cannot be deleted")


class AppendOnly(models.Model):
    """Written once, through the one way in; never changed or deleted by anyone."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise PermissionError(f"a {self._meta.verbose_name} cannot be changed")
        require_way_in(type(self).__name__)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(f"a {self._meta.verbose_name} cannot be deleted")


class Step(AppendOnly):
    """One step of a case's timeline: who, when, what, from which stage to which."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps")
    number = models.PositiveIntegerField(help_text="1 for the first step of the case, then 2 ...")
    kind = models.CharField(max_length=20)
    day = models.DateField(help_text="The day the step counts from, for the route's clocks")
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    username = models.CharField(max_length=150, blank=True, help_text="Kept if the user goes")
    acting_as = models.CharField(max_length=30, choices=ROLE_CHOICES, blank=True)
    from_stage = models.CharField(max_length=100, blank=True)
    to_stage = models.CharField(max_length=100, blank=True)
    text = models.TextField(max_length=10000, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    extension_days = models.PositiveIntegerField(null=True, blank=True)
    reason = models.TextField(max_length=2000, blank=True, help_text="Why it was extended")

    class Meta:
        ordering = ["case", "number"]
        verbose_name = "step of a disagreement"
        # Two steps can never both be the case's next: the second to be stored fails.
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="step_once")]

    def __str__(self) -> str:
        return f"{self.case_id} step {self.number}: {self.kind}"

    @property
    def kind_words(self) -> str:
        return STEP_KIND_WORDS.get(self.kind, self.kind)

    @property
    def acting_as_words(self) -> str:
        return ROLE_NAMES.get(self.acting_as, "")  # type: ignore[call-overload]

    def core(self) -> CoreStep:
        """The step as the core reads it."""
        reason = self.text if self.kind == "note" else self.reason
        return CoreStep(
            self.kind,  # type: ignore[arg-type]
            self.day,
            self.acting_as,  # type: ignore[arg-type]
            days=self.extension_days,
            reason=reason,
            to=self.to_stage if self.kind == "moved" else None,
            outcome=self.outcome or None,  # type: ignore[arg-type]
        )


def document_path(instance: StepDocument, filename: str) -> str:
    case = instance.step.case
    return f"cases/{case.compact.slug}/{case.ref}/{instance.step.number}/{filename}"


class StepDocument(AppendOnly):
    """A document attached to a step (a letter, minutes, a response), kept in MEDIA_ROOT
    and served only to those who may see the case."""

    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to=document_path, max_length=300)
    name = models.CharField(max_length=200, help_text="The file's name as it was sent")
    size = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["id"]
        verbose_name = "document of a disagreement"

    def __str__(self) -> str:
        return self.name


class ConfidentialNote(Guarded):
    """The officer's own notes on a case: nobody else sees them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="confidential_notes")
    text = models.TextField(max_length=10000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    username = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Note on {self.case_id}"


class SentReminder(models.Model):
    """One message `compactwatch remind` sent: its key is unique, so it is sent once even
    when two runs race (each inserts the key first; the second insert fails)."""

    key = models.CharField(max_length=300, unique=True)
    compact = models.ForeignKey(
        Compact, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    sent_at = models.DateTimeField(auto_now_add=True)
    due = models.DateField(null=True, blank=True, help_text="The deadline it is about")

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.key

    def save(self, *args: Any, **kwargs: Any) -> None:
        require_way_in("SentReminder")
        super().save(*args, **kwargs)

"""The action plan, the annual review and the year's work programme, as stored (2007
edition, 5.2: "an action plan ... with an annual review and annual work programme"; 5.5:
the Compact Development Group, serviced by the County Council, oversees it).

A plan year is a calendar year (2026 is 1 January to 31 December 2026). Whether an action
item is overdue is always worked out from its due date and status, never stored. Progress
notes are append-only: the model refuses to change or delete one, whoever asks (the one
way in included), as a disagreement's steps and the audit trail do.

Every model here is written only through compactwatch.changes (action_plan.py and
annual_review.py); each that can be changed has a version, and a save from an older
version is refused there (Stale).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from compactwatch.compacts.models import Compact
from compactwatch.guard import Guarded, GuardedQuerySet, require_way_in
from compactwatch.organisations.models import Organisation

DEVELOPMENT_GROUP_WORDS = "The Compact Development Group"


class OwnerKind(models.TextChoices):
    """Who owns an action item or leads a piece of work: one partner, or the Compact
    Development Group (5.5), which is a choice here and never a made-up organisation."""

    PARTNER = "partner", "A partner"
    DEVELOPMENT_GROUP = "group", DEVELOPMENT_GROUP_WORDS


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


# Statuses of an item still to be finished: overdue once its due date has passed, and
# carried into next year's plan at the annual review.
UNFINISHED = (Status.NOT_STARTED, Status.IN_PROGRESS)


class ActionItemQuerySet(GuardedQuerySet):
    def unfinished(self) -> ActionItemQuerySet:
        return self.filter(status__in=UNFINISHED)

    def overdue(self, on: datetime.date | None = None) -> ActionItemQuerySet:
        """Items whose due date has passed on `on` (today if not given) and that are neither
        done nor dropped. An item due today is not yet overdue."""
        day = on or timezone.localdate()
        return self.unfinished().filter(due__lt=day)

    def not_carried(self) -> ActionItemQuerySet:
        return self.filter(carried_to__isnull=True)


class ActionItem(Guarded):
    """One item of a Compact's action plan for a year: what will be done, by whom, by when,
    what success looks like, and the commitment and/or indicator it serves."""

    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="action_items")
    year = models.PositiveIntegerField("Plan year", help_text="The calendar year of the plan")
    number = models.PositiveIntegerField(help_text="Its number in that year's plan: 1, 2 ...")
    title = models.CharField("What will be done", max_length=300)
    success = models.TextField("What success looks like", max_length=5000)
    owner_kind = models.CharField(
        "Owner", max_length=10, choices=OwnerKind.choices, default=OwnerKind.PARTNER
    )
    owner = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT,
        related_name="action_items",
        help_text="The partner that owns it (empty when the Development Group owns it)",
    )  # fmt: skip
    due = models.DateField("Due date", null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.NOT_STARTED, db_index=True
    )
    commitment = models.CharField(
        "The commitment it serves", max_length=120, blank=True,
        help_text="A citation, e.g. cambridgeshire-refreshed/2.4",
    )  # fmt: skip
    indicator = models.CharField(
        "The indicator it serves", max_length=100, blank=True,
        help_text="An indicator's id from the Compact's indicators file",
    )  # fmt: skip
    # The item of last year's plan this one continues. One-to-one, so an item can be
    # carried forward once only: carrying a year twice carries nothing twice.
    carried_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_to"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Counts the item's changes: a save from an older version is refused."
    )

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["compact", "year", "number"]
        verbose_name = "action item"
        constraints = [
            models.UniqueConstraint(
                fields=["compact", "year", "number"], name="action_item_number_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(owner_kind=OwnerKind.PARTNER, owner__isnull=False)
                    | models.Q(owner_kind=OwnerKind.DEVELOPMENT_GROUP, owner__isnull=True)
                ),
                name="action_item_owner_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["compact", "year", "status"], name="action_item_year")]

    def __str__(self) -> str:
        return f"{self.ref}: {self.title}"

    @property
    def ref(self) -> str:
        """Its reference in words people can quote: "2026-3" is item 3 of the 2026 plan."""
        return f"{self.year}-{self.number}"

    def get_absolute_url(self) -> str:
        try:
            return reverse("web:action_item", args=[self.compact.slug, self.year, self.number])
        except NoReverseMatch:  # a deployment without the web pages
            return self.compact.get_absolute_url()

    @property
    def owner_words(self) -> str:
        """The owner's name, or "The Compact Development Group"."""
        if self.owner_kind == OwnerKind.DEVELOPMENT_GROUP or self.owner is None:
            return DEVELOPMENT_GROUP_WORDS
        return self.owner.name

    @property
    def is_finished(self) -> bool:
        return self.status not in UNFINISHED

    def overdue_on(self, day: datetime.date) -> bool:
        """Overdue on `day`: its due date has passed (the due day itself is not overdue)
        and it is neither done nor dropped."""
        return self.due is not None and not self.is_finished and day > self.due

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())

    @property
    def is_carried(self) -> bool:
        """Carried into next year's plan at the annual review."""
        try:
            return self.carried_to is not None
        except ActionItem.DoesNotExist:
            return False


class AppendOnlyQuerySet(GuardedQuerySet):
    def update(self, **kwargs: Any) -> Any:
        raise PermissionError("a progress note cannot be changed")

    def bulk_update(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("a progress note cannot be changed")

    def delete(self) -> Any:
        raise PermissionError("a progress note cannot be deleted")


class ProgressNote(models.Model):
    """A note of progress on an action item: written once, through the one way in, and
    never changed or deleted by anyone."""

    item = models.ForeignKey(ActionItem, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField("Progress", max_length=5000)
    at = models.DateTimeField("When", auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    username = models.CharField(max_length=150, blank=True, help_text="Kept if the user goes")
    # The item's status when the note was written, if the note changed it ("" if not).
    status_to = models.CharField(max_length=12, choices=Status.choices, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["item", "at", "id"]
        verbose_name = "progress note"

    def __str__(self) -> str:
        return f"Note on {self.item_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise PermissionError("a progress note cannot be changed")
        require_way_in(type(self).__name__)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("a progress note cannot be deleted")


class ReviewMeeting(Guarded):
    """The annual review meeting of a year (5.2): when, who attended, the minutes and what
    was decided. One a year for each Compact."""

    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="review_meetings")
    year = models.PositiveIntegerField(help_text="The plan year it reviews")
    date = models.DateField("Date of the meeting")
    attendees = models.TextField(
        "Who attended", max_length=5000, blank=True,
        help_text="One person a line, e.g. 'Jo Smith, Cambridge CVS'",
    )  # fmt: skip
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="review_meetings",
        help_text="Partners represented at the meeting",
    )  # fmt: skip
    minutes = models.TextField("Minutes", max_length=50000, blank=True)
    decisions = models.TextField(
        "Decisions", max_length=20000, blank=True, help_text="One decision a line"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1,
        help_text="Counts the meeting's changes: a save from an older version is refused.",
    )

    class Meta:
        ordering = ["compact", "-year"]
        verbose_name = "annual review meeting"
        constraints = [
            models.UniqueConstraint(fields=["compact", "year"], name="review_meeting_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.compact}: annual review of {self.year}"

    @property
    def attendee_lines(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]

    @property
    def decision_lines(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]


QUARTER_WORDS = {
    1: "January to March",
    2: "April to June",
    3: "July to September",
    4: "October to December",
}


class WorkProgrammeItem(Guarded):
    """A piece of the year's work programme (5.2): what, who leads it, and when (a quarter
    of the year, or dates)."""

    compact = models.ForeignKey(
        Compact, on_delete=models.CASCADE, related_name="work_programme_items"
    )
    year = models.PositiveIntegerField(help_text="The calendar year of the programme")
    number = models.PositiveIntegerField(help_text="Its number in that year's programme")
    title = models.CharField("Title", max_length=300)
    description = models.TextField("Description", max_length=5000, blank=True)
    lead_kind = models.CharField(
        "Who leads it", max_length=10, choices=OwnerKind.choices, default=OwnerKind.PARTNER
    )
    lead = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT,
        related_name="work_programme_items",
        help_text="The partner that leads it (empty when the Development Group leads it)",
    )  # fmt: skip
    quarter = models.PositiveSmallIntegerField(
        "Quarter", null=True, blank=True, choices=sorted(QUARTER_WORDS.items())
    )
    starts = models.DateField("Starts", null=True, blank=True)
    ends = models.DateField("Ends", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Counts the item's changes: a save from an older version is refused."
    )

    class Meta:
        ordering = ["compact", "year", "quarter", "starts", "number"]
        verbose_name = "work programme item"
        constraints = [
            models.UniqueConstraint(
                fields=["compact", "year", "number"], name="work_programme_number_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(lead_kind=OwnerKind.PARTNER, lead__isnull=False)
                    | models.Q(lead_kind=OwnerKind.DEVELOPMENT_GROUP, lead__isnull=True)
                ),
                name="work_programme_lead_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compact} {self.year} work programme: {self.title}"

    @property
    def lead_words(self) -> str:
        if self.lead_kind == OwnerKind.DEVELOPMENT_GROUP or self.lead is None:
            return DEVELOPMENT_GROUP_WORDS
        return self.lead.name

    @property
    def period_start(self) -> datetime.date:
        """When it starts, for putting the programme in order: the first day of its quarter,
        its start date, its end date, or (with none of these) the last day of the year."""
        if self.quarter:
            return datetime.date(self.year, 3 * (self.quarter - 1) + 1, 1)
        return self.starts or self.ends or datetime.date(self.year, 12, 31)

    @property
    def when_words(self) -> str:
        """When, in words: "April to June", "1 May 2026 to 30 June 2026", or ""."""
        if self.quarter:
            return QUARTER_WORDS.get(self.quarter, "")
        fmt = "%-d %B %Y"
        if self.starts and self.ends:
            return f"{self.starts.strftime(fmt)} to {self.ends.strftime(fmt)}"
        if self.starts:
            return f"From {self.starts.strftime(fmt)}"
        if self.ends:
            return f"By {self.ends.strftime(fmt)}"
        return ""

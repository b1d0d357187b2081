"""The annual report (2007 edition, 5.3): made and remade as a draft by the Compact officer,
answered by partners, then published, when it is frozen.

- Making a draft reads every record of the year (seconds for a big Compact), so the page's
  button queues it for the worker (`queue_draft`, the task `build_annual_report`) and shows
  its progress; the command line makes it at once (`make_draft`).
- A partner's response is written by a member of that partner, its own only; the officer
  reads every response, a partner its own drafts and the others' final responses.
- Publishing freezes the report: its figures, the editions in force, the day they were made
  and the final responses, all in its snapshot. Nothing changes a published report.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from compactwatch import permissions
from compactwatch.changes.base import Actor, Invalid, NotFound, Refused, Stale, changing
from compactwatch.compacts.models import Compact
from compactwatch.monitoring.report import build_report
from compactwatch.organisations.models import Organisation
from compactwatch.reports.models import AnnualReport, BuildStatus, PartnerResponse, ReportStatus

logger = logging.getLogger(__name__)
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199  # the records format's dates
MAX_RESPONSE = 5000


def _check_year(year: int) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise Invalid(
            f"The year must be between {EARLIEST_YEAR} and {LATEST_YEAR}; {year} is not",
            field="year",
        )


def _refuse_unless_officer(actor: Actor, compact: Compact) -> None:
    if not actor.is_officer(compact):
        raise Refused("Only the Compact officer can make or publish the annual report")


def _locked(compact: Compact, year: int) -> AnnualReport:
    report, _ = AnnualReport.objects.select_for_update().get_or_create(compact=compact, year=year)
    return report


def _refuse_if_published(report: AnnualReport) -> None:
    if report.is_published:
        raise Invalid(
            f"The annual report for {report.year} is published, so it is frozen: nothing in "
            "it can change"
        )


def _check_version(report: AnnualReport, version: int | None) -> None:
    if version is not None and version != report.version:
        raise Stale(report, [])


def make_draft(
    actor: Actor, compact: Compact, year: int, *, version: int | None = None, progress: Any = None
) -> AnnualReport:
    """Make (or remake) the year's draft from the Compact's data now."""
    _check_year(year)
    _refuse_unless_officer(actor, compact)
    # The figures are read before the report is locked: a long read holds no lock.
    snapshot = build_report(compact, year, progress)
    with changing():
        report = _locked(compact, year)
        _refuse_if_published(report)
        _check_version(report, version)
        report.snapshot, report.made_at = snapshot, timezone.now()
        report.build_status, report.build_percent, report.build_problem = "", 100, ""
        report.version += 1
        report.save()
        actor.audit("changed", "annual_report", report.ref, compact=compact,
                    version=report.version, summary=f"The {year} annual report was made again "
                    "from the Compact's data")  # fmt: skip
    return report


def queue_draft(
    actor: Actor, compact: Compact, year: int, *, version: int | None = None
) -> AnnualReport:
    """Queue the making of the year's draft for the worker; the report shows its progress."""
    _check_year(year)
    _refuse_unless_officer(actor, compact)
    with changing():
        report = _locked(compact, year)
        _refuse_if_published(report)
        _check_version(report, version)
        if report.build_status in (BuildStatus.QUEUED, BuildStatus.RUNNING):
            return report  # already on its way: one build at a time
        report.build_status, report.build_percent, report.build_problem = "queued", 0, ""
        report.save()
        actor.audit("changed", "annual_report", report.ref, compact=compact,
                    version=report.version,
                    summary=f"The {year} annual report was queued to be made")  # fmt: skip
        transaction.on_commit(lambda: build_annual_report.enqueue(report.pk))
    return report


def _set_build(report_id: int, **values: Any) -> None:
    with changing():
        AnnualReport.objects.filter(pk=report_id).update(**values)


def run_build(report_id: int) -> AnnualReport:
    """The worker's part: make the queued draft, saying how far it has got."""
    report = AnnualReport.objects.select_related("compact").get(pk=report_id)
    if report.build_status != BuildStatus.QUEUED:
        return report
    _set_build(report_id, build_status=BuildStatus.RUNNING, build_percent=0)
    try:
        report = make_draft(
            Actor.system("worker"), report.compact, report.year,
            progress=lambda percent: _set_build(report_id, build_percent=percent),
        )  # fmt: skip
    except Exception as error:
        logger.exception("annual report %s failed", report_id)
        problem = getattr(error, "message", "") or "Something went wrong while it was made"
        _set_build(report_id, build_status=BuildStatus.FAILED, build_problem=problem[:300])
        report.refresh_from_db()
    return report


@task()
def build_annual_report(report_id: int) -> str:
    return run_build(report_id).build_status or "done"


def publish(actor: Actor, report: AnnualReport, *, version: int) -> AnnualReport:
    """Publish the report: from now on it reads only its frozen snapshot."""
    _refuse_unless_officer(actor, report.compact)
    with changing():
        report = _locked(report.compact, report.year)
        _refuse_if_published(report)
        _check_version(report, version)
        if not report.snapshot:
            raise Invalid("Make the report before publishing it: it has no figures yet")
        if report.build_status in (BuildStatus.QUEUED, BuildStatus.RUNNING):
            raise Invalid("The report is being made again: publish it once that has finished")
        final = report.responses.filter(status=PartnerResponse.Status.FINAL)
        report.snapshot = {
            **report.snapshot,
            "responses": [
                {"organisation": response.organisation.name, "text": response.text}
                for response in final.select_related("organisation").order_by("organisation__name")
            ],
            "published_on": timezone.localdate().isoformat(),
        }
        report.status, report.published_at = ReportStatus.PUBLISHED, timezone.now()
        report.published_by = actor.user.get_username() if actor.user else ""
        report.version += 1
        report.save()
        actor.audit("changed", "annual_report", report.ref, compact=report.compact,
                    version=report.version, before={"status": "draft"},
                    after={"status": "published"},
                    summary=f"The {report.year} annual report was published")  # fmt: skip
    return report


def may_see(user: Any, report: AnnualReport) -> bool:
    """A published report is public; a draft is for the officer and the partners' members,
    who may respond to it."""
    if report.is_published:
        return True
    return permissions.is_officer(user, report.compact) or bool(
        permissions.organisation_ids(user, report.compact)
    )


def responses_for(user: Any, report: AnnualReport) -> list[PartnerResponse]:
    """The responses `user` may read: the officer every one; a partner's member its own
    (drafts too) and the others' final ones; anyone else the final ones."""
    responses = report.responses.select_related("organisation").order_by("organisation__name")
    if permissions.is_officer(user, report.compact):
        return list(responses)
    own = permissions.organisation_ids(user, report.compact)
    return [
        response
        for response in responses
        if response.organisation_id in own or response.status == PartnerResponse.Status.FINAL
    ]


def save_response(
    actor: Actor,
    report: AnnualReport,
    organisation: Organisation,
    *,
    text: str,
    final: bool,
    version: int | None = None,
) -> PartnerResponse:
    """Add or change `organisation`'s response: only one of its own members may, and only
    while the report is a draft."""
    own = [] if actor.is_system else permissions.organisation_ids(actor.user, report.compact)
    theirs = organisation.compact_id == report.compact_id and organisation.pk in own
    if not (theirs or actor.is_system):
        raise NotFound("There is no such response you can change")
    text = text.strip()
    if not text:
        raise Invalid("Enter your organisation's response", field="text")
    if len(text) > MAX_RESPONSE:
        raise Invalid(
            f"The response must be {MAX_RESPONSE:,} characters or fewer; it has {len(text):,}",
            field="text",
        )
    with changing():
        report = _locked(report.compact, report.year)
        _refuse_if_published(report)
        stored = (
            PartnerResponse.objects.select_for_update()
            .filter(report=report, organisation=organisation)
            .first()
        )
        if stored is not None and version is not None and version != stored.version:
            raise Stale(stored, [])
        before = {"text": stored.text, "status": stored.status} if stored else None
        response = stored or PartnerResponse(report=report, organisation=organisation, version=0)
        response.text = text
        response.status = PartnerResponse.Status.FINAL if final else PartnerResponse.Status.DRAFT
        response.by = actor.user
        response.version += 1
        response.save()
        actor.audit("created" if stored is None else "changed", "report_response",
                    f"{report.ref}/{organisation.ref}", compact=report.compact, before=before,
                    after={"text": response.text, "status": response.status},
                    version=response.version,
                    summary=f"{organisation.name} responded to the {report.year} annual "
                    "report")  # fmt: skip
    return response

"""A case's page: the parties, the commitments in words with their clause, the records, the
stage and whose move it is, the next deadline with how it was worked out and its status,
the steps the viewer may take now (the core's choices, through `choices_for`), the
timeline of every step, and the officer's confidential notes.

Each form posts the case's version as read: a step refused as stale shows what changed and
keeps what was typed, with the new version, so that sending it again is a decision.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from compactwatch import permissions
from compactwatch.changes import cases as use
from compactwatch.changes.base import Actor, ChangeRefused, NotFound, Stale
from compactwatch.compact.dates import format_date
from compactwatch.compact.disputes import ROLE_NAMES
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.disputes.models import Case, PublicStatus
from compactwatch.records.models import RECORD_MODELS
from compactwatch.web.audit_trail import stale_entries
from compactwatch.web.views import case_forms as f
from compactwatch.web.views.case_words import (
    capital,
    deadline_of,
    whose_move_words,
)

# Each action a form may post: the form that reads it, and the step's kind among the core's
# choices that allows it (None: allowed by who the viewer is, not by the route).
ACTIONS = ("acknowledge", "respond", "extend", "move", "close", "note", "answer", "publish",
           "accept", "decline", "confidential")  # fmt: skip
KIND_OF = {"acknowledge": "acknowledged", "respond": "responded", "extend": "extended",
           "move": "moved", "close": "closed", "note": "note"}  # fmt: skip


def _documents(form: Any) -> list:
    document = form.cleaned_data.get("document") if hasattr(form, "cleaned_data") else None
    return [document] if document else []


class Page:
    """What one viewer may do on one case now, and the forms for it."""

    def __init__(self, request: HttpRequest, compact: Compact, case: Case):
        self.request, self.compact, self.case = request, compact, case
        self.actor = Actor(request.user, "form")
        self.roles = use.roles_in(self.actor, case)
        self.today = date.today()
        self.choices = [] if case.is_waiting else use.choices_for(self.actor, case, self.today)
        self.kinds = {choice.kind for choice in self.choices}
        self.officer = permissions.is_officer(request.user, compact)

    # Which forms the viewer is offered -------------------------------------------------

    def allowed(self, action: str) -> bool:
        case, roles = self.case, self.roles
        if action in KIND_OF:
            return KIND_OF[action] in self.kinds
        if action in ("accept", "decline"):
            return self.officer and case.is_waiting
        if action == "confidential":
            return self.officer
        if action == "answer":
            return (
                case.closed and not case.raiser_answer and ("raiser" in roles or "officer" in roles)
            )
        if action == "publish":
            raiser_may = "raiser" in roles and not case.publish_raiser
            other_may = "other party" in roles and not case.publish_other
            return case.closed and (raiser_may or other_may)
        return False

    def form(self, action: str, data: Any = None, files: Any = None) -> Any:
        case = self.case
        kwargs: dict[str, Any] = {"initial": {"version": case.version}, "prefix": action}
        if action == "extend":
            stage = case.core_route().stage(case.stage) if case.stage else None
            rules = stage.extensions if stage else None
            unit = stage.respond.period.unit if stage and stage.respond else "working days"
            kwargs.update(unit=unit, up_to=rules.up_to if rules else None)
        if action == "move":
            kwargs["stages"] = [
                (choice.to, case.stage_name(choice.to))
                for choice in self.choices
                if choice.kind == "moved" and choice.to
            ]
        if action == "close":
            kwargs["outcomes"] = [
                c.outcome for c in self.choices if c.kind == "closed" and c.outcome
            ]
            case_commitments = case.citations()
            others = [pair for pair in use.commitment_choices(self.compact)
                      if pair[0] not in case_commitments]  # fmt: skip
            named = [(citation, self.name(citation)) for citation in case_commitments]
            kwargs["commitments"] = named + others
        form_class = {
            "acknowledge": f.AcknowledgeForm, "respond": f.RespondForm, "extend": f.ExtendForm,
            "move": f.MoveForm, "close": f.CloseForm, "note": f.NoteForm, "answer": f.AnswerForm,
            "publish": f.PublishForm, "accept": f.AcceptForm, "decline": f.DeclineForm,
            "confidential": f.ConfidentialNoteForm,
        }[action]  # fmt: skip
        if action == "confidential":
            kwargs.pop("initial")
        return form_class(data, files, **kwargs)

    def name(self, citation: str) -> str:
        return editions_of(self.compact).describe(citation)

    # Taking a step ---------------------------------------------------------------------

    def take(self, action: str, form: Any) -> str:
        """Take the step through the use case; the message to show once it is done."""
        data, case, actor = form.cleaned_data, self.case, self.actor
        version = data.get("version", 0)
        if action == "acknowledge":
            use.acknowledge(actor, case, version=version, text=data["text"])
            return "The concern is acknowledged."
        if action == "respond":
            use.respond(actor, case, version=version, text=data["text"],
                        documents=_documents(form))  # fmt: skip
            return "Your response is added to the case; the raiser has been told."
        if action == "extend":
            use.extend(actor, case, version=version, days=data["days"], reason=data["reason"])
            return f"The time to respond is extended by {data['days']} days."
        if action == "move":
            use.move(actor, case, version=version, to_stage=data["to_stage"], text=data["text"],
                     documents=_documents(form))  # fmt: skip
            return f"The case moved to ‘{case.stage_name(data['to_stage'])}’."
        if action == "close":
            use.close(actor, case, version=version, outcome=data["outcome"],
                      outcome_text=data["outcome_text"], breach_found=form.breach(),
                      breach_commitment=data["breach_commitment"], lessons=data["lessons"])  # fmt: skip
            return f"The case is closed as {data['outcome']}."
        if action == "note":
            use.add_note(actor, case, version=version, text=data["text"],
                         documents=_documents(form))  # fmt: skip
            return "Your note is added to the timeline."
        if action == "answer":
            use.answer(actor, case, version=version, answer=data["answer"], text=data["text"])
            return "Thank you: your answer is kept with the case."
        if action == "publish":
            use.agree_to_publish(actor, case, version=version)
            return "You agreed to publish the case. It is published once both parties agree."
        if action == "accept":
            use.accept_public_case(actor, case, version=version)
            return f"The concern is accepted as {case.ref}; {case.other_party.name} has been told."
        if action == "decline":
            use.decline_public_case(actor, case, version=version, reason=data["reason"])
            return "The concern is declined; whoever sent it has been told why."
        use.add_confidential_note(actor, case, data["text"])
        return "Your confidential note is kept."


def _records(case: Case) -> list[dict[str, str]]:
    """The records the case concerns, each a link where it is still stored."""
    shown = []
    for item in case.records.all():
        model = RECORD_MODELS.get(item.record_type)
        record = (
            model.objects.filter(compact=case.compact, ref=item.record_ref).first()
            if model
            else None
        )
        label = model.traits.label if model else item.record_type
        shown.append({"label": label, "ref": item.record_ref,
                      "url": record.get_absolute_url() if record else ""})  # fmt: skip
    return shown


def _in_words(case: Case, name: str, value: Any) -> str:
    """A value of the audit trail's record of a case as the page words it (stage names,
    roles, dates and commitments in words; never ids)."""
    if value is None or value == "":
        return "None"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name == "stage":
        return case.stage_name(str(value))
    if name == "whose move":
        return capital(ROLE_NAMES.get(value, str(value)))  # type: ignore[call-overload]
    if name == "next deadline":
        try:
            return format_date(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if name == "breach of":
        return editions_of(case.compact).describe(str(value))
    if name == "public form":
        return dict(PublicStatus.choices).get(value, str(value))
    return capital(str(value))


def _stale_entries(case: Case, error: Stale) -> list[dict[str, Any]]:
    """Who acted since the page was read, when, and what changed, in words."""
    return stale_entries(error.since, lambda name, value: _in_words(case, name, value))


@login_required
def case_page(request: HttpRequest, compact: str, ref: str) -> HttpResponse:
    the_compact = get_object_or_404(Compact, slug=compact)
    actor = Actor(request.user, "form")
    try:
        case = use.get_case(actor, the_compact, ref)
    except NotFound as error:
        raise Http404(error.message) from error
    page = Page(request, the_compact, case)
    posted = request.POST.get("action", "") if request.method == "POST" else ""
    bound: dict[str, Any] = {}
    stale = None
    if posted:
        if posted not in ACTIONS or not page.allowed(posted):
            messages.error(request, "That step cannot be taken on this case now: the page "
                           "shows what you can do.")  # fmt: skip
            return redirect(case.get_absolute_url())
        form = page.form(posted, request.POST, request.FILES)
        bound[posted] = form
        if form.is_valid():
            try:
                done = page.take(posted, form)
            except Stale as error:
                fresh = use.get_case(actor, the_compact, ref)
                stale = _stale_entries(fresh, error)
                page = Page(request, the_compact, fresh)
                # What was typed is kept, with the version now read: sending again decides.
                data = request.POST.copy()
                data[f"{posted}-version"] = str(fresh.version)
                if page.allowed(posted):
                    form = page.form(posted, data, request.FILES)
                    form.is_valid()
                    form.refuse(None, error.message)
                    bound = {posted: form}
                else:
                    bound = {}
                    messages.error(request, error.message)
                case = fresh
            except ChangeRefused as error:
                form.refuse(error.field, error.message)
            else:
                messages.success(request, done)
                return redirect(case.get_absolute_url())
    forms = {
        action: bound.get(action) or page.form(action) for action in ACTIONS if page.allowed(action)
    }
    timeline = [
        {"step": step, "from": case.stage_name(step.from_stage) if step.from_stage else "",
         "to": case.stage_name(step.to_stage) if step.to_stage else ""}
        for step in use.timeline(actor, case)
    ]  # fmt: skip
    return render(request, "web/cases/case.html", {
        "compact": the_compact, "case": case, "roles": page.roles, "forms": forms,
        "deadline": deadline_of(case, page.today), "stage": case.stage_name() if case.stage else "",
        "stage_info": _stage_info(case), "whose_move": whose_move_words(case),
        "records": _records(case), "stale": stale, "steps": timeline,
        "notes": use.confidential_notes(actor, case) if page.officer else None,
        "errors": [form for form in bound.values() if form.errors],
        "waiting": case.public_status == PublicStatus.WAITING,
    })  # fmt: skip


def _stage_info(case: Case) -> dict[str, str] | None:
    try:
        stage = case.core_route().stage(case.stage)
    except KeyError:
        return None
    return {"what_happens": stage.what_happens, "clause": stage.clause}

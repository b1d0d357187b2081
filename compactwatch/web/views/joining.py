"""Partners who join and leave: the public "Join the Compact" form with its check of the
answers, the officer's requests to approve or decline, and a partner's own details."""

from __future__ import annotations

from functools import wraps
from types import SimpleNamespace
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from compactwatch import permissions
from compactwatch.changes import joining
from compactwatch.changes.base import Actor, ChangeRefused, Invalid, NotFound, Stale, Taken
from compactwatch.changes.register import MEMBERS_MAY_CHANGE
from compactwatch.compacts.models import Compact
from compactwatch.limits import over_join_limit
from compactwatch.organisations.models import (
    KIND_WORDS,
    Contact,
    JoinRequest,
    JoinStatus,
    Organisation,
    Signature,
)
from compactwatch.params import BadQuery, query_int
from compactwatch.web.forms import GovukForm, OrganisationForm
from compactwatch.web.views.errors import bad_request
from compactwatch.web.views.manage import officer_only


class JoinForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind of organisation", required=False,
        choices=[("", "None chosen"), *KIND_WORDS.items()],
    )  # fmt: skip
    agree = forms.BooleanField(
        label="I may sign for the organisation, and it agrees to work by the Compact"
    )

    def __init__(self, *args: Any, edition: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        hints = {
            "charity_number": "If it is a registered charity",
            "company_number": "If it is a registered company",
            "org_id": "If you know it, for example GB-CHC-1234567 (org-id.guide)",
            "lead_name": "The person who speaks for the organisation on the Compact: only if "
            "you nominate one",
            "lead_role": "For example councillor, board member or management committee member",
        }
        for name, hint in hints.items():
            self.fields[name].help_text = hint
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-hint"
        self.fields["lead_status"].label = "Has the organisation nominated a Compact lead?"
        for name in ("sector", "lead_status"):  # radios: one must be chosen, none is blank
            self.fields[name].choices = [pair for pair in self.fields[name].choices if pair[0]]
        self.fields["agree"].error_messages["required"] = (
            "Confirm that you may sign for the organisation"
        )
        if edition:
            self.fields["agree"].label = (
                f"I may sign for the organisation, and it agrees to work by the {edition} of "
                "the Compact"
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("lead_status") == "nominated" and not cleaned.get("lead_name"):
            self.add_error("lead_name", "Enter the Compact lead's name")
        return cleaned

    class Meta:
        model = JoinRequest
        fields = list(joining.REQUEST_FIELDS)
        widgets = {"sector": forms.RadioSelect, "lead_status": forms.RadioSelect}


class DetailsForm(OrganisationForm):
    class Meta(OrganisationForm.Meta):
        fields = list(MEMBERS_MAY_CHANGE)


class ContactForm(GovukForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone"]


class SignForm(GovukForm):
    """Who signs a new edition for the partner."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, label, missing in (
            ("signer_name", "Your full name", "Enter your full name"),
            ("signer_role", "Your role in the organisation", "Enter your role in the organisation"),
        ):
            field = self.fields[name]
            field.required, field.label = True, label
            field.error_messages["required"] = missing
        self.fields["signer_role"].help_text = "For example chair of trustees or chief executive"
        self.fields["signer_role"].widget.attrs["aria-describedby"] = "id_signer_role-hint"

    class Meta:
        model = Signature
        fields = ["signer_name", "signer_role"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 4}),
        max_length=joining.REASON_LENGTH,
    )

    def __init__(self, *args: Any, label: str, required: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = label
        field.error_messages.update(
            required=required,
            max_length=f"The reason must be {joining.REASON_LENGTH:,} characters or fewer",
        )
        if self.is_bound and "reason" in self.errors:
            field.widget.attrs.update({"class": "govuk-textarea govuk-textarea--error",
                                       "aria-describedby": "id_reason-error"})  # fmt: skip


def _edition_words(compact: Compact) -> str:
    edition = joining.edition_to_sign(compact)
    return edition.name if edition else ""


def _answers_key(compact: Compact) -> str:
    return f"join:{compact.slug}"


# The public form ------------------------------------------------------------------------

# The form's questions in groups, each under its own heading.
GROUPS = (
    ("The organisation", ("name", "sector", "kind", "charity_number", "company_number", "org_id")),
    ("Who signs for it", ("signer_name", "signer_role", "signer_email")),
    ("Its Compact lead", ("lead_status", "lead_name", "lead_role")),
    ("Signing", ("agree",)),
)


def _join_page(
    request: HttpRequest, compact: Compact, form: JoinForm, edition: str
) -> HttpResponse:
    groups = [
        (heading, SimpleNamespace(hidden_fields=[], visible_fields=[form[n] for n in names]))
        for heading, names in GROUPS
    ]
    return render(request, "web/joining/join.html",
                  {"compact": compact, "form": form, "edition": edition, "groups": groups})  # fmt: skip


def join(request: HttpRequest, compact: str) -> HttpResponse:
    """The form; once it reads well, the answers are kept in the session for checking."""
    the_compact = get_object_or_404(Compact, slug=compact)
    edition = _edition_words(the_compact)
    kept = request.session.get(_answers_key(the_compact))
    form = JoinForm(request.POST or None, initial=kept, edition=edition)
    if request.method == "POST" and form.is_valid():
        request.session[_answers_key(the_compact)] = form.cleaned_data
        return redirect("web:join_check", the_compact.slug)
    return _join_page(request, the_compact, form, edition)


def join_check(request: HttpRequest, compact: str) -> HttpResponse:
    """Check your answers, then send."""
    the_compact = get_object_or_404(Compact, slug=compact)
    kept = request.session.get(_answers_key(the_compact))
    if kept is None:
        return redirect("web:join", the_compact.slug)
    edition = _edition_words(the_compact)
    form = JoinForm(kept, edition=edition)
    if not form.is_valid():  # the answers kept no longer read (the form changed)
        return _join_page(request, the_compact, form, edition)
    if request.method == "POST":
        if over_join_limit(request):
            # Refused before anything is looked at; the answers are not kept either.
            request.session.pop(_answers_key(the_compact), None)
            return render(request, "web/error.html", {
                "title": "Too many requests to join",
                "message": f"At most {settings.JOIN_REQUESTS_PER_HOUR} requests to join can be "
                "sent from one place in an hour, and nothing was kept of this one. Try again "
                f"in an hour, or write to the officers of {the_compact.name}.",
            }, status=429)  # fmt: skip
        try:
            sent = joining.submit(Actor(request.user, "form"), the_compact, form.cleaned_data)
        except ChangeRefused as error:  # a request already waiting, or already a partner
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return _join_page(request, the_compact, form, edition)
        del request.session[_answers_key(the_compact)]
        request.session[f"{_answers_key(the_compact)}:sent"] = sent.name
        return redirect("web:join_sent", the_compact.slug)
    return render(request, "web/joining/check.html", {
        "compact": the_compact, "form": form, "edition": edition,
        "kind": KIND_WORDS.get(form.cleaned_data["kind"], ""),
    })  # fmt: skip


def join_sent(request: HttpRequest, compact: str) -> HttpResponse:
    the_compact = get_object_or_404(Compact, slug=compact)
    name = request.session.get(f"{_answers_key(the_compact)}:sent")
    if name is None:
        return redirect("web:join", the_compact.slug)
    return render(request, "web/joining/sent.html", {"compact": the_compact, "name": name})


# The officer's requests -----------------------------------------------------------------


@officer_only
def requests(request: HttpRequest, compact: Compact) -> HttpResponse:
    asked = JoinRequest.objects.filter(compact=compact).select_related("edition", "organisation")
    in_force, not_signed = joining.partners_not_signed(compact)
    return render(request, "web/joining/requests.html", {
        "compact": compact, "not_signed": not_signed,
        "in_force": in_force.name if in_force else "",
        "pending": asked.filter(status=JoinStatus.PENDING).order_by("submitted"),
        "decided": asked.exclude(status=JoinStatus.PENDING).order_by("-decided_at")[:50],
    })  # fmt: skip


def _version(request: HttpRequest) -> int:
    version = query_int(request.POST, "version", 1, 2**31 - 1)
    if version is None:
        raise BadQuery("the form gives no 'version': open the page again")
    return version


@officer_only
def approve(request: HttpRequest, compact: Compact, pk: int) -> HttpResponse:
    """The request, what the register already knows of the organisation, and approval."""
    asked = get_object_or_404(JoinRequest, compact=compact, pk=pk)
    stale = problem = None
    if request.method == "POST":
        try:
            organisation = joining.approve(Actor(request.user, "form"), compact, pk,
                                           version=_version(request))  # fmt: skip
        except BadQuery as error:
            return bad_request(request, error)
        except Stale as error:
            stale, asked = error, error.current
        except Invalid as error:
            problem = error.message
        else:
            messages.success(request, f"{organisation.name} is now a partner of {compact.name}.")
            return redirect("web:join_requests", compact.slug)
    return render(request, "web/joining/approve.html", {
        "compact": compact, "asked": asked, "stale": stale, "problem": problem,
        "known": joining.match(asked) if asked.status == JoinStatus.PENDING else None,
        "edition": asked.edition.name,
        "kind": KIND_WORDS.get(asked.kind, asked.kind),
    })  # fmt: skip


@officer_only
def decline(request: HttpRequest, compact: Compact, pk: int) -> HttpResponse:
    asked = get_object_or_404(JoinRequest, compact=compact, pk=pk)
    form = ReasonForm(request.POST or None, label=f"Why is the request of {asked.name} declined?",
                      required=f"Enter why the request of {asked.name} is declined")  # fmt: skip
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            joining.decline(Actor(request.user, "form"), compact, pk, version=_version(request),
                            reason=form.cleaned_data["reason"])  # fmt: skip
        except BadQuery as error:
            return bad_request(request, error)
        except Stale as error:
            stale, asked = error, error.current
        except Invalid as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(request, f"The request of {asked.name} to join was declined.")
            return redirect("web:join_requests", compact.slug)
    return render(request, "web/joining/decline.html",
                  {"compact": compact, "asked": asked, "form": form, "stale": stale})  # fmt: skip


# A partner's own details ----------------------------------------------------------------


def members_only(view):
    """For a partner's members and the officer; anyone else signed in is refused."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, compact: str, ref: str) -> HttpResponse:
        the_compact = get_object_or_404(Compact, slug=compact)
        organisation = get_object_or_404(Organisation, compact=the_compact, ref=ref)
        if not (permissions.is_officer(request.user, the_compact) or
                organisation.pk in permissions.organisation_ids(request.user, the_compact)):  # fmt: skip
            raise PermissionDenied(f"Only the members of {organisation.name} can do this")
        return view(request, the_compact, organisation)

    return wrapped


@members_only
def details(request: HttpRequest, compact: Compact, organisation: Organisation) -> HttpResponse:
    """Its Compact lead, its DBS undertaking and its contacts."""
    actor = Actor(request.user, "form")
    which = request.POST.get("form") if request.method == "POST" else None
    form = DetailsForm(request.POST if which == "details" else None, instance=organisation)
    contact_form = ContactForm(request.POST if which == "contact" else None)
    sign_form = SignForm(request.POST if which == "sign" else None)
    unsigned = joining.unsigned(organisation)
    stale = None
    try:
        if which == "sign" and sign_form.is_valid():
            edition = joining.edition_to_sign(compact)
            if edition is None:
                raise Invalid("No edition of the Compact is in force yet, so it cannot be signed")
            joining.sign_edition(actor, organisation, edition,
                                 sign_form.cleaned_data["signer_name"],
                                 sign_form.cleaned_data["signer_role"])  # fmt: skip
            messages.success(request, f"{organisation.name} signed the "
                             f"{edition.name}.")  # fmt: skip
            return redirect("web:partner_details", compact.slug, organisation.ref)
        if which == "details" and form.is_valid():
            joining.update_details(actor, organisation, form.values(), version=_version(request))
            messages.success(request, f"The details of {organisation.name} are saved.")
            return redirect("web:partner_details", compact.slug, organisation.ref)
        if which == "contact" and contact_form.is_valid():
            added = joining.add_contact(actor, organisation, contact_form.cleaned_data)
            messages.success(request, f"{added.name} added to the contacts.")
            return redirect("web:partner_details", compact.slug, organisation.ref)
        if which == "remove":
            pk = query_int(request.POST, "contact", 1, 2**63 - 1)
            joining.remove_contact(actor, organisation, pk or 0)
            messages.success(request, "Contact removed.")
            return redirect("web:partner_details", compact.slug, organisation.ref)
    except BadQuery as error:
        return bad_request(request, error)
    except NotFound as error:
        return bad_request(request, BadQuery(error.message))
    except Stale as error:
        stale = error
        form.data = form.data.copy()
        form.data["version"] = str(error.current.version)
        form.add_error(None, error.message)
    except (Invalid, Taken) as error:
        target = {"details": form, "sign": sign_form}.get(which or "", contact_form)
        target.add_error(error.field if error.field in target.fields else None, error.message)
    return render(request, "web/joining/details.html", {
        "compact": compact, "organisation": organisation, "form": form,
        "contact_form": contact_form, "stale": stale, "sign_form": sign_form,
        "unsigned": unsigned.name if unsigned else "",
        "contacts": organisation.contacts.all(),
    })  # fmt: skip


@members_only
def leave(request: HttpRequest, compact: Compact, organisation: Organisation) -> HttpResponse:
    form = ReasonForm(request.POST or None, label=f"Why is {organisation.name} leaving?",
                      required=f"Enter why {organisation.name} is leaving")  # fmt: skip
    stale = None
    if request.method == "POST" and form.is_valid() and organisation.partner:
        try:
            joining.leave(Actor(request.user, "form"), organisation, version=_version(request),
                          reason=form.cleaned_data["reason"])  # fmt: skip
        except BadQuery as error:
            return bad_request(request, error)
        except Stale as error:
            stale, organisation = error, error.current
        except Invalid as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(request, f"{organisation.name} is no longer a partner of "
                             f"{compact.name}. Its records and signatures are kept.")  # fmt: skip
            return redirect("web:organisation", compact.slug, organisation.ref)
    return render(request, "web/joining/leave.html", {
        "compact": compact, "organisation": organisation, "form": form, "stale": stale,
    })  # fmt: skip

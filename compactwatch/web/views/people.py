"""The Compact officer's People pages: who uses the Compact, inviting someone, and changing
a person's partners, whether they are an officer, and whether their account is active."""

from __future__ import annotations

import smtplib
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from compactwatch import permissions
from compactwatch.changes import two_factor
from compactwatch.changes.base import Actor, Invalid, NotFound, Stale
from compactwatch.changes.cases import set_development_group_member
from compactwatch.changes.people import (
    account_version,
    invite,
    leave_partner,
    make_officer,
    people,
    person,
    send_invitation,
    set_active,
    stop_officer,
)
from compactwatch.changes.register import add_membership
from compactwatch.compacts.models import Compact
from compactwatch.params import BadQuery, query_int
from compactwatch.web.views.errors import bad_request
from compactwatch.web.views.manage import officer_only

OFFICER = "officer"


def _roles(compact: Compact) -> list[tuple[str, Any]]:
    partners = compact.organisations.filter(partner=True).order_by("name")
    return [
        (OFFICER, "A Compact officer: runs the Compact, its register and its editions"),
        ("Acts for a partner", [(org.ref, org.name) for org in partners]),
    ]


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address like name@example.org",
        },
    )
    role = forms.ChoiceField(
        label="What they will do",
        error_messages={"required": "Choose what they will do", "invalid_choice": "Choose a role"},
    )

    def __init__(self, compact: Compact, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Choose…"), *_roles(compact)]
        self.fields["email"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-20", "autocomplete": "off"}
        )
        self.fields["role"].widget.attrs["class"] = "govuk-select"


def _roles_of(compact: Compact, user: Any) -> list[str]:
    roles = ["Compact officer"] if compact.officers.filter(pk=user.pk).exists() else []
    if permissions.in_development_group(user, compact):
        roles.append("Compact Development Group")
    names = user.memberships.filter(organisation__compact=compact).order_by("organisation__name")
    return roles + [f"Acts for {m.organisation.name}" for m in names]


@officer_only
def people_list(request: HttpRequest, compact: Compact) -> HttpResponse:
    rows = [{"user": user, "roles": _roles_of(compact, user), "two_factor": two_factor.is_on(user)}
            for user in people(compact)]  # fmt: skip
    return render(request, "web/people/list.html", {"compact": compact, "rows": rows})


@officer_only
def invite_person(request: HttpRequest, compact: Compact) -> HttpResponse:
    form = InviteForm(compact, request.POST or None)
    if request.method == "POST" and form.is_valid():
        ref = form.cleaned_data["role"]
        organisation = None if ref == OFFICER else compact.organisations.get(ref=ref)
        role = (
            f"a member of {organisation.name}" if organisation else f"an officer of {compact.name}"
        )
        actor = Actor(request.user, "form")
        user, _ = invite(actor, form.cleaned_data["email"], compact, organisation)
        if user.has_usable_password():
            messages.success(request, f"{user.get_username()} has an account already, and is "
                             f"now {role}. No email was sent.")  # fmt: skip
        else:
            try:
                send_invitation(user, compact, role, request.build_absolute_uri("/"))
            except (OSError, smtplib.SMTPException) as error:
                messages.error(request, f"{user.get_username()} is now {role}, but the email "
                               f"could not be sent ({error}). Invite them again later.")  # fmt: skip
            else:
                messages.success(request, f"Invited {user.email} as {role}: the email has a "
                                 "link to choose a password, which works once.")  # fmt: skip
        return redirect("web:people", compact.slug)
    return render(request, "web/people/invite.html", {"compact": compact, "form": form})


@officer_only
def person_page(request: HttpRequest, compact: Compact, pk: int) -> HttpResponse:
    try:
        user = person(compact, pk)
    except NotFound as error:
        raise Http404(error.message) from None
    problem = stale = None
    if request.method == "POST":
        try:
            done = _change(request, compact, user)
        except BadQuery as error:
            return bad_request(request, error)
        except Invalid as error:
            problem = error.message
        except Stale as error:
            stale = error
        else:
            messages.success(request, done)
            return redirect("web:person", compact.slug, user.pk)
    memberships = user.memberships.filter(organisation__compact=compact)
    joined = memberships.values_list("organisation_id", flat=True)
    return render(request, "web/people/person.html", {
        "compact": compact, "person": user, "problem": problem, "stale": stale,
        "memberships": memberships.select_related("organisation").order_by("organisation__name"),
        "other_partners": compact.organisations.filter(partner=True).exclude(pk__in=joined)
        .order_by("name"),
        "is_officer": compact.officers.filter(pk=user.pk).exists(),
        "in_group": permissions.in_development_group(user, compact),
        "version": account_version(user),
    })  # fmt: skip


def _change(request: HttpRequest, compact: Compact, user: Any) -> str:
    """Make the change the posted form asks for; the message saying what was done."""
    actor, name, action = (
        Actor(request.user, "form"),
        user.get_username(),
        request.POST.get("action"),
    )
    if action in ("join", "leave"):
        organisation = compact.organisations.filter(ref=request.POST.get("organisation")).first()
        if organisation is None:
            raise BadQuery("the form names no organisation of this Compact: open the page again")
        if action == "join":
            add_membership(actor, organisation, user)
            return f"{name} acts for {organisation.name} from now on."
        leave_partner(actor, organisation, user)
        return f"{name} no longer acts for {organisation.name}."
    if action in ("join_group", "leave_group"):
        set_development_group_member(actor, compact, user, action == "join_group")
        if action == "join_group":
            return f"{name} is now a member of the Compact Development Group: they see every disagreement."
        return f"{name} is no longer a member of the Compact Development Group."
    if action == "make_officer":
        make_officer(actor, compact, user)
        return f"{name} is now an officer of {compact.name}."
    if action == "stop_officer":
        stop_officer(actor, compact, user)
        return f"{name} is no longer an officer of {compact.name}."
    if action in ("deactivate", "reactivate"):
        version = query_int(request.POST, "version", 1, 2**31 - 1)
        if version is None:
            raise BadQuery("the form gives no 'version': open the page again")
        set_active(actor, compact, user, action == "reactivate", version=version)
        if action == "reactivate":
            return f"{name} can sign in again."
        return f"{name} can no longer sign in. What they recorded stays, under their name."
    raise BadQuery("the form asks for no change this page makes: open the page again")

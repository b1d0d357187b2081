"""Signing in and out, changing a password and resetting a forgotten one (Django's auth;
failed sign-ins are rate-limited by django-axes), and two-factor sign-in. Changing a
password ends the API tokens made with the old one (compactwatch/api).

With two-factor sign-in on, the right password does not sign in: the session only
remembers, for a few minutes, whose password it was, and a code from the authenticator app
completes the sign-in. Until then the session is anonymous, so it reaches nothing a
signed-out visitor could not.
"""

from __future__ import annotations

import time
from typing import Any

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.safestring import SafeString, mark_safe

from compactwatch.changes import two_factor
from compactwatch.changes.base import Actor, ChangeRefused
from compactwatch.compacts.models import Compact

PENDING = "two_factor:pending"  # whose password was right, awaiting their code
SETUP_KEY = "two_factor:key"  # the key being set up, until a code confirms it

INPUT = "govuk-input govuk-input--width-20"


class GovukFields:
    """Gives a Django auth form's inputs GOV.UK Frontend's classes and error links."""

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)  # type: ignore[misc]
        for name, field in form.fields.items():
            field.widget.attrs["class"] = INPUT
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-hint"
        return form


class SignInView(auth_views.LoginView):
    template_name = "web/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if two_factor.is_on(user):
            # The password was right; the code is asked next. A new session key, so that
            # a session fixed before signing in does not carry on into it.
            self.request.session.cycle_key()
            self.request.session[PENDING] = {
                "user": user.pk, "backend": user.backend, "next": self.get_success_url(),
                "at": time.time(),
            }  # fmt: skip
            return redirect("web:sign_in_code")
        response = super().form_valid(form)
        if two_factor.required_for(user):  # the page says why
            return redirect("web:two_factor")
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Who to ask for an account: each Compact's active officers who have an email.
        compacts = [
            (compact, [user.email for user in compact.officers.filter(is_active=True)
                       if user.email])
            for compact in Compact.objects.order_by("name")
        ]  # fmt: skip
        return {**super().get_context_data(**kwargs), "compacts": compacts}


class SignOutView(auth_views.LogoutView):
    pass


class PasswordChangeView(GovukFields, auth_views.PasswordChangeView):
    template_name = "web/accounts/password_change.html"
    success_url = reverse_lazy("web:password_change_done")
    extra_context = {"heading": "Change your password", "button": "Change the password"}


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "web/accounts/password_change_done.html"


class PasswordResetView(GovukFields, auth_views.PasswordResetView):
    template_name = "web/accounts/password_reset.html"
    email_template_name = "web/accounts/password_reset_email.txt"
    subject_template_name = "web/accounts/password_reset_subject.txt"
    success_url = reverse_lazy("web:password_reset_done")
    extra_context = {"heading": "Reset your password", "button": "Send the link"}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "web/accounts/password_reset_done.html"


class PasswordResetConfirmView(GovukFields, auth_views.PasswordResetConfirmView):
    template_name = "web/accounts/password_reset_confirm.html"
    success_url = reverse_lazy("web:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "web/accounts/password_reset_complete.html"


# Two-factor sign-in ---------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app", max_length=12,
        help_text="The 6-digit code the app shows now, for example 123456",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({
            "class": "govuk-input govuk-input--width-5", "inputmode": "numeric",
            "autocomplete": "one-time-code", "spellcheck": "false",
            "aria-describedby": "id_code-hint",
        })  # fmt: skip

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        if field == "code":
            widget = self.fields["code"].widget
            widget.attrs["class"] += " govuk-input--error"
            widget.attrs["aria-describedby"] = "id_code-hint id_code-error"


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    """The account whose password was given in this session, while its code may still be."""
    pending = request.session.get(PENDING)
    if not pending:
        return None
    if time.time() - pending["at"] > settings.TWO_FACTOR_PENDING_SECONDS:
        del request.session[PENDING]
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending) if user else None


def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the authenticator app. A wrong code is
    a failed sign-in for django-axes (five lock the account out for a quarter of an hour)."""
    found = _pending_user(request)
    if found is None:
        messages.info(request, "Sign in again: the code must follow the password within "
                      f"{settings.TWO_FACTOR_PENDING_SECONDS // 60} minutes.")  # fmt: skip
        return redirect("web:login")
    user, pending = found
    credentials = {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if AxesProxyHandler.is_locked(request, credentials):
            return get_lockout_response(request, credentials=credentials)
        if form.is_valid() and two_factor.throttled(user):  # not counted: a right code may be
            form.add_error("code", two_factor.TOO_SOON)
            return render(request, "web/accounts/sign_in_code.html", {"form": form})
        if form.is_valid() and two_factor.check(user, form.cleaned_data["code"]):
            del request.session[PENDING]
            login(request, user, backend=pending["backend"])
            return redirect(pending["next"])
        if form.is_valid():
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if AxesProxyHandler.is_locked(request, credentials):
                return get_lockout_response(request, credentials=credentials)
            form.add_error("code", two_factor.WRONG_CODE)
    return render(request, "web/accounts/sign_in_code.html", {"form": form})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Your account: who you are, your password and two-factor sign-in."""
    return render(request, "web/accounts/account.html",
                  {"two_factor_on": two_factor.is_on(request.user)})  # fmt: skip


def qr_code(address: str, label: str) -> SafeString:
    """The address as a QR code, an SVG drawn inline (no image library needed), with an
    accessible name."""
    image = qrcode.make(address, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="cw-qr-code" ', 1)
    return mark_safe(svg)


@login_required
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in on (scan the QR code or type the key, then give a code) or
    off (with a current code)."""
    actor, on = Actor(request.user, "form"), two_factor.is_on(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if on:
                two_factor.turn_off(actor, form.cleaned_data["code"])
                messages.success(request, "Two-factor sign-in is off: you sign in with your "
                                 "password alone.")  # fmt: skip
            else:
                key = request.session.get(SETUP_KEY) or ""
                two_factor.turn_on(actor, key, form.cleaned_data["code"])
                request.session.pop(SETUP_KEY, None)
                messages.success(request, "Two-factor sign-in is on: from now on you sign in "
                                 "with your password and a code from the app.")  # fmt: skip
        except ChangeRefused as error:
            form.add_error("code" if error.field == "code" else None, error.message)
        else:
            return redirect("web:account")
    context: dict[str, Any] = {
        "form": form, "on": on, "required": two_factor.required_for(request.user),
    }  # fmt: skip
    if not on:
        key = request.session.get(SETUP_KEY) or two_factor.new_key()
        request.session[SETUP_KEY] = key
        context.update(
            key=two_factor.key_in_words(key),
            qr=qr_code(two_factor.setup_address(request.user, key),
                       "QR code to scan with your authenticator app"),
        )  # fmt: skip
    return render(request, "web/accounts/two_factor.html", context)

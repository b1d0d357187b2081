"""Signing in and out, changing a password and resetting a forgotten one (Django's auth;
failed sign-ins are rate-limited by django-axes). Changing a password ends the API tokens
made with the old one (compactwatch/api)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from compactwatch.compacts.models import Compact

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

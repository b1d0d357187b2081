"""Anyone with an account can change their password, or reset a forgotten one by email."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from service_fixtures import PASSWORD

pytestmark = pytest.mark.django_db
NEW = "another-long-password-7"


def test_a_member_changes_their_password(client, group_member):
    client.force_login(group_member)
    page = client.get("/accounts/password/").content.decode()
    assert "Change your password" in page and 'class="govuk-input' in page
    wrong = client.post("/accounts/password/", {"old_password": "wrong", "new_password1": NEW,
                                                "new_password2": NEW})  # fmt: skip
    assert wrong.status_code == 200 and "govuk-error-summary" in wrong.content.decode()
    done = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW,
                                               "new_password2": NEW}, follow=True)  # fmt: skip
    assert "Your password has been changed" in done.content.decode()
    group_member.refresh_from_db()
    assert group_member.check_password(NEW)


def test_a_forgotten_password_is_reset_through_a_link_sent_by_email(client, group_member):
    group_member.email = "group@example.org"
    group_member.save()
    sent = client.post("/accounts/reset/", {"email": "group@example.org"}, follow=True)
    assert "Check your email" in sent.content.decode()
    assert len(mail.outbox) == 1 and "group" in mail.outbox[0].body
    link = re.search(r"http://testserver(/accounts/reset/\S+/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW},
                       follow=True)  # fmt: skip
    assert "Your password has been changed" in done.content.decode()
    assert get_user_model().objects.get(pk=group_member.pk).check_password(NEW)
    again = client.get(link, follow=True).content.decode()
    assert "This link has expired" in again  # a link works once


def test_nobody_learns_whether_an_email_address_has_an_account(client, group_member):
    answer = client.post("/accounts/reset/", {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in answer.content.decode() and not mail.outbox

"""Two-factor sign-in: turned on with a code from the app (a wrong one refused), asked for
after the password (the session half signed in reaches nothing), turned off with a code,
reset by the site administrator at the command line, and required of officers when the
settings say so. Each change audited."""

from __future__ import annotations

import time
from binascii import unhexlify

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db import connection
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient
from service_fixtures import PASSWORD

from compactwatch.audit.models import AuditEntry
from compactwatch.changes import two_factor
from compactwatch.changes.base import Actor, Invalid, Refused
from compactwatch.cli import main

DATABASES = ["default"] if connection.vendor == "sqlite" else ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DATABASES)
C = "/compacts/cambridgeshire"
OFFICER_PAGE = f"{C}/manage/people/"


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def code(key: str, steps: int = 0) -> str:
    """The app's code for `key`, `steps` time steps (30 seconds each) from now."""
    totp = TOTP(unhexlify(key))
    totp.time = time.time() + 30 * steps
    return f"{totp.token():06d}"


def wrong(key: str) -> str:
    """A 6-digit code that is none of the key's codes a step either side of now."""
    near = {code(key, steps) for steps in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in near)


def unthrottle() -> None:
    """django-otp slows the next try after a wrong code; a test lets that time pass."""
    TOTPDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)


def turned_on(user) -> str:
    """Two-factor sign-in on for `user` through the use case; returns the key."""
    key = two_factor.new_key()
    two_factor.turn_on(Actor(user, "test"), key, code(key))
    return key


def test_turned_on_from_the_account_page_with_a_right_code(client, officer):
    client.force_login(officer)
    account = client.get("/accounts/").content.decode()
    assert "Two-factor sign-in" in account and "Off: you sign in with your password" in account
    page = client.get("/accounts/two-factor/")
    html = page.content.decode()
    # The QR code is inline SVG with an accessible name, and the key is there as text.
    assert '<svg role="img" aria-label="QR code to scan with your authenticator app"' in html
    key = client.session[two_factor_session_key()]
    assert two_factor.key_in_words(key) in html
    assert "<?xml" not in html
    # A wrong code is refused with the field named, and nothing is stored.
    refused = client.post("/accounts/two-factor/", {"code": wrong(key)})
    assert refused.status_code == 200
    assert "The code is not right" in str(refused.context["form"].errors["code"])
    assert not TOTPDevice.objects.exists()
    assert client.post("/accounts/two-factor/", {"code": "12ab"}).status_code == 200
    assert not TOTPDevice.objects.exists()
    # The same key is shown again until it is confirmed.
    assert client.session[two_factor_session_key()] == key
    done = client.post("/accounts/two-factor/", {"code": code(key)})
    assert done.url == "/accounts/"
    assert two_factor.is_on(officer)
    assert (
        "On: you sign in with your password and a code" in client.get("/accounts/").content.decode()
    )
    entry = AuditEntry.objects.get(record_type="user", record_ref="officer")
    assert entry.summary == "turned on two-factor sign-in" and entry.via == "form"
    assert entry.changes["two_factor"] == [False, True]


def two_factor_session_key() -> str:
    from compactwatch.web.views.accounts import SETUP_KEY

    return SETUP_KEY


def test_a_wrong_code_or_a_second_turning_on_is_refused(officer):
    key = two_factor.new_key()
    with pytest.raises(Invalid) as problem:
        two_factor.turn_on(Actor(officer, "test"), key, wrong(key))
    assert problem.value.field == "code"
    # A code of another key is not a code of this one.
    with pytest.raises(Invalid):
        two_factor.turn_on(Actor(officer, "test"), key, code(two_factor.new_key()))
    turned_on(officer)
    with pytest.raises(Invalid):
        two_factor.turn_on(Actor(officer, "test"), key, code(key))
    assert TOTPDevice.objects.count() == 1


def _password(client, username: str = "officer", next_page: str = ""):
    data = {"username": username, "password": PASSWORD}
    return client.post("/accounts/login/" + (f"?next={next_page}" if next_page else ""), data)


def test_signing_in_asks_for_the_code_after_the_password(client, officer):
    key = turned_on(officer)
    first = _password(client, next_page=OFFICER_PAGE)
    assert first.url == "/accounts/login/code/"
    assert "_auth_user_id" not in client.session  # not signed in yet
    page = client.get("/accounts/login/code/").content.decode()
    assert "Enter the code from your authenticator app" in page
    refused = client.post("/accounts/login/code/", {"code": wrong(key)})
    assert refused.status_code == 200 and "The code is not right" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Straight after a wrong code even a right one must wait (django-otp's throttle), and
    # that is not counted as a failure.
    too_soon = client.post("/accounts/login/code/", {"code": code(key, 1)})
    assert "Wait a few seconds" in too_soon.content.decode()
    assert "_auth_user_id" not in client.session
    unthrottle()
    # The code that turned it on is spent: the next one signs in, and goes where asked.
    signed_in = client.post("/accounts/login/code/", {"code": code(key, 1)})
    assert signed_in.url == OFFICER_PAGE
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert client.get(OFFICER_PAGE).status_code == 200


def test_the_half_signed_in_session_reaches_nothing(client, officer):
    turned_on(officer)
    _password(client)
    for path in (OFFICER_PAGE, f"{C}/manage/audit/", "/accounts/", "/accounts/two-factor/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), path
    api = client.get("/api/v1/compacts/cambridgeshire/consultations/")
    assert api.status_code in (200, 401) and "pm-" not in api.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_code_long_after_the_password_is_refused(client, officer, settings):
    key = turned_on(officer)
    _password(client)
    session = client.session
    session["two_factor:pending"]["at"] -= settings.TWO_FACTOR_PENDING_SECONDS + 1
    session.save()
    late = client.post("/accounts/login/code/", {"code": code(key, 1)})
    assert late.url == "/accounts/login/" and "_auth_user_id" not in client.session


def test_wrong_codes_count_toward_the_lockout(client, officer, settings):
    key = turned_on(officer)
    _password(client)
    answers = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        unthrottle()
        answers.append(client.post("/accounts/login/code/", {"code": wrong(key)}).status_code)
    unthrottle()
    assert answers[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert answers[-1] == 429
    # Locked out: even the right code does not sign in now.
    assert client.post("/accounts/login/code/", {"code": code(key, 1)}).status_code == 429
    assert "_auth_user_id" not in client.session


def test_turned_off_with_a_current_code(client, officer):
    key = turned_on(officer)
    client.force_login(officer)
    page = client.get("/accounts/two-factor/").content.decode()
    assert "Turn off two-factor sign-in" in page and "<svg" not in page
    refused = client.post("/accounts/two-factor/", {"code": wrong(key)})
    assert refused.status_code == 200 and two_factor.is_on(officer)
    unthrottle()
    assert client.post("/accounts/two-factor/", {"code": code(key, 1)}).url == "/accounts/"
    assert not two_factor.is_on(officer)
    entry = AuditEntry.objects.filter(record_type="user", record_ref="officer").latest("id")
    assert entry.summary == "turned off two-factor sign-in"
    # Signing in takes the password alone again.
    client.logout()
    assert _password(client).url == "/"


def test_the_site_administrator_resets_it_at_the_command_line(capsys, officer, group_member):
    turned_on(officer)
    officer.email = "officer@example.org"
    officer.save()
    assert main(["users", "reset-two-factor", "OFFICER@example.org"]) == 0
    assert "Two-factor sign-in is off for officer" in capsys.readouterr().out
    assert not two_factor.is_on(officer)
    entry = AuditEntry.objects.filter(record_type="user", record_ref="officer").latest("id")
    assert entry.via == "command line" and entry.username == ""
    assert "site administrator" in entry.summary
    # Again: nothing to do, said so.
    assert main(["users", "reset-two-factor", "officer"]) == 0
    assert "was not on" in capsys.readouterr().out
    assert main(["users", "reset-two-factor", "nobody@example.org"]) == 1
    assert "No account has" in capsys.readouterr().err


def test_only_a_site_administrator_resets_anothers(officer, group_member, site_admin):
    turned_on(officer)
    with pytest.raises(Refused):
        two_factor.reset(Actor(group_member, "test"), officer)
    assert two_factor.is_on(officer)
    assert two_factor.reset(Actor(site_admin, "test"), officer)


def test_required_for_officers_sends_them_to_set_it_up(client, officer, group_member, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_OFFICERS = True
    assert _password(client).url == "/accounts/two-factor/"
    # Nothing else until it is on (signing out still works).
    assert client.get(OFFICER_PAGE).url == "/accounts/two-factor/"
    assert client.get("/api/v1/compacts/cambridgeshire/").status_code == 403
    page = client.get("/accounts/two-factor/").content.decode()
    assert "Officers of the Compact sign in with a code" in page
    key = client.session[two_factor_session_key()]
    assert client.post("/accounts/two-factor/", {"code": code(key)}).status_code == 302
    assert client.get(OFFICER_PAGE).status_code == 200
    # A partner's member is not required to.
    other = type(client)()
    assert _password(other, "group").url == "/"
    assert other.get(f"{C}/records/").status_code == 200


def test_off_by_default_and_an_officer_signs_in_with_the_password(client, officer, settings):
    assert settings.TWO_FACTOR_REQUIRED_FOR_OFFICERS is False
    assert _password(client).url == "/"
    assert client.get(OFFICER_PAGE).status_code == 200


def test_the_admins_own_sign_in_form_is_not_a_way_round(client, site_admin):
    turned_on(site_admin)
    answer = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD})
    assert answer.status_code == 302 and answer.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/login/").url.startswith("/accounts/login/?next=")


def test_officers_see_who_has_it_on(client, officer, council_member):
    turned_on(council_member)
    client.force_login(officer)
    page = client.get(OFFICER_PAGE)
    rows = {row["user"].username: row["two_factor"] for row in page.context["rows"]}
    assert rows["council"] is True and rows["officer"] is False
    assert "Two-factor sign-in" in page.content.decode()


def test_a_deactivated_account_cannot_finish_signing_in(client, officer):
    key = turned_on(officer)
    _password(client)
    get_user_model().objects.filter(pk=officer.pk).update(is_active=False)
    answer = client.post("/accounts/login/code/", {"code": code(key, 1)})
    assert answer.url == "/accounts/login/" and "_auth_user_id" not in client.session


def test_an_api_token_needs_the_code_too(officer):
    """The API's token is a way to sign in: with two-factor sign-in on, the password alone
    gets no token, a wrong code counts as a failed sign-in, and the current code gets one."""
    api = APIClient()
    asked = {"username": officer.username, "password": PASSWORD}
    assert api.post("/api/v1/token/", asked, format="json").status_code == 200  # off: password
    key = turned_on(officer)
    unthrottle()
    missing = api.post("/api/v1/token/", asked, format="json")
    assert missing.status_code == 401
    assert "two-factor sign-in" in missing.json()["errors"][0]["message"]
    refused = api.post("/api/v1/token/", {**asked, "code": wrong(key)}, format="json")
    assert refused.status_code == 401 and "token" not in refused.json()
    assert AccessAttempt.objects.filter(username=officer.username).exists()
    unthrottle()
    granted = api.post("/api/v1/token/", {**asked, "code": code(key, 1)}, format="json")
    assert granted.status_code == 200 and granted.json()["token"]

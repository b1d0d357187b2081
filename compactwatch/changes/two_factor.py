"""Two-factor sign-in: a time-based code from an authenticator app (TOTP, by django-otp)
asked for after the password. A person turns it on for their own account with a code from
the app, turns it off with a current code, and the site administrator turns it off for
someone who has lost their device (`compactwatch users reset-two-factor EMAIL`). Each
change is audited under the account's username.

The key being set up is kept in the session until a code proves the app has it, so a key
never confirmed is never stored and signs nobody in.
"""

from __future__ import annotations

import time
from base64 import b32encode
from binascii import unhexlify
from typing import Any

from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from compactwatch.changes.base import Actor, Invalid, Refused, changing

DEVICE_NAME = "Authenticator app"
TOO_SOON = "Wait a few seconds after a wrong code, then enter the code the app shows then"
WRONG_CODE = "The code is not right: enter the 6-digit code your authenticator app shows now"


def device_of(user: Any) -> TOTPDevice | None:
    """The account's confirmed authenticator, if two-factor sign-in is on."""
    if not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def is_on(user: Any) -> bool:
    return device_of(user) is not None


def required_for(user: Any) -> bool:
    """Whether this account must set up two-factor sign-in before anything else: when the
    settings require it of officers, an officer of any Compact without it."""
    return (
        settings.TWO_FACTOR_REQUIRED_FOR_OFFICERS
        and getattr(user, "is_authenticated", False)
        and user.compacts_run.exists()
        and not is_on(user)
    )


def new_key() -> str:
    """A new secret (40 hex digits, 160 bits, as django-otp makes them)."""
    return str(random_hex(20))


def setup_address(user: Any, key: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return str(TOTPDevice(user=user, key=key, name=DEVICE_NAME).config_url)


def key_in_words(key: str) -> str:
    """The secret as people type it into an app: base32, in groups of four."""
    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _matching_step(key: str, code: str) -> int | None:
    """The time step a code from the app was made in (one step either side allowed for a
    slow clock or a slow typist), or None if it is not a code of this key."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = TOTP(unhexlify(key))
    totp.time = time.time()
    return totp.t() if totp.verify(int(code), tolerance=1) else None


def _audit(actor: Actor, user: Any, on: bool, summary: str) -> None:
    actor.audit("changed", "user", user.get_username(), before={"two_factor": not on},
                after={"two_factor": on}, summary=summary)  # fmt: skip


def turn_on(actor: Actor, key: str, code: str) -> TOTPDevice:
    """Two-factor sign-in on for the actor's own account, once a code from the app shows it
    holds `key`."""
    user = actor.user
    if not getattr(user, "is_authenticated", False):
        raise Refused("Sign in to turn on two-factor sign-in")
    with changing():
        if is_on(user):
            raise Invalid("Two-factor sign-in is on already for your account")
        step = _matching_step(key, code)
        if step is None:
            raise Invalid(WRONG_CODE, "code")
        # The code that confirmed the app is spent: signing in needs a later one.
        device = TOTPDevice.objects.create(user=user, key=key, name=DEVICE_NAME,
                                           confirmed=True, last_t=step)  # fmt: skip
        _audit(actor, user, True, "turned on two-factor sign-in")
    return device


def throttled(user: Any) -> bool:
    """Whether a code is asked for too soon after a wrong one (django-otp doubles the wait
    with each wrong code: 1, 2, 4 ... seconds)."""
    device = device_of(user)
    return device is not None and not device.verify_is_allowed()[0]


def check(user: Any, code: str) -> bool:
    """Whether `code` is a current code of the account's authenticator (a code once used is
    refused, and failures slow further tries: django-otp's throttling)."""
    device = device_of(user)
    code = "".join((code or "").split())
    return device is not None and code.isdigit() and len(code) == 6 and device.verify_token(code)


def turn_off(actor: Actor, code: str) -> None:
    """Two-factor sign-in off for the actor's own account, with a current code."""
    user = actor.user
    if not getattr(user, "is_authenticated", False):
        raise Refused("Sign in to turn off two-factor sign-in")
    if not is_on(user):
        raise Invalid("Two-factor sign-in is not on for your account")
    # Checked outside the change's transaction, so that a wrong code's throttling stays.
    if throttled(user):
        raise Invalid(TOO_SOON, "code")
    if not check(user, code):
        raise Invalid(WRONG_CODE, "code")
    with changing():
        TOTPDevice.objects.filter(user=user).delete()
        _audit(actor, user, False, "turned off two-factor sign-in")


def reset(actor: Actor, user: Any) -> bool:
    """The site administrator turns two-factor sign-in off for someone who lost their
    device; they sign in with their password alone and can set it up again. Returns whether
    it was on."""
    with changing():
        if not actor.is_site_admin():
            raise Refused("Only a site administrator can turn off another's two-factor sign-in")
        if not TOTPDevice.objects.filter(user=user).exists():
            return False
        TOTPDevice.objects.filter(user=user).delete()
        _audit(actor, user, False, "two-factor sign-in turned off by the site administrator "
               "(a lost device)")  # fmt: skip
    return True

"""API tokens that expire, and that die when their user's password changes.

A token works for API_TOKEN_DAYS from when it was made; then the client asks for a new one
with its username and password. Changing a password (on the site, by a reset link, in the
admin or at the command line) deletes the user's tokens, so a token taken with an old
password stops working at once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def expired_before() -> Any:
    return timezone.now() - timedelta(days=settings.API_TOKEN_DAYS)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token.created < expired_before():
            token.delete()
            raise AuthenticationFailed(
                f"The token has expired (tokens work for {settings.API_TOKEN_DAYS} days): get "
                "a new one from /api/v1/token/ with your username and password"
            )
        return user, token


def fresh_token(user: Any) -> Token:
    """The user's token, made anew if the one they had has expired."""
    Token.objects.filter(user=user, created__lt=expired_before()).delete()
    return Token.objects.get_or_create(user=user)[0]


def _end_tokens_when_the_password_changes(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    if stored.first() not in (None, instance.password):
        Token.objects.filter(user_id=instance.pk).delete()


def connect() -> None:
    pre_save.connect(
        _end_tokens_when_the_password_changes,
        sender=get_user_model(),
        dispatch_uid="compactwatch.api.tokens_end_with_the_password",
    )

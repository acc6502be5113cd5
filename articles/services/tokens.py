"""API tokens for scripts: one per user, created, regenerated and revoked here."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from articles.types import User


@transaction.atomic
def token_regenerate(*, user: User) -> Token:
    """A fresh token for the user; the previous one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def token_revoke(*, user: User) -> bool:
    """Delete the user's token; returns whether there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)

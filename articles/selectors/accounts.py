"""Accounts: finding the person an admin means by a username or an e-mail address."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from articles.errors import DomainError
from articles.types import User


def user_find(identifier: str, *, field: str = "user") -> User:
    """The account with this username, else the one account with this e-mail address
    (case-insensitive); a ``DomainError`` on ``field`` when there is none or several."""
    identifier = identifier.strip()
    users = get_user_model().objects
    found = users.filter(username=identifier).first()
    if found is not None:
        return found
    if "@" in identifier:
        matches = list(users.filter(email__iexact=identifier).order_by("pk")[:2])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise DomainError(
                "Several accounts use this e-mail address; give the username instead.",
                field=field,
            )
    raise DomainError(
        f"No account has the username or e-mail address {identifier!r}; an admin can "
        "create one below.",
        field=field,
    )


def email_taken(email: str) -> bool:
    return bool(email) and get_user_model().objects.filter(email__iexact=email).exists()

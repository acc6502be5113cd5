"""Accounts a project admin creates for a newcomer, with a one-time password or an
invitation link to choose their own.

An invitation is a signed token of Django's password-reset kind with its own salt (a reset
link is not an invitation, nor the reverse). It stops working once used: the token covers
the password hash and the last login, and choosing a password changes both.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import IntegrityError, transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from articles.access import require_role
from articles.errors import Duplicate
from articles.models import Membership, Project, Role
from articles.selectors.accounts import email_taken
from articles.types import User


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "articles.services.accounts.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()


@dataclass(frozen=True)
class NewAccount:
    user: User
    password: str | None  # the one-time password, when one was made; shown once, never stored


@transaction.atomic
def account_create(
    *,
    project: Project,
    actor: User,
    username: str,
    email: str = "",
    role: Role | str = Role.EDITOR,
    with_password: bool,
) -> NewAccount:
    """A new account that is a member of ``project`` with ``role``.

    ``with_password``: the account gets a random one-time password, returned once (the
    admin passes it on); otherwise it has no usable password until its owner follows the
    invitation link (``invitation_path``). Preconditions: ``actor`` is an admin of the
    project (checked here).
    """
    require_role(actor, project, Role.ADMIN, "add members")
    users = get_user_model().objects
    if users.filter(username=username).exists():
        raise Duplicate("This username is taken.", field="username")
    if email_taken(email):
        raise Duplicate(
            "Another account uses this e-mail address: add it as a member instead.",
            field="email",
        )
    user = get_user_model()(username=username, email=email)
    password = secrets.token_urlsafe(12) if with_password else None
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Duplicate("This username is taken.", field="username") from None
    Membership.objects.create(project=project, user=user, role=Role(role))
    return NewAccount(user=user, password=password)


def invitation_path(user: User) -> tuple[str, str]:
    """The ``(uidb64, token)`` pair of the user's invitation link."""
    return urlsafe_base64_encode(force_bytes(user.pk)), invitation_tokens.make_token(user)

"""Print a new API token for a user (replacing any previous one); only the token is printed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.services.tokens import token_regenerate


class Command(BaseCommand):
    help = (
        "Create (or replace) USERNAME's API token and print it. Scripts send it as "
        "'Authorization: Token <token>'."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive.")
        self.stdout.write(token_regenerate(user=user).key)

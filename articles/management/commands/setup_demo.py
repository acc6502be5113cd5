"""Create the demo accounts, the demo project and its sample article (idempotent).

Two accounts, so that a newcomer signs in to the editor's view: ``editor``, a plain editor of
the demo project (not staff, not a superuser), and a separate ``admin`` (a superuser, for
projects, members, labels and the Django admin) whose password is made at random and printed
once, when the account is created.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from articles import queue
from articles.errors import Duplicate
from articles.models import Project, Role
from articles.services import article_create, membership_set, project_create

SAMPLE = Path(__file__).resolve().parents[2] / "demo" / "sample_article.md"
DEMO_PROJECT = "Demo: opinion columns"


class Command(BaseCommand):
    help = (
        "Create a demo editor, a demo admin and a project with the sample opinion article; "
        "prints their usernames and passwords."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default="editor", help="The demo editor.")
        parser.add_argument("--password", default="annotate-demo")
        parser.add_argument("--admin-username", default="admin", help="The demo admin.")
        parser.add_argument(
            "--admin-password", default=None, help="Default: made at random when created."
        )

    def handle(
        self,
        *args: Any,
        username: str,
        password: str,
        admin_username: str,
        admin_password: str | None,
        **options: Any,
    ) -> None:
        with transaction.atomic():
            lines = self._setup(username, password, admin_username, admin_password)
        for line in lines:
            self.stdout.write(self.style.SUCCESS(line))

    def _setup(
        self, username: str, password: str, admin_username: str, admin_password: str | None
    ) -> list[str]:
        users = get_user_model().objects
        editor, editor_created = users.get_or_create(username=username)
        if editor_created:
            editor.set_password(password)
        # Earlier versions made the demo editor a superuser; it sees what an editor sees.
        demoted = editor.is_superuser or editor.is_staff
        editor.is_superuser = editor.is_staff = False
        editor.save()

        admin, admin_created = users.get_or_create(
            username=admin_username, defaults={"is_staff": True, "is_superuser": True}
        )
        if admin_created:
            admin_password = admin_password or secrets.token_urlsafe(9)
            admin.set_password(admin_password)
            admin.save()

        project = Project.objects.filter(name=DEMO_PROJECT).first()
        if project is None:
            project = project_create(
                name=DEMO_PROJECT,
                created_by=admin,
                description="A sample column to try the editor with.",
            )
        membership_set(project=project, user=admin, role=Role.ADMIN)
        membership_set(project=project, user=editor, role=Role.EDITOR)
        title, _, body = SAMPLE.read_text(encoding="utf-8").partition("\n")
        try:
            article = article_create(
                project=project, title=title, text=body, author="Demo columnist"
            )
            queue.enqueue_pretag([article.pk])  # queued when this transaction commits
        except Duplicate:
            pass

        editor_line = (
            f"Demo editor: username '{username}', password '{password}'"
            if editor_created
            else f"Demo editor: username '{username}'"
        )
        if demoted:
            editor_line += " (was a superuser: now a plain editor)"
        admin_line = (
            f"Demo admin: username '{admin_username}', password '{admin_password}'"
            if admin_created
            else f"Demo admin: username '{admin_username}' (its password was printed when it "
            f"was created; `manage.py changepassword {admin_username}` sets a new one)"
        )
        return [
            f"{editor_line} — sign in as this one to annotate.",
            f"{admin_line} — a superuser: projects, members, labels, the Django admin.",
        ]

"""Create the demo editor, the demo project and its sample article (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from articles import queue
from articles.errors import Duplicate
from articles.models import Project
from articles.services import article_create, membership_set, project_create

SAMPLE = Path(__file__).resolve().parents[2] / "demo" / "sample_article.md"
DEMO_PROJECT = "Demo: opinion columns"


class Command(BaseCommand):
    help = "Create a demo editor account and a project with the sample opinion article."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default="editor")
        parser.add_argument("--password", default="annotate-demo")

    @transaction.atomic
    def handle(self, *args: Any, username: str, password: str, **options: Any) -> None:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(password)
            user.save()
        project = Project.objects.filter(name=DEMO_PROJECT).first()
        if project is None:
            project = project_create(
                name=DEMO_PROJECT,
                created_by=user,
                description="A sample column to try the editor with.",
            )
        membership_set(project=project, user=user, role="admin")
        title, _, body = SAMPLE.read_text(encoding="utf-8").partition("\n")
        try:
            article = article_create(
                project=project, title=title, text=body, author="Demo columnist"
            )
            queue.enqueue_pretag([article.pk])  # queued when this transaction commits
        except Duplicate:
            pass
        credentials = f"username '{username}', password '{password}'" if created else username
        self.stdout.write(self.style.SUCCESS(f"Demo editor: {credentials}"))

"""Queue pre-tagging that was lost: pending articles and long-running ones."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from kombu.exceptions import OperationalError as BrokerError

from articles.models import Project
from articles.services.pretag import pretag_sweep


class Command(BaseCommand):
    help = (
        "Queue articles whose pre-tag is pending, or running for longer than "
        "PRETAG_STALE_SECONDS, as a worker does when it starts."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--project", help="Only this project (by name).")
        parser.add_argument(
            "--stale-seconds",
            type=int,
            default=None,
            help="Treat runs older than this as lost (default PRETAG_STALE_SECONDS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        project = None
        if options["project"]:
            try:
                project = Project.objects.get(name=options["project"])
            except Project.DoesNotExist:
                raise CommandError(f"No project named {options['project']!r}.") from None
        if options["stale_seconds"] is not None and options["stale_seconds"] < 0:
            raise CommandError("--stale-seconds must be 0 or more.")
        try:
            articles, tasks = pretag_sweep(project=project, stale_seconds=options["stale_seconds"])
        except BrokerError as error:
            raise CommandError(f"The broker is unreachable: {error}") from None
        self.stdout.write(f"Queued {articles} article(s) in {tasks} task(s).")

"""Send lost background work by hand: what the periodic sweep and a starting worker do."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from articles import queue
from articles.models import Project
from articles.services.sweep import sweep


class Command(BaseCommand):
    help = (
        "Send again the pre-tags and snapshot builds nobody is doing: never sent (the broker "
        "was down), sent RESEND_AFTER_SECONDS ago and not started, or running with no "
        "heartbeat for HEARTBEAT_TIMEOUT_SECONDS (the worker died). The periodic sweep "
        "(Celery beat) does the same every SWEEP_INTERVAL_SECONDS."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--project", help="Only this project (by name).")
        parser.add_argument(
            "--stale-seconds",
            type=int,
            default=None,
            help="Take running work with no heartbeat for this long as lost "
            "(default HEARTBEAT_TIMEOUT_SECONDS; 0 when every worker is known to be down).",
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
            swept = sweep(project=project, dead_after=options["stale_seconds"])
        except queue.BROKER_ERRORS as error:
            raise CommandError(
                f"The broker is unreachable ({error}); the work left is marked unsent and "
                "the sweep sends it once the broker is back."
            ) from None
        self.stdout.write(str(swept))

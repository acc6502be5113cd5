"""Backfill the vectors of claim spans that have none (of the current encoder)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles import embeddings
from articles.models import Project
from articles.services.embeddings import claims_without_embedding, spans_embed


class Command(BaseCommand):
    help = (
        "Embed every claim span without a vector of the current encoder, in this process, "
        "in batches (the embeddings extra must be installed). New claims are embedded by the "
        "Celery worker; this is for spans from before the extra, or a new encoder version."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--project", help="Only this project (by name).")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help="Spans per batch (default EMBED_BATCH_SIZE).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not embeddings.available():
            raise CommandError(
                "The embeddings extra is not installed (pip install torch==2.13.0, then "
                "pip install -e '.[embeddings]'); similar claims stay lexical."
            )
        size = options["batch_size"] or settings.EMBED_BATCH_SIZE
        if size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        project = None
        if options["project"]:
            try:
                project = Project.objects.get(name=options["project"])
            except Project.DoesNotExist:
                raise CommandError(f"No project named {options['project']!r}.") from None
        ids = list(claims_without_embedding(project=project).values_list("pk", flat=True))
        started = time.monotonic()
        written = 0
        for done in range(0, len(ids), size):
            written += spans_embed(span_ids=ids[done : done + size])
            self.stdout.write(f"{min(done + size, len(ids))}/{len(ids)} claim spans")
        self.stdout.write(
            f"Embedded {written} claim span(s) of {len(ids)} with {embeddings.model_id()} "
            f"in {time.monotonic() - started:.1f} s."
        )

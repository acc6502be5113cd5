"""Import article files into a project (created when missing), with a progress bar."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.errors import DomainError
from articles.importing import SUPPORTED_EXTENSIONS, Record, read_upload
from articles.models import Project
from articles.services import articles_import, articles_import_unchecked, project_create
from articles.services.imports import SPANS_AS, import_check_size


class Progress:
    """A one-line progress bar on stderr: records read, rate, elapsed time."""

    def __init__(self, stream: Any = sys.stderr, every: int = 100) -> None:
        self.stream, self.every, self.count, self.started = stream, every, 0, time.monotonic()

    def wrap(self, records: Iterable[Record], total: int | None) -> Iterator[Record]:
        for record in records:
            self.count += 1
            if self.count % self.every == 0:
                self.draw(total)
            yield record
        self.draw(total)

    def draw(self, total: int | None) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        if total:
            done = min(self.count / total, 1.0)
            bar = "#" * int(done * 30)
            head = f"[{bar:<30}] {self.count}/{total}"
        else:
            head = f"{self.count} read"
        self.stream.write(f"\r{head}  {self.count / elapsed:,.0f}/s  {elapsed:.1f}s")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")


def _files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*")) if p.suffix.lower() in SUPPORTED_EXTENSIONS
            )
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(f"{raw}: no such file or directory.")
    return found


class Command(BaseCommand):
    help = "Import articles from JSONL, CSV, TXT, MD, HTML or ZIP files (or folders of them)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--project", required=True, help="Project name; created if missing.")
        parser.add_argument("--user", help="Username recorded as importer (and human layer).")
        parser.add_argument("--spans-as", choices=SPANS_AS, default="machine")
        parser.add_argument("--no-pretag", action="store_true", help="Do not queue pre-tagging.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.")
        project = Project.objects.filter(name=options["project"]).first()
        if project is None:
            project = project_create(name=options["project"], created_by=user)
            self.stdout.write(f"Created project {project.name!r} (id {project.pk}).")
        files = _files(options["paths"])
        if not files:
            raise CommandError("No importable files found.")
        progress = Progress(self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr)

        def records() -> Iterator[Record]:
            for path in files:
                data = path.read_bytes()
                import_check_size(size=len(data), name=str(path))
                yield from read_upload(str(path), data)

        arguments: dict[str, Any] = {
            "project": project,
            "records": progress.wrap(records(), None),
            "source": ", ".join(str(p) for p in files)[:500],
            "spans_as": options["spans_as"],
            "pretag": not options["no_pretag"],
        }
        try:
            if user is None:
                # The operator at the shell acts for nobody: no role to check.
                job = articles_import_unchecked(importer=None, **arguments)
            else:
                job = articles_import(actor=user, **arguments)
        except DomainError as error:
            progress.close()
            raise CommandError(f"Import failed, nothing was written: {error.message}") from None
        progress.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Import {job.pk}: {job.created_count} created, {job.duplicate_count} duplicates "
                f"skipped, {job.total} read."
            )
        )
        for duplicate in job.duplicates[:20]:
            other = duplicate.get("article") or duplicate.get("duplicate_of")
            self.stdout.write(f"  duplicate: {duplicate['where']} (same text as {other})")

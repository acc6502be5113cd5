"""Throughput of the tagger, of bulk import, and of import → tagged through a Celery worker.

Takes the article text from a file (e.g. a real column), makes numbered variants so dedupe
does not trip, and works in a throw-away project that is deleted afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles.importing import Record
from articles.models import Article, Project
from articles.services import articles_import, project_create
from articles.tagging import get_tagger


def _variants(body: str, count: int) -> list[str]:
    # The numbered sentence goes last so offsets of the body stay as in the file.
    return [f"{body}\nThis is benchmark variant number {i}." for i in range(count)]


def _with_spans(text: str, suggestions: list[Any], per_article: int) -> list[dict[str, Any]]:
    return [s.as_span(text) for s in suggestions[:per_article]]


class Command(BaseCommand):
    help = "Print tagger, import and end-to-end (import → tagged by a Celery worker) throughput."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--articles", type=int, default=1000)
        parser.add_argument(
            "--text", type=Path, required=True, help="UTF-8 file: title line, body."
        )
        parser.add_argument("--spans", type=int, default=25, help="Spans per article on import.")
        parser.add_argument("--tagger", default=None)
        parser.add_argument(
            "--concurrency", type=int, default=os.cpu_count() or 2, help="Worker processes."
        )
        parser.add_argument("--skip-worker", action="store_true", help="Only tagger and import.")
        parser.add_argument("--timeout", type=float, default=600.0)

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["text"].is_file():
            raise CommandError(f"{options['text']}: no such file.")
        raw = options["text"].read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        title, _, body = raw.partition("\n")
        body = body.strip("\n") or title
        count = options["articles"]
        tagger = get_tagger(options["tagger"] or settings.DEFAULT_TAGGER)
        texts = _variants(body, count)
        vendor = connection.vendor
        self.stdout.write(
            f"Text: {options['text']} ({len(body)} characters); {count} articles; "
            f"database {vendor}; broker {settings.CELERY_BROKER_URL.split('://')[0]}"
        )

        # 1. Tagger only, one process.
        started, cpu = time.perf_counter(), time.process_time()
        tagged = [tagger.tag(text) for text in texts]
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        # CPU time gives the per-core rate even when other processes share the machine.
        self.stdout.write(
            f"tagger {tagger.name}@{tagger.version}: {count / elapsed:,.0f} articles/s wall, "
            f"{count / cpu:,.0f} articles/s per core of CPU time ({elapsed:.2f} s for {count}, "
            "single process)"
        )

        # 2. Import with spans (the JSONL export shape), no tagging.
        project = project_create(name=f"benchmark-{time.time_ns()}", created_by=None)
        try:
            lines = [
                json.dumps(
                    {
                        "title": f"{title} #{i}",
                        "text": text,
                        "meta": {"benchmark": i},
                        "spans": _with_spans(text, tagged[i], options["spans"]),
                    }
                )
                for i, text in enumerate(texts)
            ]
            span_total = sum(min(len(t), options["spans"]) for t in tagged)
            records = [
                Record(
                    where=f"line {i + 1}",
                    text=item["text"],
                    title=item["title"],
                    meta=item["meta"],
                    spans=item["spans"],
                )
                for i, item in enumerate(json.loads(line) for line in lines)
            ]
            started = time.perf_counter()
            job = articles_import(
                project=project, records=records, user=None, source="benchmark", pretag=False
            )
            elapsed = time.perf_counter() - started
            self.stdout.write(
                f"import with spans: {elapsed:.2f} s for {job.created_count} articles and "
                f"{span_total} spans ({job.created_count / elapsed:,.0f} articles/s)"
            )
            Article.objects.filter(project=project).delete()

            if options["skip_worker"]:
                return
            self._end_to_end(project, title, texts, options)
        finally:
            Article.objects.filter(project=project).delete()
            Project.objects.filter(pk=project.pk).delete()

    def _end_to_end(
        self, project: Project, title: str, texts: list[str], options: dict[str, Any]
    ) -> None:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "annotator",
                "worker",
                "--loglevel=WARNING",
                f"--concurrency={options['concurrency']}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env={**os.environ},
        )
        try:
            time.sleep(3)  # let the worker connect before the clock starts
            records = [
                Record(where=f"line {i + 1}", text=t, title=title) for i, t in enumerate(texts)
            ]
            started = time.perf_counter()
            job = articles_import(project=project, records=records, user=None, source="benchmark")
            imported = time.perf_counter() - started
            articles = Article.objects.filter(import_job=job)
            deadline = time.monotonic() + options["timeout"]
            while articles.exclude(pretag_state__in=["done", "failed"]).exists():
                if time.monotonic() > deadline or worker.poll() is not None:
                    raise CommandError("The worker did not tag every article in time.")
                time.sleep(0.1)
            elapsed = time.perf_counter() - started
            failed = articles.filter(pretag_state="failed").count()
            self.stdout.write(
                f"end to end (import → tagged by a Celery worker, concurrency "
                f"{options['concurrency']}): {elapsed:.2f} s for {len(texts)} articles "
                f"({len(texts) / elapsed:,.0f} articles/s; import {imported:.2f} s; "
                f"{failed} failed)"
            )
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()

"""Throughput of the tagger, of bulk import, and of import → tagged through a Celery worker.

Takes the article text from a file (e.g. a real column), makes numbered variants so dedupe
does not trip, and works in a throw-away project that is deleted afterwards. Coupling to the
app: ``get_tagger``, ``articles_import`` with its ``Record``, and the articles' pre-tag state.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from articles.importing import Record
from articles.models import Article, Project
from articles.services import articles_import_unchecked
from articles.tagging import get_tagger
from articles.tagging.rescoring import rescored_from_file
from benchmarks import seeding
from benchmarks.cli import Output
from benchmarks.errors import BenchmarkError
from benchmarks.timing import stopwatch
from benchmarks.worker import celery_worker


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--text", type=Path, required=True, help="UTF-8 file: title line, body.")
    parser.add_argument("--spans", type=int, default=25, help="Spans per article on import.")
    parser.add_argument("--tagger", default=None)
    parser.add_argument(
        "--rescorer",
        type=Path,
        default=None,
        help="A re-scorer's numbers (simulate_editor --save-model): time the rules with it.",
    )
    parser.add_argument(
        "--concurrency", type=int, default=os.cpu_count() or 2, help="Worker processes."
    )
    parser.add_argument("--skip-worker", action="store_true", help="Only tagger and import.")
    parser.add_argument("--timeout", type=float, default=600.0)


def _variants(body: str, count: int) -> list[str]:
    # The numbered sentence goes last so offsets of the body stay as in the file.
    return [f"{body}\nThis is benchmark variant number {i}." for i in range(count)]


def run(options: argparse.Namespace, out: Output) -> None:
    if not options.text.is_file():
        raise BenchmarkError(f"{options.text}: no such file.")
    if options.articles < 1:
        raise BenchmarkError("--articles must be positive.")
    raw = options.text.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    title, _, body = raw.partition("\n")
    body = body.strip("\n") or title
    count = options.articles
    tagger = get_tagger(options.tagger or settings.DEFAULT_TAGGER)
    if options.rescorer is not None:
        try:
            tagger = rescored_from_file(options.rescorer)
        except ValueError as error:
            raise BenchmarkError(str(error)) from None
    texts = _variants(body, count)
    out(
        f"Text: {options.text} ({len(body)} characters); {count} articles; "
        f"database {connection.vendor}; broker {settings.CELERY_BROKER_URL.split('://')[0]}"
    )

    # 1. Tagger only, one process. CPU time gives the per-core rate even when other
    # processes share the machine.
    with stopwatch() as watch:
        tagged = [tagger.tag(text) for text in texts]
    out(
        f"tagger {tagger.name}@{tagger.version}: {count / watch.wall:,.0f} articles/s wall, "
        f"{count / watch.cpu:,.0f} articles/s per core of CPU time ({watch.wall:.2f} s for "
        f"{count}, single process)"
    )

    with seeding.scratch() as made:
        project = made.project("pretag")
        # 2. Import with spans (the JSONL export's shape, through JSON and back), no tagging.
        lines = [
            json.dumps(
                {
                    "title": f"{title} #{i}",
                    "text": text,
                    "meta": {"benchmark": i},
                    "spans": [s.as_span(text) for s in tagged[i][: options.spans]],
                }
            )
            for i, text in enumerate(texts)
        ]
        span_total = sum(min(len(t), options.spans) for t in tagged)
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
        with stopwatch() as watch:
            job = articles_import_unchecked(
                project=project, records=records, importer=None, source="benchmark", pretag=False
            )
        out(
            f"import with spans: {watch.wall:.2f} s for {job.created_count} articles and "
            f"{span_total} spans ({job.created_count / watch.wall:,.0f} articles/s)"
        )
        made.remove(project)
        if not options.skip_worker:
            _end_to_end(made.project("pretag"), title, texts, options, out)


def _end_to_end(
    project: Project, title: str, texts: list[str], options: argparse.Namespace, out: Output
) -> None:
    """Import without spans and wait until a real worker has tagged every article."""
    with celery_worker(options.concurrency) as worker:
        records = [Record(where=f"line {i + 1}", text=t, title=title) for i, t in enumerate(texts)]
        started = time.perf_counter()
        job = articles_import_unchecked(
            project=project, records=records, importer=None, source="benchmark"
        )
        imported = time.perf_counter() - started
        articles = Article.objects.filter(import_job=job)
        deadline = time.monotonic() + options.timeout
        while articles.exclude(pretag_state__in=["done", "failed"]).exists():
            if time.monotonic() > deadline or worker.poll() is not None:
                raise BenchmarkError("The worker did not tag every article in time.")
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
    failed = articles.filter(pretag_state="failed").count()
    out(
        f"end to end (import → tagged by a Celery worker, concurrency "
        f"{options.concurrency}): {elapsed:.2f} s for {len(texts)} articles "
        f"({len(texts) / elapsed:,.0f} articles/s; import {imported:.2f} s; "
        f"{failed} failed)"
    )

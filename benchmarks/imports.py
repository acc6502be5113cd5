"""Imports as background jobs (issue 14): the database work of a large import against
PostgreSQL ``COPY`` of the same rows, and the memory of the web and worker processes.

1. A JSON Lines file of ``--articles`` articles of about ``--chars`` characters with
   ``--spans`` machine spans each is written to a temporary file (never held in memory).
2. In this process: the file is stored and ``import_job_run`` runs it; the check pass and
   the write pass (one transaction) are timed apart.
3. The same rows again, by COPY alone: the job's article and span rows are copied out to
   files, deleted, and copied back in one transaction that is rolled back; only the two
   ``COPY FROM`` are timed. The ratio is write pass / COPY.
4. Unless ``--skip-processes``: the file is sent again as a raw body to gunicorn (one
   worker) and imported by a Celery worker (one process), both started here; the peak
   resident memory (VmHWM) of each process and their memory at rest afterwards are read
   from /proc.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from articles.models import Article, ImportJob, Span
from articles.services import import_jobs
from articles.services.import_jobs import import_job_run, import_store
from benchmarks import seeding
from benchmarks.cli import Output
from benchmarks.errors import BenchmarkError
from benchmarks.worker import celery_worker, database_url

LABELS = ("claim", "quote", "speculation")


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--spans", type=int, default=25, help="Machine spans per article.")
    parser.add_argument("--chars", type=int, default=7_000, help="Characters per article.")
    parser.add_argument(
        "--skip-processes", action="store_true", help="Only the in-process import and COPY."
    )
    parser.add_argument(
        "--skip-in-process", action="store_true", help="Only the web and worker processes."
    )
    parser.add_argument("--timeout", type=float, default=1800.0)


def write_file(path: Path, count: int, chars: int, spans: int) -> int:
    """The JSONL file, line by line; returns its size in bytes."""
    rng = random.Random(14)
    bodies = [seeding.random_text(rng, chars) for _ in range(20)]
    ranges = [seeding.word_ranges(body, spans) for body in bodies]
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            body = bodies[i % len(bodies)]
            text = f"{body}\nThis is benchmark article number {i}."
            record = {
                "title": f"Benchmark article {i}",
                "text": text,
                "meta": {"benchmark": i},
                "spans": [
                    {"start": start, "end": end, "label": LABELS[n % 3], "confidence": 0.8}
                    for n, (start, end) in enumerate(ranges[i % len(bodies)])
                ],
            }
            out.write(json.dumps(record) + "\n")
    return path.stat().st_size


@contextmanager
def timed_calls(module: Any, name: str, into: dict[str, float]) -> Iterator[None]:
    """Time each call of ``module.name`` into ``into[name]`` (benchmark-only wrapping)."""
    real: Callable[..., Any] = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            into[name] = into.get(name, 0.0) + time.perf_counter() - started

    setattr(module, name, wrapper)
    try:
        yield
    finally:
        setattr(module, name, real)


def copy_same_rows(job: ImportJob, workdir: Path) -> tuple[float, int, int]:
    """Seconds of COPY FROM for the job's article and span rows (rolled back)."""
    tables = [
        (Article._meta.db_table, f"import_job_id = {int(job.pk)}"),
        (
            Span._meta.db_table,
            f"article_id IN (SELECT id FROM {Article._meta.db_table} "
            f"WHERE import_job_id = {int(job.pk)})",
        ),
    ]
    files = []
    columns: dict[str, str] = {}
    with connection.cursor() as cursor:
        for table, where in tables:
            columns[table] = _stored_columns(cursor, table)
            path = workdir / f"{table}.copy"
            query = f"COPY (SELECT {columns[table]} FROM {table} WHERE {where}) TO STDOUT"
            with path.open("wb") as out, cursor.cursor.copy(query) as copy:
                for chunk in copy:
                    out.write(chunk)
            files.append(path)
    seconds = 0.0
    with transaction.atomic(), connection.cursor() as cursor:
        # The foreign keys are deferred to commit, which a rolled-back run never reaches:
        # checked at once, COPY pays for them as the import does.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"DELETE FROM {tables[1][0]} WHERE {tables[1][1]}")
        spans = cursor.rowcount
        cursor.execute(f"DELETE FROM {tables[0][0]} WHERE {tables[0][1]}")
        articles = cursor.rowcount
        for (table, _), path in zip(tables, files, strict=True):
            started = time.perf_counter()
            query = f"COPY {table} ({columns[table]}) FROM STDIN"
            with path.open("rb") as data, cursor.cursor.copy(query) as copy:
                while chunk := data.read(1 << 20):
                    copy.write(chunk)
            seconds += time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, articles, spans


def _stored_columns(cursor: Any, table: str) -> str:
    """The table's columns less the generated ones (the spans' ``search_vector``): COPY FROM
    refuses values for those, and PostgreSQL computes them again, as it does for the import."""
    cursor.execute(
        "SELECT quote_ident(column_name) FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s AND is_generated = 'NEVER' "
        "ORDER BY ordinal_position",
        [table],
    )
    return ", ".join(name for (name,) in cursor.fetchall())


def run(options: argparse.Namespace, out: Output) -> None:
    if connection.vendor != "postgresql":
        raise BenchmarkError("the import benchmark compares with PostgreSQL COPY: use PostgreSQL.")
    if options.articles < 1:
        raise BenchmarkError("--articles must be positive.")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        workdir = Path(tmp)
        source = workdir / "bench.jsonl"
        started = time.perf_counter()
        size = write_file(source, options.articles, options.chars, options.spans)
        out(
            f"File: {options.articles} articles of ~{options.chars} characters, "
            f"{options.spans} spans each: {size / 1e6:,.1f} MB "
            f"(written in {time.perf_counter() - started:.1f} s); load average {_load()}"
        )
        limits = {"IMPORT_MAX_UPLOAD_BYTES": max(settings.IMPORT_MAX_UPLOAD_BYTES, size + 1)}
        limits["IMPORT_MAX_ARTICLES"] = max(settings.IMPORT_MAX_ARTICLES, options.articles)
        for name, value in limits.items():
            setattr(settings, name, value)
        with seeding.scratch() as made:
            admin = made.user()
            project = made.project("import", admin=admin)
            if not options.skip_in_process:
                _in_process(project, admin, source, workdir, out)
            made.remove(project)
            if not options.skip_processes:
                project = made.project("import-processes", admin=admin)
                _processes(project, admin, source, size, limits, options, out)


def _in_process(project: Any, admin: Any, source: Path, workdir: Path, out: Output) -> None:
    times: dict[str, float] = {}
    with source.open("rb") as body:
        job = import_store(
            project=project, actor=admin.user, name="bench.jsonl", content=body, pretag=False
        )
    started = time.perf_counter()
    with (
        timed_calls(import_jobs, "records_validate", times),
        timed_calls(import_jobs, "_import_into", times),
    ):
        job = import_job_run(job_id=job.pk)
    total = time.perf_counter() - started
    if job.state != "done":
        raise BenchmarkError(f"the import failed: {job.error}")
    spans = Span.objects.filter(article__import_job=job).count()
    write = times["_import_into"]
    out(
        f"import job (in process): {total:.2f} s for {job.created_count} articles and "
        f"{spans} spans: check pass {times['records_validate']:.2f} s, write pass (one "
        f"transaction) {write:.2f} s; peak RSS of this process {_mib(_kib(os.getpid(), 'VmHWM'))}"
        f"; load average {_load()}"
    )
    copy, articles, copied_spans = copy_same_rows(job, workdir)
    out(
        f"COPY of the same rows ({articles} articles, {copied_spans} spans): {copy:.2f} s; "
        f"write pass / COPY = {write / copy:.2f}x, whole job / COPY = {total / copy:.2f}x"
    )


def _kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _smaps_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _family(pid: int) -> list[int]:
    return [pid, *_children(pid)]


def _mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def _processes(
    project: Any,
    admin: Any,
    source: Path,
    size: int,
    limits: dict[str, int],
    options: argparse.Namespace,
    out: Output,
) -> None:
    token = Token.objects.create(user=admin.user)
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        **{name: str(value) for name, value in limits.items()},
    }
    web = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "annotator.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "600",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    os.environ.update({name: str(value) for name, value in limits.items()})
    try:
        _wait_for_port(port, 60)
        with celery_worker(1) as worker:
            # A small import first: the web worker loads the app on its first request and
            # the Celery pool process on its first task; the figures are about the import.
            warm = _post(port, token.key, project.pk, None, 0)
            _wait_done(warm["id"], options.timeout)
            families = {"web": _family(web.pid), "worker": _family(worker.pid)}
            for pid in families["web"] + families["worker"]:
                _reset_peak(pid)
            out(
                "RSS after a first small import (app loaded): "
                + "; ".join(
                    f"{name} " + ", ".join(_mib(_kib(p, "VmRSS")) for p in pids)
                    for name, pids in families.items()
                )
            )
            started = time.perf_counter()
            answer = _post(port, token.key, project.pk, source, size)
            posted = time.perf_counter() - started
            job_id = answer["id"]
            _wait_done(job_id, options.timeout)
            wall = time.perf_counter() - started
            job = ImportJob.objects.get(pk=job_id)
            if job.state != "done":
                raise BenchmarkError(f"the import failed: {job.error}")
            out(
                f"over HTTP + Celery worker: upload answered 202 in {posted:.2f} s, "
                f"{job.created_count} articles imported {wall:.2f} s after the upload began"
            )
            web_pids, worker_pids = _family(web.pid), _family(worker.pid)
            peaks = {pid: _kib(pid, "VmHWM") for pid in web_pids + worker_pids}
            out(
                "peak RSS: web "
                + ", ".join(f"{_mib(peaks[p])} (pid {p})" for p in web_pids)
                + "; worker "
                + ", ".join(f"{_mib(peaks[p])} (pid {p})" for p in worker_pids)
            )
            time.sleep(2)
            # Read again: the pool may have replaced a process that grew past
            # worker_max_memory_per_child (annotator/celery.py) once its task was done.
            web_pids, worker_pids = _family(web.pid), _family(worker.pid)
            rest = sum(_kib(pid, "VmRSS") for pid in web_pids + worker_pids)
            shared = sum(_smaps_kib(pid, "Pss") for pid in web_pids + worker_pids)
            out(
                "RSS at rest after the import: "
                + "; ".join(
                    f"{name} " + ", ".join(f"{_mib(_kib(p, 'VmRSS'))} (pid {p})" for p in pids)
                    for name, pids in (("web", web_pids), ("worker", worker_pids))
                )
            )
            out(
                f"web + worker at rest: RSS {_mib(rest)}, PSS {_mib(shared)} "
                f"({len(web_pids)} web and {len(worker_pids)} worker processes; PSS counts "
                f"a page shared by n processes 1/n in each); load average {_load()}"
            )
    finally:
        web.terminate()
        web.wait(timeout=30)


def _wait_done(job_id: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while ImportJob.objects.get(pk=job_id).state in ("pending", "running"):
        if time.monotonic() > deadline:
            raise BenchmarkError("the worker did not finish the import in time")
        time.sleep(0.2)


def _reset_peak(pid: int) -> None:
    """Start VmHWM afresh (Linux: writing 5 to clear_refs resets the peak RSS)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError as error:
        raise BenchmarkError(f"cannot reset the peak RSS of {pid}: {error}") from None


def _post(port: int, token: str, project_id: int, source: Path | None, size: int) -> dict[str, Any]:
    """POST a file (or, without one, a one-line warm-up body) as raw JSON Lines."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600, blocksize=1 << 20)
    warm_up = b'{"text": "A first small import warms the processes up."}'
    with contextlib.ExitStack() as stack:
        body: Any = warm_up if source is None else stack.enter_context(source.open("rb"))
        size = len(warm_up) if source is None else size
        conn.request(
            "POST",
            f"/api/projects/{project_id}/imports/?name=bench.jsonl&pretag=false",
            body=body,
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": "application/x-ndjson",
                "Content-Length": str(size),
            },
        )
    response = conn.getresponse()
    payload = response.read()
    if response.status != 202:
        raise BenchmarkError(f"upload answered {response.status}: {payload[:300]!r}")
    return dict(json.loads(payload))


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, timeout: float) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise BenchmarkError("gunicorn did not start")

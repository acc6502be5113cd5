"""Calls: the editor's hot calls one at a time, in-process and over HTTP, before and after.

Issue 14's aims: one decision in at most 10 ms median in the server, flat from 1,000 to
100,000 articles, and one article read faster than doccano's 27 ms. Seeds a throw-away
project (``--articles`` accepted articles of ``--spans`` spans, optionally ``--more-articles``
added and everything measured again) with one editor, and for each source tree (this
checkout, and with ``--compare REV`` an earlier commit unpacked beside it) and round times
``--calls`` of each call, one after another, with no concurrency:

- ``decide``: POST /api/spans/{id}/decision/ accept, a fresh suggestion each time;
- ``create``: POST /api/articles/{id}/spans/ a claim on free text;
- ``update``: PATCH /api/spans/{id}/ a note on a span the editor drew;
- ``spans``: GET /api/articles/{id}/spans/ of a corpus article;
- ``read``: GET /api/articles/{id}/ of a corpus article;
- ``page``: GET /articles/{id}/, the editor page of a corpus article.

In-process: a probe script (written to a temporary folder, so an old tree without it runs
it too) with the tree's python, Django's test Client signed in with ``force_login``: wall
and CPU time of the call in that process, and its SQL queries. Over HTTP: gunicorn with one
sync worker (as deployed: sync workers, one connection per request) on loopback, the editor
signed in through the login form: wall time at the client and the server's CPU per call.
The mutating calls work on fresh articles of about 25 suggestions each, so a call's cost
does not grow with ``--calls``.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings

from benchmarks import seeding
from benchmarks.before_after import _unpack
from benchmarks.cli import Output
from benchmarks.errors import BenchmarkError
from benchmarks.gunicorn_server import (
    STEADY,
    Served,
    WorkerConfig,
    _environment,
    gunicorn,
    sign_in,
)
from benchmarks.timing import percentile

CALLS = {
    "decide": "POST /api/spans/{id}/decision/",
    "create": "POST /api/articles/{id}/spans/",
    "update": "PATCH /api/spans/{id}/",
    "spans": "GET /api/articles/{id}/spans/",
    "read": "GET /api/articles/{id}/",
    "page": "GET /articles/{id}/",
}
WARM_UP = 5  # calls of each kind before the timed ones: first imports, caches, connections
PER_ARTICLE = 25  # suggestions (and free ranges) on each fresh article

# Runs in the tree's own python, so it may use nothing of this checkout but Django and the
# app's URLs; it reads its plan from the JSON file named by argv[1], prints JSON last.
_PROBE = """\
import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
import django

django.setup()
from django.test.utils import CaptureQueriesContext, override_settings

override_settings(
    ALLOWED_HOSTS=["testserver", "127.0.0.1"],
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
).enable()
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

with open(sys.argv[1], encoding="utf-8") as handle:
    plan = json.load(handle)
client = Client(raise_request_exception=False)
client.force_login(get_user_model().objects.get(pk=plan["user"]))
own = []
results = {}


def send(kind, index):
    if kind == "decide":
        return client.post(
            f"/api/spans/{plan['suggestions'][index]}/decision/",
            {"decision": "accept"}, content_type="application/json",
        )
    if kind == "create":
        article, start, end = plan["ranges"][index]
        return client.post(
            f"/api/articles/{article}/spans/",
            {"label": "claim", "start": start, "end": end}, content_type="application/json",
        )
    if kind == "update":
        span, version = own[index]
        return client.patch(
            f"/api/spans/{span}/", {"version": version, "note": f"checked {index}"},
            content_type="application/json",
        )
    if kind == "spans":
        return client.get(f"/api/articles/{plan['corpus_article']}/spans/")
    if kind == "read":
        return client.get(f"/api/articles/{plan['corpus_article']}/")
    return client.get(f"/articles/{plan['corpus_article']}/")


for kind in plan["kinds"]:
    result = results[kind] = {"wall": [], "cpu": [], "queries": [], "errors": 0, "example": ""}
    for index in range(plan["warm_up"] + plan["calls"]):
        if kind == "update" and index >= len(own):
            result["errors"] += 1  # no span of its own left to update, after failed creates
            continue
        # The log keeps the last 9,000 queries: once full, a count would be 0.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            cpu = time.process_time()
            began = time.perf_counter()
            response = send(kind, index)
            wall = time.perf_counter() - began
            cpu = time.process_time() - cpu
        if response.status_code >= 400:
            result["errors"] += 1
            result["example"] = result["example"] or (
                f"{response.status_code} {response.content[:200].decode(errors='replace')}"
            )
            continue
        if kind == "create":
            body = response.json()
            own.append((body["id"], body["version"]))
        if index >= plan["warm_up"]:
            result["wall"].append(wall * 1000)
            result["cpu"].append(cpu * 1000)
            result["queries"].append(len(queries))
print(json.dumps(results))
"""


def arguments(parser: argparse.ArgumentParser) -> None:
    seeding.corpus_arguments(parser, again="measure again, for flatness")
    parser.add_argument(
        "--calls", type=int, default=200, help="Timed calls of each kind per tree per round."
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="Rounds; each tree goes first in every other."
    )
    parser.add_argument("--compare", metavar="REV", help="Also run an earlier commit's code.")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark project.")


@dataclass
class Figures:
    """One call kind on one tree at one size, pooled over the rounds."""

    wall: list[float] = field(default_factory=list)  # in-process, ms
    cpu: list[float] = field(default_factory=list)  # in-process, ms
    queries: list[int] = field(default_factory=list)
    http: list[float] = field(default_factory=list)  # at the HTTP client, ms
    server_cpu: float = 0.0  # seconds, over the ``http`` calls
    errors: int = 0
    examples: list[str] = field(default_factory=list)

    def error(self, example: str) -> None:
        self.errors += 1
        if example and len(self.examples) < 2:
            self.examples.append(example)


@dataclass
class Work:
    """What one tree's round may spend: suggestions to decide, free ranges to draw on."""

    suggestions: list[int]
    ranges: list[tuple[int, int, int]]  # (article id, start, end)


def _median(values: list[float] | list[int]) -> float:
    return statistics.median(values) if values else float("nan")


def run(options: argparse.Namespace, out: Output) -> None:
    # httpx logs every request at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Stopped with SIGTERM, still stop gunicorn and the probe and remove the seeded rows.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if min(options.articles, options.spans, options.calls, options.rounds) <= 0:
        raise BenchmarkError("--articles, --spans, --calls and --rounds must be positive.")
    if options.more_articles < 0:
        raise BenchmarkError("--more-articles cannot be negative.")
    with ExitStack() as stack:
        trees = [("after", Path(settings.BASE_DIR))]
        if options.compare:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-calls-")))
            commit = _unpack(options.compare, folder)
            trees.insert(0, (f"before {commit}", folder))
        made = stack.enter_context(seeding.scratch(keep=options.keep))
        # gunicorn's child takes this process's environment.
        saved = {name: os.environ.get(name) for name in STEADY}
        stack.callback(_restore, saved)
        os.environ.update(STEADY)
        _run(options, out, made, trees)


def _restore(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _run(
    options: argparse.Namespace, out: Output, made: seeding.Scratch, trees: list[tuple[str, Path]]
) -> None:
    from articles.models import Article

    admin = made.user()
    editor = made.user(can_log_in=True)
    project = made.project("calls", admin=admin, editors=[editor])
    rng = random.Random(14)
    seconds = seeding.accepted_corpus(
        project, count=options.articles, spans=options.spans, annotator=admin.user,
        text=None, rng=rng,
    )  # fmt: skip
    # The same article at every size: the middle of the first corpus.
    corpus_article = Article.objects.get(
        project=project, title=f"Benchmark article {options.articles // 2}"
    ).pk
    out(
        f"seeded {options.articles:,} articles x {options.spans} spans in {seconds:.1f} s; "
        f"1 editor; {options.calls} calls of each kind per tree per round, {options.rounds} "
        f"rounds; {os.cpu_count() or 1} CPUs; load average {_load()}; aims: decide <= 10 ms "
        "median in the server, read < 27 ms (doccano)"
    )
    sizes = [options.articles]
    if options.more_articles:
        sizes.append(options.articles + options.more_articles)
    by_size: dict[int, dict[str, dict[str, Figures]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-probe-") as probe_dir:
        Path(probe_dir, "bench_calls_probe.py").write_text(_PROBE)
        for size in sizes:
            if size != options.articles:
                seconds = seeding.accepted_corpus(
                    project, count=options.more_articles, spans=options.spans,
                    annotator=admin.user, text=None, rng=rng, offset=options.articles,
                )  # fmt: skip
                out(f"added {options.more_articles:,} articles in {seconds:.1f} s")
            figures = {label: {kind: Figures() for kind in CALLS} for label, _ in trees}
            for round_number in range(options.rounds):
                # Each tree goes first in every other round: the first of a pair can meet
                # colder caches than the second.
                pair = trees if round_number % 2 == 0 else trees[::-1]
                for label, tree in pair:
                    work = _fresh_articles(project, options.calls + WARM_UP)
                    _in_process(
                        tree, probe_dir, editor, corpus_article, work, options, figures[label]
                    )
                    work = _fresh_articles(project, options.calls + WARM_UP)
                    _over_http(tree, editor, corpus_article, work, options, figures[label])
            for kind in CALLS:
                for label, _ in trees:
                    out(_line(size, kind, label, figures[label][kind]))
                if len(trees) == 2:
                    out(_ratio_line(size, kind, *(figures[label][kind] for label, _ in trees)))
            out(f"{size:,} articles measured; load average {_load()}")
            by_size[size] = figures
    if len(sizes) == 2:
        for kind in CALLS:
            for label, _ in trees:
                out(_flat_line(kind, label, sizes, by_size))


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _fresh_articles(project: object, count: int) -> Work:
    """Articles of ``PER_ARTICLE`` new suggestions and as many free ranges, ``count`` of each."""
    from articles.models import Project

    assert isinstance(project, Project)
    stamp = time.time_ns()
    work = Work([], [])
    for number in range(math.ceil(count / PER_ARTICLE)):
        article, ids, ranges = seeding.work_article(
            project, f"Calls article {number}, {stamp}", suggestions=PER_ARTICLE, ranges=PER_ARTICLE
        )
        work.suggestions += ids
        work.ranges += [(article.pk, start, end) for start, end in ranges]
    return work


def _in_process(
    tree: Path,
    probe_dir: str,
    editor: seeding.BenchUser,
    corpus_article: int,
    work: Work,
    options: argparse.Namespace,
    figures: dict[str, Figures],
) -> None:
    plan = {
        "user": editor.user.pk,
        "corpus_article": corpus_article,
        "suggestions": work.suggestions,
        "ranges": work.ranges,
        "kinds": list(CALLS),
        "warm_up": WARM_UP,
        "calls": options.calls,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", dir=probe_dir, delete=False) as file:
        json.dump(plan, file)
    try:
        done = subprocess.run(
            [str(tree / ".venv" / "bin" / "python"), str(Path(probe_dir, "bench_calls_probe.py")),
             file.name],
            cwd=tree, env=_environment(tree, probe_dir), capture_output=True, text=True,
            check=False, timeout=600,
        )  # fmt: skip
    finally:
        os.unlink(file.name)
    if done.returncode != 0:
        raise BenchmarkError(f"the probe in {tree} exited with {done.returncode}: {done.stderr}")
    results: dict[str, dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    for kind, result in results.items():
        figure = figures[kind]
        figure.wall += result["wall"]
        figure.cpu += result["cpu"]
        figure.queries += result["queries"]
        for _ in range(result["errors"]):
            figure.error(f"in-process: {result['example']}")


def _over_http(
    tree: Path,
    editor: seeding.BenchUser,
    corpus_article: int,
    work: Work,
    options: argparse.Namespace,
    figures: dict[str, Figures],
) -> None:
    with (
        gunicorn(tree, WorkerConfig.parse("sync:1")) as served,
        httpx.Client(base_url=served.url, timeout=30) as client,
    ):
        sign_in(client, editor.username, editor.password or "")
        client.headers["X-CSRFToken"] = client.cookies.get("csrftoken") or ""
        own: list[tuple[int, int]] = []
        senders: dict[str, Callable[[int], httpx.Response]] = {
            "decide": lambda i: client.post(
                f"/api/spans/{work.suggestions[i]}/decision/", json={"decision": "accept"}
            ),
            "create": lambda i: client.post(
                f"/api/articles/{work.ranges[i][0]}/spans/",
                json={"label": "claim", "start": work.ranges[i][1], "end": work.ranges[i][2]},
            ),
            "update": lambda i: client.patch(
                f"/api/spans/{own[i][0]}/", json={"version": own[i][1], "note": f"checked {i}"}
            ),
            "spans": lambda i: client.get(f"/api/articles/{corpus_article}/spans/"),
            "read": lambda i: client.get(f"/api/articles/{corpus_article}/"),
            "page": lambda i: client.get(f"/articles/{corpus_article}/"),
        }
        for kind, send in senders.items():
            figure = figures[kind]
            for index in range(WARM_UP):
                _call(send, index, kind, own, figure, served, timed=False)
            cpu_before = served.cpu_seconds()
            for index in range(WARM_UP, WARM_UP + options.calls):
                _call(send, index, kind, own, figure, served, timed=True)
            figure.server_cpu += served.cpu_seconds() - cpu_before


def _call(
    send: Callable[[int], httpx.Response],
    index: int,
    kind: str,
    own: list[tuple[int, int]],
    figure: Figures,
    served: Served,
    *,
    timed: bool,
) -> None:
    began = time.perf_counter()
    try:
        response = send(index)
    except (httpx.HTTPError, IndexError) as error:
        # An IndexError: an update with no span of its own left, after failed creates.
        figure.error(f"HTTP: {type(error).__name__} {error}")
        return
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code >= 400:
        figure.error(f"HTTP: {response.status_code} {response.text[:200]}")
        return
    if kind == "create":
        body = response.json()
        own.append((body["id"], body["version"]))
    if timed:
        figure.http.append(elapsed)


def _per_call(seconds: float, count: int) -> float:
    return seconds * 1000 / count if count else float("nan")


def _line(size: int, kind: str, label: str, figure: Figures) -> str:
    line = (
        f"{size:,} articles, {kind} ({CALLS[kind]}), {label}: in-process median "
        f"{_median(figure.wall):.1f} ms, p95 {percentile(figure.wall, 0.95):.1f} ms, CPU "
        f"{_median(figure.cpu):.1f} ms, {_median(figure.queries):.0f} queries; HTTP median "
        f"{_median(figure.http):.1f} ms, p95 {percentile(figure.http, 0.95):.1f} ms, server "
        f"CPU {_per_call(figure.server_cpu, len(figure.http)):.1f} ms; {len(figure.wall)} + "
        f"{len(figure.http)} calls, {figure.errors} errors"
    )
    if figure.examples:
        line += "\n  errors: " + " | ".join(figure.examples)
    return line


def _share(before: float, after: float) -> str:
    return f"{after / before:.2f}" if before else "nan"


def _ratio_line(size: int, kind: str, before: Figures, after: Figures) -> str:
    cpu_before = _per_call(before.server_cpu, len(before.http))
    cpu_after = _per_call(after.server_cpu, len(after.http))
    return (
        f"{size:,} articles, {kind}: after/before in-process median "
        f"{_share(_median(before.wall), _median(after.wall))}, p95 "
        f"{_share(percentile(before.wall, 0.95), percentile(after.wall, 0.95))}, CPU "
        f"{_share(_median(before.cpu), _median(after.cpu))}, queries "
        f"{_share(_median(before.queries), _median(after.queries))}; HTTP median "
        f"{_share(_median(before.http), _median(after.http))}, p95 "
        f"{_share(percentile(before.http, 0.95), percentile(after.http, 0.95))}, server CPU "
        f"{_share(cpu_before, cpu_after)}"
    )


def _flat_line(
    kind: str, label: str, sizes: list[int], by_size: dict[int, dict[str, dict[str, Figures]]]
) -> str:
    small, large = (by_size[size][label][kind] for size in sizes)
    return (
        f"{kind}, {label}: {sizes[1]:,}/{sizes[0]:,} articles in-process median "
        f"{_share(_median(small.wall), _median(large.wall))}, queries "
        f"{_share(_median(small.queries), _median(large.queries))}; HTTP median "
        f"{_share(_median(small.http), _median(large.http))}"
    )

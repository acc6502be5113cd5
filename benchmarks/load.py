"""Load: a desk of editors against gunicorn on loopback, at a fixed arrival rate.

Seeds a throw-away project (``--articles`` accepted articles, optionally ``--more-articles``
added for a second round), gives every editor seed-sized articles of fresh suggestions, starts
gunicorn (``benchmarks.gunicorn_server``) for each ``--server`` configuration, signs the
editors in through the login form (sessions, as the browser does) and drives two scenarios
for ``--duration`` seconds each, open model (requests are sent on schedule whether or not
earlier ones have been answered, and latency counts from the scheduled time):

- ``mix``: ``--rate`` requests/s in total of the editor's mix: open the editor page, list
  the article's spans, decide a suggestion, draw a span, edit one of your spans;
- ``decide``: every editor decides one suggestion a second.

The load generator (asyncio and one keep-alive aiohttp session per editor, for its C HTTP
parser: the generator shares the server's cores) runs on the same
machine and cores as the server and PostgreSQL; its CPU time is printed beside the
server's. ``--compare REV`` runs the same scenarios, in the same run, against the code of
an earlier commit (unpacked with ``git archive``, served from the same database) and
prints each figure's ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import httpx
from django.conf import settings

from benchmarks import seeding
from benchmarks.before_after import _unpack
from benchmarks.cli import Output
from benchmarks.errors import BenchmarkError
from benchmarks.gunicorn_server import Served, WorkerConfig, gunicorn, sign_in
from benchmarks.timing import percentile

# Shares of the editor's mix (of 100 requests).
MIX = {"page": 10, "spans": 25, "decide": 40, "create": 10, "update": 15}
SCENARIOS = ("mix", "decide")


def arguments(parser: argparse.ArgumentParser) -> None:
    seeding.corpus_arguments(parser, again="run everything again")
    parser.add_argument("--editors", type=int, default=50)
    parser.add_argument("--rate", type=float, default=100.0, help="Requests/s of the mix.")
    parser.add_argument("--duration", type=float, default=20.0, help="Seconds per scenario.")
    parser.add_argument(
        "--scenarios", default=",".join(SCENARIOS), help="Comma-separated: mix, decide."
    )
    parser.add_argument(
        "--server",
        action="append",
        help="gunicorn workers: sync:N or gthread:NxT; repeat to compare (default gthread:2x4).",
    )
    parser.add_argument("--compare", metavar="REV", help="Also run an earlier commit's code.")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark project.")


# Suggestions per article an editor works on: a seed-sized article (issue 14's import
# figures use 25 spans per article too). An editor moves on to the next article when every
# suggestion of the current one is decided, so pages and span lists are of real size.
SUGGESTIONS_PER_ARTICLE = 25


@dataclass
class Work:
    """One article of an editor's: what is left to decide and free text to draw on."""

    article_id: int
    suggestions: list[int]
    free_ranges: list[tuple[int, int]]


@dataclass
class Editor:
    """One signed-in editor: cookies, the articles to work through, the spans drawn."""

    username: str
    password: str
    articles: list[Work] = field(default_factory=list)
    own: dict[int, int] = field(default_factory=dict)  # span id → version, not in flight
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def work(self) -> Work:
        """The first article with suggestions left (the last one once all are decided)."""
        for work in self.articles:
            if work.suggestions:
                return work
        return self.articles[-1]


@dataclass
class Result:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    wall: float = 0.0
    server_cpu: float = 0.0
    database_cpu: float = 0.0  # every postgres process on this machine (all of them share it)
    client_cpu: float = 0.0
    lag_ms: float = 0.0
    load: float = 0.0  # the machine's 1-minute load average at the end

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.times.values())

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def all_times(self) -> list[float]:
        return [t for values in self.times.values() for t in values]


def run(options: argparse.Namespace, out: Output) -> None:
    # Stopped with SIGTERM, still stop gunicorn and remove the seeded rows (``finally``).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    scenarios = [s.strip() for s in options.scenarios.split(",") if s.strip()]
    if not scenarios or any(s not in SCENARIOS for s in scenarios):
        raise BenchmarkError(f"--scenarios: choose from {', '.join(SCENARIOS)}.")
    if min(options.articles, options.editors, options.rate, options.duration) <= 0:
        raise BenchmarkError("--articles, --editors, --rate and --duration must be positive.")
    configs = [WorkerConfig.parse(s) for s in options.server or ["gthread:2x4"]]
    with ExitStack() as stack:
        trees = [("after", Path(settings.BASE_DIR))]
        if options.compare:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-load-")))
            commit = _unpack(options.compare, folder)
            trees.insert(0, (f"before {commit}", folder))
        made = stack.enter_context(seeding.scratch(keep=options.keep))
        _run(options, out, made, scenarios, configs, trees)


def _run(
    options: argparse.Namespace,
    out: Output,
    made: seeding.Scratch,
    scenarios: list[str],
    configs: list[WorkerConfig],
    trees: list[tuple[str, Path]],
) -> None:
    admin = made.user()
    users = [made.user(can_log_in=True) for _ in range(options.editors)]
    project = made.project("load", admin=admin, editors=users)
    editors = [Editor(u.username, u.password or "") for u in users]
    rng = random.Random(14)
    seconds = seeding.accepted_corpus(
        project, count=options.articles, spans=options.spans, annotator=admin.user,
        text=None, rng=rng,
    )  # fmt: skip
    out(
        f"seeded {options.articles:,} articles x {options.spans} spans in {seconds:.1f} s; "
        f"{options.editors} editors; {_cores()} CPUs shared by server, PostgreSQL and the "
        "load generator"
    )
    sizes = [options.articles]
    if options.more_articles:
        sizes.append(options.articles + options.more_articles)
    signed_in = False
    for size in sizes:
        if size != options.articles:
            seconds = seeding.accepted_corpus(
                project, count=options.more_articles, spans=options.spans,
                annotator=admin.user, text=None, rng=rng, offset=options.articles,
            )  # fmt: skip
            out(f"added {options.more_articles:,} articles in {seconds:.1f} s")
        for config in configs:
            for scenario in scenarios:
                results: dict[str, Result] = {}
                # Earlier commit first, then this one; each with fresh suggestions.
                for label, tree in trees:
                    _fresh_articles(project, editors, options)
                    with gunicorn(tree, config) as served:
                        if not signed_in:
                            out(_sign_in(served.url, editors))
                            signed_in = True
                        result = _drive(served, editors, scenario, options)
                        rss = served.rss_mib()
                    results[label] = result
                    out(_line(size, config, scenario, label, result, options, rss))
                if len(trees) == 2:
                    out(_ratio_line(size, config, scenario, results))


def _cores() -> int:
    return os.cpu_count() or 1


def _fresh_articles(project: object, editors: list[Editor], options: argparse.Namespace) -> None:
    """Seed-sized articles of fresh suggestions for each editor, enough for every decision
    the scenario can ask of them, with free text to draw spans on."""
    from articles.models import Project

    assert isinstance(project, Project)
    actions = int(options.duration * max(1.0, options.rate / len(editors)) * 1.5) + 10
    count = -(-actions // SUGGESTIONS_PER_ARTICLE)  # ceiling: decisions are at most actions
    stamp = time.time_ns()
    for number, editor in enumerate(editors):
        editor.articles = []
        for part in range(count):
            article, ids, ranges = seeding.work_article(
                project,
                f"Load article {number}.{part}, {stamp}",
                suggestions=SUGGESTIONS_PER_ARTICLE,
                ranges=actions // count + 1,
            )
            editor.articles.append(Work(article.pk, ids, ranges))
        editor.own = {}


def _sign_in(url: str, editors: list[Editor]) -> str:
    """Every editor through the login form, four at a time (a desk arriving together)."""
    began = time.perf_counter()

    def one(editor: Editor) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            editor.cookies = sign_in(client, editor.username, editor.password)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one, editors))
    return f"{len(editors)} editors signed in over HTTP (4 at a time) in " + (
        f"{time.perf_counter() - began:.1f} s"
    )


def _schedule(
    scenario: str, editors: list[Editor], options: argparse.Namespace
) -> list[tuple[float, int, str]]:
    """(seconds from the start, editor index, action), in time order."""
    if scenario == "decide":
        n = len(editors)
        return sorted(
            (second + index / n, index, "decide")
            for second in range(int(options.duration))
            for index in range(n)
        )
    rng = random.Random(7)
    actions = [name for name, share in MIX.items() for _ in range(share)]
    total = int(options.rate * options.duration)
    return [(i / options.rate, i % len(editors), rng.choice(actions)) for i in range(total)]


def _drive(
    served: Served, editors: list[Editor], scenario: str, options: argparse.Namespace
) -> Result:
    result = Result()
    plan = _schedule(scenario, editors, options)

    async def main() -> None:
        clients = [
            aiohttp.ClientSession(
                served.url,
                # The editor's cookies as a header: nothing to parse or store per answer.
                cookie_jar=aiohttp.DummyCookieJar(),
                headers={
                    "Cookie": "; ".join(f"{k}={v}" for k, v in editor.cookies.items()),
                    "X-CSRFToken": editor.cookies.get("csrftoken", ""),
                },
                # A request this slow already fails every aim; it bounds the run's tail.
                timeout=aiohttp.ClientTimeout(total=10),
                connector=aiohttp.TCPConnector(limit=4),
            )
            for editor in editors
        ]
        try:
            # Warm-up, not counted: a connection per editor and each worker's first request.
            pairs = zip(clients, editors, strict=True)
            await asyncio.gather(
                *(_warm(c, f"/api/articles/{e.work.article_id}/") for c, e in pairs)
            )
            cpu_before = served.cpu_seconds()
            database_before = _postgres_cpu_seconds()
            client_before = time.process_time()
            began = time.perf_counter()
            lags: list[float] = []
            tasks = []
            for at, index, action in plan:
                delay = began + at - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                lags.append(max(0.0, -delay) * 1000)
                tasks.append(
                    asyncio.create_task(
                        _act(clients[index], editors[index], action, began + at, result)
                    )
                )
            await asyncio.gather(*tasks)
            result.wall = time.perf_counter() - began
            result.server_cpu = served.cpu_seconds() - cpu_before
            result.database_cpu = _postgres_cpu_seconds() - database_before
            result.client_cpu = time.process_time() - client_before
            result.lag_ms = max(lags, default=0.0)
            result.load = os.getloadavg()[0]
        finally:
            await asyncio.gather(*(c.close() for c in clients))

    asyncio.run(main())
    return result


async def _warm(client: aiohttp.ClientSession, path: str) -> None:
    async with client.get(path) as response:
        await response.read()


async def _act(
    client: aiohttp.ClientSession, editor: Editor, action: str, due: float, result: Result
) -> None:
    work = editor.work
    if action == "update" and not editor.own:
        action = "create"
    if action == "decide" and not work.suggestions:
        action = "spans"
    if action == "create" and not work.free_ranges:
        action = "spans"
    taken: tuple[int, int] | None = None
    body: dict[str, object] | None
    if action == "page":
        method, path, body = "GET", f"/articles/{work.article_id}/", None
    elif action == "spans":
        method, path, body = "GET", f"/api/articles/{work.article_id}/spans/", None
    elif action == "decide":
        span_id = work.suggestions.pop()
        decision = "accept" if span_id % 3 else "reject"
        method, path, body = "POST", f"/api/spans/{span_id}/decision/", {"decision": decision}
    elif action == "create":
        start, end = work.free_ranges.pop()
        method, path = "POST", f"/api/articles/{work.article_id}/spans/"
        body = {"label": "claim", "start": start, "end": end}
    else:
        taken = editor.own.popitem()
        method, path = "PATCH", f"/api/spans/{taken[0]}/"
        body = {"version": taken[1], "note": f"checked {taken[1]}"}
    try:
        async with client.request(method, path, json=body) as response:
            status = response.status
            content = await response.read()
        elapsed = (time.perf_counter() - due) * 1000
    except (aiohttp.ClientError, TimeoutError) as error:
        result.errors[action] += 1
        if len(result.examples) < 3:
            result.examples.append(f"{action}: {type(error).__name__} {error}")
        return
    if status >= 400:
        result.errors[action] += 1
        if len(result.examples) < 3:
            result.examples.append(f"{action}: {status} {content[:200]!r}")
        return
    result.times[action].append(elapsed)
    if action in ("create", "update"):
        answer = json.loads(content)
        editor.own[answer["id"]] = answer["version"]


def _line(
    size: int,
    config: WorkerConfig,
    scenario: str,
    label: str,
    result: Result,
    options: argparse.Namespace,
    rss: float,
) -> str:
    times = result.all_times()
    what = (
        f"mix at {options.rate:g}/s"
        if scenario == "mix"
        else f"{options.editors} editors deciding once a second"
    )
    per_action = ", ".join(
        f"{name} {statistics.median(values):.0f}" for name, values in sorted(result.times.items())
    )
    line = (
        f"{size:,} articles, {config}, {what}, {label}: {result.count:,} answered in "
        f"{result.wall:.1f} s = {result.count / result.wall:.1f}/s; p50 "
        f"{percentile(times, 0.5):.0f} ms, p95 {percentile(times, 0.95):.0f} ms, p99 "
        f"{percentile(times, 0.99):.0f} ms; {result.error_count} errors; medians (ms) "
        f"{per_action}; CPU per request: server {_per(result.server_cpu, result.count)} ms, "
        f"PostgreSQL {_per(result.database_cpu, result.count)} ms, "
        f"load generator {_per(result.client_cpu, result.count)} ms; send lag max "
        f"{result.lag_ms:.0f} ms; gunicorn RSS {rss:.0f} MiB; load average {result.load:.1f}"
    )
    if result.examples:
        line += "\n  errors: " + " | ".join(result.examples)
    return line


def _postgres_cpu_seconds() -> float:
    """User + system CPU time so far of the PostgreSQL server's processes on this machine
    (the benchmark runs on loopback: its backends are among them). Processes of other
    users' databases count too; 0 where /proc cannot be read."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, _, rest = text.partition(" (")[2].rpartition(")")
        if name == "postgres":
            fields = rest.split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _per(seconds: float, count: int) -> str:
    return f"{seconds * 1000 / count:.1f}" if count else "nan"


def _ratio_line(size: int, config: WorkerConfig, scenario: str, results: dict[str, Result]) -> str:
    (_, before), (_, after) = results.items()
    b, a = before.all_times(), after.all_times()

    def share(x: float, y: float) -> str:
        return f"{y / x:.2f}" if x else "nan"

    return (
        f"{size:,} articles, {config}, {scenario}: after/before p50 "
        f"{share(percentile(b, 0.5), percentile(a, 0.5))}, p95 "
        f"{share(percentile(b, 0.95), percentile(a, 0.95))}, p99 "
        f"{share(percentile(b, 0.99), percentile(a, 0.99))}, server CPU per request "
        f"{share(before.server_cpu / max(1, before.count), after.server_cpu / max(1, after.count))}"
    )

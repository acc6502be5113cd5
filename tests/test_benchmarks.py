"""The benchmarks run end to end on tiny sizes and print every figure, so they cannot rot;
their timing helpers compute what their names say; the app does not import them."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import dj_database_url
import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from articles.chromium import CHROMIUM_PATH
from articles.models import Article, Project, Snapshot, Span
from benchmarks import cli
from benchmarks.before_after import side_by_side
from benchmarks.timing import Samples, interleaved, ratio, repeat
from benchmarks.worker import database_url

ROOT = Path(__file__).resolve().parents[1]
N = r"[\d,]+(?:\.\d+)?"  # a printed figure: 12, 1,234 or 3.5


def run_benchmark(*argv: str) -> tuple[int, list[str]]:
    stdout = io.StringIO()
    status = cli.main(list(argv), stdout=stdout)
    return status, stdout.getvalue().splitlines()


def assert_figures(lines: list[str], patterns: list[str]) -> None:
    """Each line matches its pattern, in order, and nothing else was printed."""
    assert len(lines) == len(patterns), "\n".join(lines)
    for line, pattern in zip(lines, patterns, strict=True):
        assert re.fullmatch(pattern.replace("{N}", N), line), f"{line!r} !~ {pattern!r}"


def assert_nothing_left() -> None:
    assert not Project.objects.filter(name__startswith="Benchmark:").exists()
    assert not get_user_model().objects.filter(username__startswith="bench-").exists()
    assert not Article.objects.exists()
    assert not Span.objects.exists()
    assert not Snapshot.objects.exists()


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "column.txt"
    path.write_text(
        "Bridge column\n"
        '"We are ready to rebuild," said Ana Lima. The council approved the budget on Monday.\n'
        "\nPerhaps the vote will be reopened in spring. Traffic fell by twelve percent.\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.django_db
def test_export_benchmark_prints_every_figure_and_cleans_up(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    status, lines = run_benchmark(
        "export", "--articles", "3", "--spans", "2", "--large", "5",
        "--snapshot-articles", "2", "--snapshot-spans", "2",
    )  # fmt: skip
    assert status == 0
    database = (
        [r"database json_agg same rows \(best of 3\): {N} MB in {N} s = {N} MB/s; ours/db = {N}"]
        if connection.vendor == "postgresql"
        else []
    )
    assert_figures(
        lines,
        [
            rf"database: {connection.vendor} .+",
            r"seeded 3 articles x 2 spans in {N} s",
            r"seeded 6 review rows \(2 per article\)",
            r"jsonl export \(3 articles, best of 3\): {N} MB in {N} s = {N} MB/s",
            *database,
            r"conll export \(best of 3\): {N} s for 3 articles = {N} s per 1,000 articles",
            r"csv export: {N} MB in {N} s",
            r"webanno export: {N} MB in {N} s",
            r"spacy export: {N} MB in {N} s",
            r"peak Python memory growth during jsonl export: {N} MB",
            r"seeded 2 articles x 2 spans in {N} s",
            r"sql queries per jsonl export: \d+ at 3 articles, \d+ at 5 articles: \+\d+ for 0 "
            r"more chunks of 500 articles \(3 queries a chunk, none per article\)",
            r"claimreview export \(\d+ reviews of 5 articles\): {N} MB in {N} s = {N} reviews/s,"
            r" \d+ sql queries",
            r"articles list median: {N} ms \(30 requests\)",
            r"spans list median: {N} ms \(30 requests\)",
            r"projects list median: {N} ms \(30 requests\)",
            r"decision \(POST /api/spans/\{id\}/decision/\) median: {N} ms \(30 requests\)",
            r"article spans \(editor view\) median: {N} ms",
            r"seeded 2 articles x 2 spans in {N} s",
            r"snapshot jsonl 2x2: {N} s, {N} MB, 4 spans, sha256 [0-9a-f]{12}…",
        ],
    )
    assert_nothing_left()
    assert not any(tmp_path.rglob("*.jsonl")), "the snapshot file was left behind"


@pytest.mark.django_db
def test_export_benchmark_reads_article_text_from_a_file(article_file):
    status, lines = run_benchmark(
        "export", "--articles", "2", "--spans", "1", "--large", "0", "--text", str(article_file)
    )
    assert status == 0
    assert lines[-1].startswith("article spans (editor view) median: ")
    assert "sql queries per jsonl export: " in "\n".join(lines)
    assert_nothing_left()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--articles", "0"], r"^export: --articles and --spans must be positive\.$"),
        (["--text", "/no/such/column.txt"], r"^export: Cannot read /no/such/column\.txt: "),
    ],
)
def test_export_benchmark_refuses_bad_options(argv, message, capsys):
    assert run_benchmark("export", *argv) == (2, [])
    assert re.search(message, capsys.readouterr().err.strip())
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_pretag_benchmark_without_worker_prints_tagger_and_import_figures(article_file):
    status, lines = run_benchmark(
        "pretag", "--articles", "4", "--spans", "3", "--text", str(article_file), "--skip-worker"
    )
    assert status == 0
    assert_figures(
        lines,
        [
            rf"Text: {re.escape(str(article_file))} \(\d+ characters\); 4 articles; "
            rf"database {connection.vendor}; broker \w+",
            r"tagger rules@[\d.]+: {N} articles/s wall, {N} articles/s per core of CPU time "
            r"\({N} s for 4, single process\)",
            r"import with spans: {N} s for 4 articles and 12 spans \({N} articles/s\)",
        ],
    )
    assert_nothing_left()


@pytest.mark.django_db
def test_pretag_benchmark_needs_its_text_file(capsys):
    assert run_benchmark("pretag", "--text", "/no/such/column.txt") == (2, [])
    assert capsys.readouterr().err.strip() == "pretag: /no/such/column.txt: no such file."


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_pretag_benchmark_end_to_end_through_a_real_worker(article_file):
    """The worker is a child process: it must find the test database, not the configured one."""
    status, lines = run_benchmark(
        "pretag", "--articles", "3", "--spans", "0", "--text", str(article_file),
        "--concurrency", "1", "--timeout", "60",
    )  # fmt: skip
    assert status == 0
    assert len(lines) == 4
    assert re.fullmatch(
        rf"end to end \(import → tagged by a Celery worker, concurrency 1\): {N} s for 3 "
        rf"articles \({N} articles/s; import {N} s; 0 failed\)",
        lines[-1],
    ), lines[-1]
    assert_nothing_left()


def browser_or_skip() -> None:
    if not os.access(CHROMIUM_PATH, os.X_OK):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM_PATH} is not there.")
        pytest.skip(f"{CHROMIUM_PATH} not installed (apt-get install chromium)")


@pytest.mark.django_db
def test_editor_benchmark_without_chromium_stops_before_seeding(tmp_path, capsys):
    missing = tmp_path / "chromium"
    assert run_benchmark("editor", "--chromium", str(missing)) == (2, [])
    assert capsys.readouterr().err.strip() == (
        f"editor: {missing} not found: apt-get install chromium"
    )
    assert not Project.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_benchmark_prints_every_figure_and_cleans_up():
    browser_or_skip()
    status, lines = run_benchmark(
        "editor", "--words", "300", "--spans", "20", "--decisions", "4",
        "--filler-spans", "1000", "--profile",
    )  # fmt: skip
    assert status == 0
    assert_figures(
        lines,
        [
            r"seed article: {N} KB, 25 spans; long article: \d+ words, 20 spans",
            r"seed article, cold: spans drawn {N} ms after navigation \(painted {N} ms\), "
            r"{N} kB transferred \({N} kB bodies\) in \d+ requests",
            r"seed article, warm \(median of 5\): spans drawn {N} ms, painted {N} ms "
            r"\(HTML received {N} ms, editor script started {N} ms\)",
            r"  profile, last warm seed load: first byte {N} ms, .*; resources: .*editor\.js .*",
            r"long article \(\d+ words, 20 spans\), median of 3: spans drawn {N} ms, painted "
            r"{N} ms, every span and the side list drawn {N} ms \(HTML received {N} ms, script "
            r"started {N} ms, text DOM built in {N} ms\), page {N} kB",
            r"  profile, last long load: first byte {N} ms, .* all spans {N} ms",
            r"accept on the long article, median of 30: key handlers {N} ms, next frame "
            r"painted {N} ms, saved on the server {N} ms \(max frame {N} ms; 0 errors\)",
            r"decision POST in-process \(small, \d+ spans in the database\): median {N} ms, "
            r"p90 {N} ms over 4 decisions",
            r"decision POST in-process \(large, \d+ spans in the database\): median {N} ms, "
            r"p90 {N} ms over 4 decisions",
        ],
    )
    assert_nothing_left()


def test_samples_median_p90_best_worst():
    times = Samples(tuple(float(n) for n in [5, 1, 9, 3, 7, 2, 8, 4, 6, 10]))
    assert (times.median, times.p90, times.best, times.worst) == (5.5, 10.0, 1.0, 10.0)
    assert len(times) == 10
    assert all(value != value for value in (Samples(()).median, Samples(()).p90))  # NaN


def test_repeat_times_every_run_and_interleaved_alternates():
    calls: list[str] = []
    assert len(repeat(lambda: calls.append("x"), 4)) == 4
    assert calls == ["x"] * 4
    calls.clear()
    ones, twos = interleaved(lambda: calls.append("a") or 1, lambda: calls.append("b") or 2, 3)
    assert (calls, ones, twos) == (["a", "b", "a", "b", "a", "b"], [1, 1, 1], [2, 2, 2])
    assert interleaved(lambda: 1, None, 2) == ([1, 1], [])
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(1.0, 0.0) != ratio(1.0, 0.0)  # NaN, not ZeroDivisionError


@pytest.mark.django_db
def test_worker_is_pointed_at_the_database_in_use():
    assert dj_database_url.parse(database_url())["NAME"] == connection.settings_dict["NAME"]


def test_the_app_does_not_import_benchmarks():
    importing = re.compile(r"^\s*(from|import)\s+benchmarks\b", re.MULTILINE)
    sources = [*(ROOT / "articles").rglob("*.py"), *(ROOT / "annotator").rglob("*.py")]
    assert sources
    assert [str(p) for p in sources if importing.search(p.read_text(encoding="utf-8"))] == []


def test_before_after_pairs_each_figure_and_prints_constants_once():
    before = [
        ["export 1,000 articles: 2.5 ms", "seeded 3 in 0.1 s", "seeded 2 in 0.4 s", "db: one"],
        ["export 1,000 articles: 3.5 ms", "seeded 3 in 0.3 s", "seeded 2 in 0.4 s", "db: one"],
    ]
    after = [["export 1,000 articles: 1.5 ms", "seeded 3 in 0.4 s", "seeded 2 in 0.2 s", "db: two"]]
    assert side_by_side(before, after) == [
        "export 1,000 articles: 3.0 → 1.5 (0.50) ms",
        "seeded 3 in 0.2 → 0.4 (2.00) s",
        "seeded 2 in 0.4 → 0.2 (0.50) s",
        "after only: db: two",
        "before only: db: one",
    ]


@pytest.mark.django_db
def test_search_benchmark_prints_every_figure_and_cleans_up():
    status, lines = run_benchmark("search", "--articles", "3", "--spans", "4", "--requests", "2")
    assert status == 0
    query = r": median {N} ms, p90 {N} ms \({N} matches\)"
    without = (
        [r"two words without the GIN index: median {N} ms, p90 {N} ms"]
        if connection.vendor == "postgresql"
        else []
    )
    assert_figures(
        lines,
        [
            rf"database: {connection.vendor} .+",
            r"seeded 3 articles, 12 spans in {N} s",
            r"no words, label=claim" + query,
            r"common word \(council\)" + query,
            r"two words \(minister intervenes\)" + query,
            r'phrase \("bridge project"\)' + query,
            r"words or words" + query,
            r"speaker=lima" + query,
            r"common word, status and label" + query,
            r"page \d+ \(q=council\): median {N} ms, p90 {N} ms",
            r"search page \(q=council\): median {N} ms, p90 {N} ms",
            *without,
        ],
    )
    assert_nothing_left()


@pytest.mark.django_db(transaction=True)
def test_load_benchmark_serves_the_mix_without_errors_and_cleans_up(settings):
    """gunicorn is a child process on the test database; two editors sign in through the
    login form and every action of the mix is answered."""
    # The passwords are checked by gunicorn, which has the real hasher, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    status, lines = run_benchmark(
        "load", "--articles", "3", "--spans", "2", "--editors", "2", "--rate", "20",
        "--duration", "2", "--server", "gthread:1x2",
    )  # fmt: skip
    assert status == 0
    scenario = (
        r"3 articles, gthread:1x2, {what}, after: {N} answered in {N} s = {N}/s; p50 {N} ms, "
        r"p95 {N} ms, p99 {N} ms; 0 errors; medians \(ms\) {actions}; CPU per request: server "
        r"{N} ms, PostgreSQL {N} ms, load generator {N} ms; send lag max {N} ms; gunicorn RSS "
        r"{N} MiB; load "
        r"average {N}"
    )
    assert_figures(
        lines,
        [
            r"seeded 3 articles x 2 spans in {N} s; 2 editors; \d+ CPUs shared by server, "
            r"PostgreSQL and the load generator",
            r"2 editors signed in over HTTP \(4 at a time\) in {N} s",
            scenario.format(what="mix at 20/s", actions=r"create {N}, decide {N}, .*", N="{N}"),
            scenario.format(
                what="2 editors deciding once a second", actions=r"decide {N}", N="{N}"
            ),
        ],
    )
    assert_nothing_left()

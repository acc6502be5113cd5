"""Exports and API latencies on a throw-away project, removed afterwards (unless ``--keep``).

Prints one figure a line: JSONL MB/s through the real view (the streamed response driven by
Django's test client), PostgreSQL building the same JSON itself (json_build_object/json_agg)
in the same run and the ratio of the two, CoNLL seconds per 1,000 articles, the other
formats, peak Python memory growth during an export (tracemalloc), SQL queries at two article
counts, the ClaimReview export with a verdict on every claim, list-endpoint and decision
medians, and optionally a snapshot build. The articles carry review rows (``--reviews`` per
article, as editors leave them by marking an article in progress or done), since every export
reads them.

Coupling to the app: the export and list URLs of the REST API, the table and column names
in ``DB_JSON_SQL`` (the database's version of the JSONL shape), ``snapshot_build``, and the
``verdict`` attribute with its history rows (``SpanEvent``) that the ClaimReview export reads.
"""

from __future__ import annotations

import argparse
import random
import tracemalloc
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from articles.models import Article, Label, Project, Review, Snapshot, Span, SpanEvent
from articles.services import snapshot_build
from benchmarks import seeding
from benchmarks.cli import Output
from benchmarks.errors import BenchmarkError
from benchmarks.timing import interleaved, ratio, repeat, timed

# The JSONL export's shape built by PostgreSQL alone: what streaming it could cost at best.
DB_JSON_SQL = """
SELECT json_build_object(
    'id', a.id, 'title', a.title, 'text', a.text, 'meta', a.meta,
    'reviews', COALESCE((
        SELECT json_agg(json_build_object(
            'annotator', ru.username, 'state', r.state, 'updated_at', r.updated_at
        ) ORDER BY ru.username)
        FROM {review} r JOIN {user} ru ON ru.id = r.annotator_id WHERE r.article_id = a.id
    ), '[]'::json),
    'spans', COALESCE((
        SELECT json_agg(json_build_object(
            'id', s.id, 'start', s.start, 'end', s."end", 'label', l.name, 'text', s.text,
            'attrs', s.attrs, 'origin', s.origin, 'status', s.status, 'annotator', u.username,
            'confidence', s.confidence, 'updated_at', s.updated_at
        ) ORDER BY s.start, s."end" DESC, l.name, s.id)
        FROM {span} s JOIN {label} l ON l.id = s.label_id
        LEFT JOIN {user} u ON u.id = s.annotator_id
        WHERE s.article_id = a.id AND s.status = 'accepted'
    ), '[]'::json)
)::text
FROM {article} a WHERE a.project_id = %s ORDER BY a.id
"""

CHUNK = 500  # articles per export chunk (the exports' keyset page), for the query figure
ROUNDS = 3
REQUESTS = 30


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--spans", type=int, default=25, help="Accepted spans per article.")
    parser.add_argument(
        "--reviews", type=int, choices=(0, 1, 2), default=2, help="Review rows per article."
    )
    parser.add_argument("--text", type=Path, help="Article text file (else ~7 KB generated).")
    parser.add_argument("--large", type=int, default=5000, help="Article count for queries.")
    parser.add_argument("--snapshot-articles", type=int, default=0)
    parser.add_argument("--snapshot-spans", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="Keep the throwaway project.")


def run(options: argparse.Namespace, out: Output) -> None:
    if options.articles < 1 or options.spans < 1:
        raise BenchmarkError("--articles and --spans must be positive.")
    text = None
    if options.text:
        try:
            text = seeding.read_text(options.text)
        except (OSError, UnicodeDecodeError) as error:
            raise BenchmarkError(f"Cannot read {options.text}: {error}") from None
    corpus = _Corpus(text, random.Random(7))
    out(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    with (
        seeding.scratch(keep=options.keep) as made,
        override_settings(ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False, DEBUG=False),
    ):
        owner = made.user()
        decider = made.user()
        project = made.project("export", admin=owner, editors=[decider])
        _exports(project, [owner, decider], corpus, options, out)
        _latencies(project, owner, decider, out)
        if options.snapshot_articles:
            _snapshot(made, owner, corpus, options, out)


class _Corpus:
    """Seeds projects with the same text source (a file, or seeded random text)."""

    def __init__(self, text: str | None, rng: random.Random) -> None:
        self.text, self.rng = text, rng

    def seed(
        self, project: Project, owner: seeding.BenchUser, count: int, spans: int, offset: int = 0
    ) -> float:
        return seeding.accepted_corpus(
            project,
            count=count,
            spans=spans,
            annotator=owner.user,
            text=self.text,
            rng=self.rng,
            offset=offset,
        )


def _client(user: seeding.BenchUser) -> Client:
    client = Client()
    client.force_login(user.user)
    return client


def _drive(client: Client, url: str) -> tuple[int, float]:
    """GET a streamed response and read it all: (bytes, seconds)."""

    def read() -> int:
        response = client.get(url)
        if response.status_code != 200:
            raise BenchmarkError(f"{url} answered {response.status_code}")
        chunks: Iterable[bytes] = response.streaming_content  # type: ignore[attr-defined]
        return sum(len(chunk) for chunk in chunks)

    return timed(read)


def _db_json(project: Project) -> tuple[int, float]:
    """PostgreSQL building the JSONL lines, read through a server-side cursor: (bytes, s)."""
    sql = DB_JSON_SQL.format(
        span=Span._meta.db_table,
        review=Review._meta.db_table,
        label=Label._meta.db_table,
        user=get_user_model()._meta.db_table,
        article=Article._meta.db_table,
    )

    def read() -> int:
        size = 0
        with transaction.atomic(), connection.connection.cursor(name="bench_json") as cursor:
            cursor.itersize = CHUNK
            cursor.execute(sql, [project.pk])
            for (line,) in cursor:
                size += len(line.encode("utf-8")) + 1
        return size

    return timed(read)


def _reviews(project: Project, reviewers: list[seeding.BenchUser]) -> int:
    """One review row per article and reviewer (the first done, the next in progress)."""
    states = [Review.State.DONE, Review.State.IN_PROGRESS]
    ids = Article.objects.filter(project=project).values_list("pk", flat=True)
    rows = [
        Review(article_id=pk, annotator=who.user, state=states[n % 2])
        for pk in ids
        for n, who in enumerate(reviewers)
    ]
    return len(Review.objects.bulk_create(rows, batch_size=5000))


def _exports(
    project: Project,
    users: list[seeding.BenchUser],
    corpus: _Corpus,
    options: argparse.Namespace,
    out: Output,
) -> None:
    owner = users[0]
    count, spans = options.articles, options.spans
    seconds = corpus.seed(project, owner, count, spans)
    out(f"seeded {count} articles x {spans} spans in {seconds:.1f} s")
    if options.reviews:
        made = _reviews(project, users[: options.reviews])
        out(f"seeded {made} review rows ({options.reviews} per article)")
    client = _client(owner)
    url = f"/api/projects/{project.pk}/export/?format="
    _drive(client, url + "jsonl")  # warm caches once, as a real server would be

    # Ours and the database's alternate, and each side keeps its best round: the same
    # treatment for both, and less noise from whatever else the machine runs.
    on_postgres = connection.vendor == "postgresql"
    ours_runs, db_runs = interleaved(
        lambda: _drive(client, url + "jsonl"),
        (lambda: _db_json(project)) if on_postgres else None,
        ROUNDS,
    )
    size, seconds = min(ours_runs, key=lambda run: run[1])
    ours = size / seconds / 1e6
    out(
        f"jsonl export ({count} articles, best of 3): {size / 1e6:.1f} MB in {seconds:.2f} s "
        f"= {ours:.1f} MB/s"
    )
    if db_runs:
        db_size, db_seconds = min(db_runs, key=lambda run: run[1])
        theirs = db_size / db_seconds / 1e6
        out(
            f"database json_agg same rows (best of 3): {db_size / 1e6:.1f} MB in "
            f"{db_seconds:.2f} s = {theirs:.1f} MB/s; ours/db = {ratio(ours, theirs):.2f}"
        )

    conll_seconds = min(_drive(client, url + "conll")[1] for _ in range(ROUNDS))
    out(
        f"conll export (best of 3): {conll_seconds:.2f} s for {count} articles = "
        f"{conll_seconds / count * 1000:.2f} s per 1,000 articles"
    )
    for fmt in ("csv", "webanno", "spacy"):
        fsize, fseconds = _drive(client, url + fmt)
        out(f"{fmt} export: {fsize / 1e6:.1f} MB in {fseconds:.2f} s")

    tracemalloc.start()
    baseline, _ = tracemalloc.get_traced_memory()
    _drive(client, url + "jsonl")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out(f"peak Python memory growth during jsonl export: {(peak - baseline) / 1e6:.1f} MB")

    with CaptureQueriesContext(connection) as small:
        _drive(client, url + "jsonl")
    large = options.large
    if large > count:
        seconds = corpus.seed(project, owner, large - count, spans, offset=count)
        out(f"seeded {large - count} articles x {spans} spans in {seconds:.1f} s")
        with CaptureQueriesContext(connection) as big:
            _drive(client, url + "jsonl")
        chunks = -(-large // CHUNK) - -(-count // CHUNK)
        out(
            f"sql queries per jsonl export: {len(small)} at {count} articles, "
            f"{len(big)} at {large} articles: +{len(big) - len(small)} for {chunks} more "
            "chunks of 500 articles (3 queries a chunk, none per article)"
        )
    else:
        out(f"sql queries per jsonl export: {len(small)} at {count} articles")
    _claimreview(project, client, url, out)


def _claimreview(project: Project, client: Client, url: str, out: Output) -> None:
    """Every claim of the project gets a verdict, with the history row the span card would
    leave, then the ClaimReview export (which reads that history) is timed once."""
    claims = Span.objects.filter(article__project=project, label__name="claim")
    attrs = {"verdict": "false", "verdict_note": "Benchmark verdict."}
    with transaction.atomic():
        claims.update(attrs=attrs)
        events = [
            SpanEvent(
                span_id=span_id,
                span_ref=span_id,
                article_id=article_id,
                action=SpanEvent.Action.UPDATE,
                before={"attrs": {}},
                after={"attrs": attrs},
            )
            for span_id, article_id in claims.values_list("id", "article_id")
        ]
        SpanEvent.objects.bulk_create(events, batch_size=5000)
    articles = Article.objects.filter(project=project).count()
    with CaptureQueriesContext(connection) as queries:
        size, seconds = _drive(client, url + "claimreview")
    out(
        f"claimreview export ({len(events)} reviews of {articles} articles): {size / 1e6:.1f} MB"
        f" in {seconds:.2f} s = {len(events) / seconds:.0f} reviews/s, {len(queries)} sql queries"
    )


def _latencies(
    project: Project, owner: seeding.BenchUser, decider: seeding.BenchUser, out: Output
) -> None:
    client = _client(owner)
    for name, path in (
        ("articles list", f"/api/articles/?project={project.pk}"),
        ("spans list", f"/api/spans/?project={project.pk}"),
        ("projects list", "/api/projects/"),
    ):
        ms = repeat(partial(client.get, path), REQUESTS).median
        out(f"{name} median: {ms:.1f} ms ({REQUESTS} requests)")
    article = seeding.first_article(project)
    pending = iter(seeding.short_suggestions(article, REQUESTS))
    deciding = _client(decider)
    ms = repeat(
        lambda: deciding.post(
            f"/api/spans/{next(pending).pk}/decision/",
            {"decision": "reject"},
            content_type="application/json",
        ),
        REQUESTS,
    ).median
    out(f"decision (POST /api/spans/{{id}}/decision/) median: {ms:.1f} ms ({REQUESTS} requests)")
    ms = repeat(lambda: client.get(f"/api/articles/{article.pk}/spans/"), REQUESTS).median
    out(f"article spans (editor view) median: {ms:.1f} ms")


def _snapshot(
    made: seeding.Scratch,
    owner: seeding.BenchUser,
    corpus: _Corpus,
    options: argparse.Namespace,
    out: Output,
) -> None:
    count, spans = options.snapshot_articles, options.snapshot_spans
    project = made.project("snapshot", admin=owner)
    try:
        seconds = corpus.seed(project, owner, count, spans)
        out(f"seeded {count} articles x {spans} spans in {seconds:.1f} s")
        # Empty filters are the export defaults (accepted spans of every layer).
        pending = Snapshot.objects.create(project=project, version=1, format="jsonl", filters={})
        built, seconds = timed(lambda: snapshot_build(snapshot_id=pending.pk))
        out(
            f"snapshot jsonl {count}x{spans}: {seconds:.1f} s, "
            f"{built.size_bytes / 1e6:.0f} MB, {built.span_count} spans, "
            f"sha256 {built.sha256[:12]}…"
        )
    finally:
        made.remove(project)  # its many rows would slow everything measured after it

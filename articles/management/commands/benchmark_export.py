"""Measure exports and API latencies on a throwaway project, then remove it.

Prints one figure a line: JSONL MB/s through the real view (streamed response driven by the
test client), the database building the same JSON itself (json_build_object/json_agg) in the
same run and the ratio, CoNLL seconds per 1,000 articles, peak Python memory growth during the
export (tracemalloc), SQL queries at N vs the larger article count, list-endpoint and decision
medians, and optionally a snapshot build.

    python manage.py benchmark_export --articles 1000 --spans 25 [--text FILE]
        [--large 5000] [--snapshot-articles 10000 --snapshot-spans 40] [--keep]

The database must be PostgreSQL for the json_agg comparison (other engines skip it).
"""

from __future__ import annotations

import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from articles.models import Article, Label, Membership, Project, Role, Snapshot, Span, SpanEvent
from articles.selectors.exports import ExportFilters
from articles.services import project_create
from articles.services.snapshots import snapshot_build
from articles.text import content_hash, normalize_text

_VOCABULARY = (
    "the council said taxes may rise next year according to officials who spoke on condition "
    "of anonymity while critics argued that the bridge project was late and over budget and "
    "residents could face higher fares unless the minister intervenes before the election"
)
WORDS = _VOCABULARY.split(" ")

DB_JSON_SQL = """
SELECT json_build_object(
    'id', a.id, 'title', a.title, 'text', a.text, 'meta', a.meta,
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


def generated_text(rng: random.Random, size: int) -> str:
    parts: list[str] = []
    length = 0
    while length < size:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 22)))
        sentence = sentence[0].upper() + sentence[1:] + rng.choice([".", ".", "?", ","])
        if rng.random() < 0.15:
            sentence = f'"{sentence}" said {rng.choice(["Ana Lima", "the mayor", "a spokesman"])}.'
        parts.append(sentence)
        length += len(sentence) + 1
        if rng.random() < 0.12:
            parts.append("\n\n")
    return normalize_text(" ".join(parts).replace(" \n\n ", "\n\n"))


def span_positions(text: str, count: int) -> list[tuple[int, int]]:
    """``count`` non-overlapping word-aligned ranges spread over the text."""
    positions = []
    step = len(text) // count
    for index in range(count):
        start = index * step
        while start < len(text) and (
            text[start].isspace() or (start and text[start - 1].isalnum())
        ):
            start += 1
        end = min(start + min(60, step - 10), (index + 1) * step - 1)
        while end > start and (
            text[end - 1].isspace() or (end < len(text) and text[end].isalnum())
        ):
            end -= 1
        if end - start >= 2:
            positions.append((start, end))
    return positions


def median_ms(action: Callable[[], Any], runs: int) -> float:
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


class Command(BaseCommand):
    help = "Benchmark exports (JSONL vs the database's own JSON, CoNLL, memory, queries)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--articles", type=int, default=1000)
        parser.add_argument("--spans", type=int, default=25, help="Accepted spans per article.")
        parser.add_argument("--text", type=Path, help="Article text file (else ~7 KB generated).")
        parser.add_argument("--large", type=int, default=5000, help="Article count for queries.")
        parser.add_argument("--snapshot-articles", type=int, default=0)
        parser.add_argument("--snapshot-spans", type=int, default=40)
        parser.add_argument("--keep", action="store_true", help="Keep the throwaway project.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["articles"] < 1 or options["spans"] < 1:
            raise CommandError("--articles and --spans must be positive.")
        text = None
        if options["text"]:
            try:
                text = normalize_text(options["text"].read_text(encoding="utf-8"))
            except OSError as error:
                raise CommandError(f"Cannot read {options['text']}: {error}") from None
        self.rng = random.Random(7)
        self.base_text = text
        stamp = int(time.time())
        users = get_user_model()
        self.user = users.objects.create_user(f"bench-{stamp}", password=None, is_superuser=False)
        self.decider = users.objects.create_user(f"bench-decider-{stamp}", password=None)
        project = project_create(name=f"benchmark-export-{stamp}", created_by=self.user)
        Membership.objects.create(project=project, user=self.decider, role=Role.EDITOR)
        self.vendor = connection.vendor
        self.out(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
        try:
            with override_settings(ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False, DEBUG=False):
                self.run(project, options)
        finally:
            if not options["keep"]:
                self.cleanup([project.pk], [self.user.pk, self.decider.pk])

    def out(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    # ---- seeding ------------------------------------------------------------------------

    def seed(self, project: Project, count: int, spans: int, offset: int = 0) -> None:
        labels = list(Label.objects.filter(project=project))
        began = time.perf_counter()
        batch = 500
        for first in range(offset, offset + count, batch):
            numbers = range(first, min(first + batch, offset + count))
            articles = []
            for number in numbers:
                body = self.base_text or generated_text(self.rng, 7000)
                body = f"Article {number}.\n\n{body}"
                articles.append(
                    Article(
                        project=project,
                        title=f"Benchmark article {number}",
                        text=body,
                        content_hash=content_hash(body),
                        meta={"n": number},
                    )
                )
            with transaction.atomic():
                Article.objects.bulk_create(articles, batch_size=batch)
                rows = []
                for article in articles:
                    for index, (start, end) in enumerate(span_positions(article.text, spans)):
                        rows.append(
                            Span(
                                article=article,
                                label=labels[index % len(labels)],
                                start=start,
                                end=end,
                                text=article.text[start:end],
                                origin=Span.Origin.HUMAN,
                                status=Span.Status.ACCEPTED,
                                annotator=self.user,
                                attrs={"speaker": "Ana Lima"} if index % 5 == 0 else {},
                            )
                        )
                Span.objects.bulk_create(rows, batch_size=5000)
        if connection.vendor == "postgresql":
            # Autovacuum would do this shortly after a bulk load; measure the settled state.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Article._meta.db_table}, {Span._meta.db_table}")
        self.out(f"seeded {count} articles x {spans} spans in {time.perf_counter() - began:.1f} s")

    # ---- measurements -------------------------------------------------------------------

    def client(self) -> Client:
        client = Client()
        client.force_login(self.user)
        return client

    def drive(self, client: Client, url: str) -> tuple[int, float]:
        began = time.perf_counter()
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        size = sum(len(chunk) for chunk in response.streaming_content)
        return size, time.perf_counter() - began

    def db_json(self, project: Project) -> tuple[int, float]:
        sql = DB_JSON_SQL.format(
            span=Span._meta.db_table,
            label=Label._meta.db_table,
            user=get_user_model()._meta.db_table,
            article=Article._meta.db_table,
        )
        began = time.perf_counter()
        size = 0
        with transaction.atomic(), connection.connection.cursor(name="bench_json") as cursor:
            cursor.itersize = 500
            cursor.execute(sql, [project.pk])
            for (line,) in cursor:
                size += len(line.encode("utf-8")) + 1
        return size, time.perf_counter() - began

    def run(self, project: Project, options: dict[str, Any]) -> None:
        count, spans = options["articles"], options["spans"]
        self.seed(project, count, spans)
        client = self.client()
        url = f"/api/projects/{project.pk}/export/?format="
        self.drive(client, url + "jsonl")  # warm caches once, as a real server would be

        # Alternate ours and the database's, three rounds, and keep each side's best round:
        # the same treatment for both, and less noise from whatever else the machine runs.
        ours_runs, db_runs = [], []
        for _ in range(3):
            ours_runs.append(self.drive(client, url + "jsonl"))
            if self.vendor == "postgresql":
                db_runs.append(self.db_json(project))
        size, seconds = min(ours_runs, key=lambda run: run[1])
        ours = size / seconds / 1e6
        self.out(
            f"jsonl export ({count} articles, best of 3): {size / 1e6:.1f} MB in {seconds:.2f} s "
            f"= {ours:.1f} MB/s"
        )
        if db_runs:
            db_size, db_seconds = min(db_runs, key=lambda run: run[1])
            theirs = db_size / db_seconds / 1e6
            self.out(
                f"database json_agg same rows (best of 3): {db_size / 1e6:.1f} MB in "
                f"{db_seconds:.2f} s = {theirs:.1f} MB/s; ours/db = {ours / theirs:.2f}"
            )

        conll_seconds = min(self.drive(client, url + "conll")[1] for _ in range(3))
        self.out(
            f"conll export (best of 3): {conll_seconds:.2f} s for {count} articles = "
            f"{conll_seconds / count * 1000:.2f} s per 1,000 articles"
        )
        for fmt in ("csv", "webanno", "spacy"):
            fsize, fseconds = self.drive(client, url + fmt)
            self.out(f"{fmt} export: {fsize / 1e6:.1f} MB in {fseconds:.2f} s")

        tracemalloc.start()
        baseline, _ = tracemalloc.get_traced_memory()
        self.drive(client, url + "jsonl")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.out(f"peak Python memory growth during jsonl export: {(peak - baseline) / 1e6:.1f} MB")

        with CaptureQueriesContext(connection) as small:
            self.drive(client, url + "jsonl")
        large = options["large"]
        if large > count:
            self.seed(project, large - count, spans, offset=count)
            with CaptureQueriesContext(connection) as big:
                self.drive(client, url + "jsonl")
            chunks = -(-large // 500) - -(-count // 500)
            self.out(
                f"sql queries per jsonl export: {len(small)} at {count} articles, "
                f"{len(big)} at {large} articles: +{len(big) - len(small)} for {chunks} more "
                "chunks of 500 articles (2 queries a chunk, none per article)"
            )
        else:
            self.out(f"sql queries per jsonl export: {len(small)} at {count} articles")

        self.latencies(project, client)

        if options["snapshot_articles"]:
            self.snapshot(options["snapshot_articles"], options["snapshot_spans"])

    def latencies(self, project: Project, client: Client) -> None:
        runs = 30
        for name, path in (
            ("articles list", f"/api/articles/?project={project.pk}"),
            ("spans list", f"/api/spans/?project={project.pk}"),
            ("projects list", "/api/projects/"),
        ):
            ms = median_ms(lambda path=path: client.get(path), runs)
            self.out(f"{name} median: {ms:.1f} ms ({runs} requests)")
        article = Article.objects.filter(project=project).order_by("id").first()
        label = Label.objects.filter(project=project).first()
        suggestions = []
        for index in range(runs):
            start = index * 3
            suggestions.append(
                Span.objects.create(
                    article=article,
                    label=label,
                    start=start,
                    end=start + 2,
                    text=article.text[start : start + 2],
                    origin=Span.Origin.MACHINE,
                    status=Span.Status.SUGGESTED,
                    confidence=0.5,
                )
            )
        decider = Client()
        decider.force_login(self.decider)
        pending = iter(suggestions)
        ms = median_ms(
            lambda: decider.post(
                f"/api/spans/{next(pending).pk}/decision/",
                {"decision": "reject"},
                content_type="application/json",
            ),
            runs,
        )
        self.out(
            f"decision (POST /api/spans/{{id}}/decision/) median: {ms:.1f} ms ({runs} requests)"
        )
        ms = median_ms(lambda: client.get(f"/api/articles/{article.pk}/spans/"), runs)
        self.out(f"article spans (editor view) median: {ms:.1f} ms")

    def snapshot(self, count: int, spans: int) -> None:
        stamp = int(time.time())
        project = project_create(name=f"benchmark-snapshot-{stamp}", created_by=self.user)
        try:
            self.seed(project, count, spans)
            snap = Snapshot.objects.create(
                project=project, version=1, format="jsonl", filters=ExportFilters().as_json()
            )
            began = time.perf_counter()
            built = snapshot_build(snapshot_id=snap.pk)
            seconds = time.perf_counter() - began
            self.out(
                f"snapshot jsonl {count}x{spans}: {seconds:.1f} s, "
                f"{built.size_bytes / 1e6:.0f} MB, {built.span_count} spans, "
                f"sha256 {built.sha256[:12]}…"
            )
            built.file.delete(save=False)
        finally:
            self.cleanup([project.pk], [])

    def cleanup(self, project_ids: list[int], user_ids: list[int]) -> None:
        # Raw deletes: the ORM's cascade would load every span to honour RESTRICT/SET_NULL.
        tables = {
            "event": SpanEvent._meta.db_table,
            "span": Span._meta.db_table,
            "article": Article._meta.db_table,
        }
        with transaction.atomic(), connection.cursor() as cursor:
            for project_id in project_ids:
                articles = f"SELECT id FROM {tables['article']} WHERE project_id = %s"
                cursor.execute(
                    f"DELETE FROM {tables['event']} WHERE article_id IN ({articles})", [project_id]
                )
                cursor.execute(
                    f"DELETE FROM {tables['span']} WHERE derived_from_id IS NOT NULL "
                    f"AND article_id IN ({articles})",
                    [project_id],
                )
                cursor.execute(
                    f"DELETE FROM {tables['span']} WHERE article_id IN ({articles})", [project_id]
                )
                cursor.execute(
                    f"DELETE FROM {tables['article']} WHERE project_id = %s", [project_id]
                )
            Snapshot.objects.filter(project_id__in=project_ids).delete()
            Project.objects.filter(pk__in=project_ids).delete()
            get_user_model().objects.filter(pk__in=user_ids).delete()

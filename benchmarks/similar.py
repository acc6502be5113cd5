"""Similar claims: the time to embed claims with the real model, and the lookup
(``similar_claims``, what ``GET /api/spans/{id}/similar/`` answers) at many claim spans.

Only ``--claims`` spans are embedded by the model. To reach ``--spans`` without hours of
encoding, the other vectors are derived from those real ones plus Gaussian noise (then made
unit length again), each on a span of its own whose text is its source claim's text with a
number: the vectors are as many and spread like real ones, but they are not the model's
vectors of those texts. Also prints the precision at 1 of both methods on the paraphrase set.
Works in a throw-away project, deleted afterwards. Needs the embeddings extra.
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from articles import embeddings
from articles.guidelines import CLAIM_LABEL
from articles.models import Article, Label, Project, Span, SpanEmbedding
from articles.selectors.similar import SimilarQuery, similar_claims
from articles.services.embeddings import spans_embed
from articles.text import content_hash
from benchmarks import paraphrases, seeding
from benchmarks.cli import Output
from benchmarks.errors import BenchmarkError
from benchmarks.timing import samples

PER_ARTICLE = 20
# As migration 0014 makes it.
HNSW_INDEX = "span_embedding_hnsw"
HNSW_CREATE = (
    f"CREATE INDEX {HNSW_INDEX} ON articles_spanembedding USING hnsw (embedding vector_cosine_ops)"
)
_SUBJECTS = [
    "The city", "The council", "The government", "The ministry", "The region", "The school board",
    "The hospital trust", "The transport authority", "The university", "The central bank",
    "The police", "The energy company", "The football club", "The port authority",
    "The housing agency", "The water utility", "The airline", "The army", "The museum",
    "The tax office",
]  # fmt: skip
_VERBS = [
    "spent", "cut", "raised", "lost", "borrowed", "promised", "saved", "invested", "wasted",
    "collected",
]  # fmt: skip
_OBJECTS = [
    "on electric buses", "on new schools", "for road repairs", "on hospital beds",
    "for social housing", "on wind farms", "for police pay", "on the new stadium",
    "for flood defences", "on broadband in villages", "for teachers' salaries",
    "on the airport expansion", "for clean drinking water", "on cycling lanes",
    "for cancer research", "on public transport",
]  # fmt: skip


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--claims", type=int, default=1000, help="Claims the model embeds.")
    parser.add_argument("--spans", type=int, default=100_000, help="Claim spans in all.")
    parser.add_argument("--lookups", type=int, default=200, help="Lookups timed.")
    parser.add_argument("--noise", type=float, default=0.03, help="Per-dimension noise.")
    parser.add_argument("--seed", type=int, default=13)


def claim_texts(count: int, rng: random.Random) -> list[str]:
    """Distinct claim sentences with amounts and years, from a few word lists."""
    seen: set[str] = set()
    while len(seen) < count:
        subject, verb, thing = rng.choice(_SUBJECTS), rng.choice(_VERBS), rng.choice(_OBJECTS)
        amount = rng.randint(2, 950)
        seen.add(f"{subject} {verb} {amount} million euros {thing} in {rng.randint(1990, 2030)}.")
    return sorted(seen)


def _insert(project: Project, texts: list[str]) -> list[Span]:
    """Articles of ``PER_ARTICLE`` claim suggestions each, one sentence per span."""
    label = Label.objects.get(project=project, name=CLAIM_LABEL)
    spans: list[Span] = []
    for first in range(0, len(texts), PER_ARTICLE * 500):
        chunk = texts[first : first + PER_ARTICLE * 500]
        groups = [chunk[i : i + PER_ARTICLE] for i in range(0, len(chunk), PER_ARTICLE)]
        articles = []
        for n, group in enumerate(groups):
            body = f"Claims {first + n}.\n" + "\n".join(group)
            articles.append(
                Article(
                    project=project,
                    title=f"Benchmark claims {first + n}",
                    text=body,
                    content_hash=content_hash(body),
                )
            )
        rows = []
        with transaction.atomic():
            Article.objects.bulk_create(articles, batch_size=500)
            for article, group in zip(articles, groups, strict=True):
                at = article.text.index("\n") + 1
                for sentence in group:
                    rows.append(
                        Span(
                            article=article,
                            label=label,
                            start=at,
                            end=at + len(sentence),
                            text=sentence,
                            origin=Span.Origin.MACHINE,
                            status=Span.Status.SUGGESTED,
                            tagger_version="bench@1",
                        )
                    )
                    at += len(sentence) + 1
            spans.extend(Span.objects.bulk_create(rows, batch_size=5000))
    return spans


def _derived(real: list[SpanEmbedding], spans: list[Span], sigma: float, seed: int) -> None:
    """Store noisy copies of the real vectors on ``spans`` (see the module docstring)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    base = np.stack([np.frombuffer(bytes(e.vector), dtype="<f4") for e in real])
    model = embeddings.model_id()
    pgvector = settings.SIMILAR_PGVECTOR and embeddings.pgvector_column()
    columns = "span_id, project_id, article_id, model, digest, vector, created_at"
    rows: list[SpanEmbedding] = []
    with transaction.atomic(), connection.cursor() as cursor:
        if pgvector:
            # Building the index once after the load is many times faster than growing it
            # row by row; in the transaction, so an error leaves the index as it was.
            cursor.execute(f"DROP INDEX {HNSW_INDEX}")
        for first in range(0, len(spans), 5000):
            chunk = spans[first : first + 5000]
            picks = np.arange(first, first + len(chunk)) % len(real)
            vectors = base[picks] + rng.normal(0.0, sigma, (len(chunk), embeddings.DIMENSIONS))
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = vectors.astype("<f4")
            now = time.time()
            if connection.vendor != "postgresql":
                rows.extend(
                    SpanEmbedding(
                        span_id=span.pk,
                        project_id=span.article.project_id,
                        article_id=span.article_id,
                        model=model,
                        digest=embeddings.digest(span.text),
                        vector=vector.tobytes(),
                    )
                    for span, vector in zip(chunk, vectors, strict=True)
                )
                continue
            extra = ", embedding" if pgvector else ""
            with cursor.cursor.copy(
                f"COPY {SpanEmbedding._meta.db_table} ({columns}{extra}) FROM STDIN"
            ) as copy:
                for span, vector in zip(chunk, vectors, strict=True):
                    row: list[Any] = [
                        span.pk,
                        span.article.project_id,
                        span.article_id,
                        model,
                        embeddings.digest(span.text),
                        vector.tobytes(),
                        _timestamp(now),
                    ]
                    if pgvector:
                        row.append(str(vector.tolist()))  # "[x, y, …]", pgvector's text form
                    copy.write_row(row)
        SpanEmbedding.objects.bulk_create(rows, batch_size=2000)
        if pgvector:
            # The deferred foreign-key checks of the load must run before an index is made.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cursor.execute(HNSW_CREATE)


def _timestamp(now: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(now))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def run(options: argparse.Namespace, out: Output) -> None:
    if not embeddings.available():
        raise BenchmarkError("needs the embeddings extra (pip install -e '.[embeddings]').")
    if not 1 <= options.claims <= options.spans:
        raise BenchmarkError("--claims must be at least 1 and at most --spans.")
    if options.lookups < 1:
        raise BenchmarkError("--lookups must be positive.")
    rng = random.Random(options.seed)
    pgvector = settings.SIMILAR_PGVECTOR and embeddings.pgvector_column()
    search = "pgvector HNSW" if pgvector else "brute force"
    out(f"database: {connection.vendor}; search: {search}; model {embeddings.model_id()}")
    with seeding.scratch() as made:
        owner = made.user()
        project = made.project("similar", admin=owner)
        texts = claim_texts(options.claims, rng)
        derived_texts = [
            f"{texts[n % len(texts)][:-1]} (variant {n})."
            for n in range(options.spans - options.claims)
        ]
        began = time.perf_counter()
        spans = _insert(project, texts + derived_texts)
        out(f"seeded {len(spans):,} claim spans in {time.perf_counter() - began:.1f} s")

        began = time.perf_counter()
        embeddings.encode(["warm-up"])
        out(f"model load: {time.perf_counter() - began:.1f} s")
        real = spans[: options.claims]
        began = time.perf_counter()
        written = spans_embed(span_ids=[span.pk for span in real])
        took = time.perf_counter() - began
        out(
            f"embed {written:,} claims (real model, stored): {took:.1f} s = "
            f"{written / took:,.0f} claims/s"
        )
        stored = list(SpanEmbedding.objects.filter(span__in=real).order_by("span_id"))
        began = time.perf_counter()
        _derived(stored, spans[options.claims :], options.noise, options.seed)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {SpanEmbedding._meta.db_table}, {Span._meta.db_table}")
        out(
            f"derived {len(spans) - options.claims:,} vectors (real ones plus noise "
            f"sigma={options.noise}, not the model's) in {time.perf_counter() - began:.1f} s"
        )

        sources = rng.sample(spans, min(options.lookups, len(spans)))
        query = SimilarQuery()
        similar_claims(user=owner.user, span_id=sources[0].pk, query=query)  # warm caches
        durations, found = [], 0
        for span in sources:
            began = time.perf_counter()
            answer = similar_claims(user=owner.user, span_id=span.pk, query=query)
            durations.append((time.perf_counter() - began) * 1000)
            found += len(answer["results"])
        timing = samples(durations)
        out(
            f"similar lookup at {len(spans):,} claim spans ({len(sources)} lookups, limit "
            f"{query.limit}): median {timing.median:.1f} ms, p95 {_p95(durations):.1f} ms, "
            f"{found / len(sources):.1f} results per lookup"
        )
        made.remove(project)

        project = made.project("paraphrases", admin=owner)
        cases = paraphrases.load_cases()
        seeded = paraphrases.seed(project, cases)
        lexical, _ = paraphrases.measure(owner.user, cases, seeded)
        paraphrases.embed(seeded)
        embedding, _ = paraphrases.measure(owner.user, cases, seeded)
        out(
            f"paraphrase set ({len(cases)} claims): precision at 1 embedding {embedding:.3f}, "
            f"lexical {lexical:.3f}"
        )

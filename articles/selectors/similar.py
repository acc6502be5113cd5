"""Similar claims across the projects a user can read: the lexical measure (pure) and the
lookup, by one of two methods.

- ``embedding`` when the source span has a vector (the embeddings extra, computed by the
  worker): cosine similarity of sentence embeddings, found with pgvector's HNSW index on
  PostgreSQL where migration 0014 set it up, by brute force over the stored vectors
  elsewhere. Candidates without a vector yet are not found by this method.
- ``lexical`` otherwise: ``lexical_score``, over every candidate on SQLite, over the best
  trigram matches (pg_trgm's GIN index) on PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from articles import embeddings
from articles.access import readable_spans
from articles.guidelines import CLAIM_LABEL, is_claim_label
from articles.models import Span, SpanEmbedding
from articles.selectors.spans import span_get
from articles.types import AnyUser

_CURRENCY = {"€": " euro ", "$": " dollar ", "£": " pound "}
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "for",
        "to",
        "and",
        "or",
        "by",
        "with",
        "at",
        "from",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "new",
    ]
)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+")


def _tokens(text: str) -> tuple[set[str], set[str]]:
    """Content-word stems and numbers: currency signs become words, so "€61" ~ "61 euros"."""
    for sign, word in _CURRENCY.items():
        text = text.replace(sign, word)
    words, numbers = set(), set()
    for token in _TOKEN.findall(text.lower()):
        if token[0].isdigit():
            numbers.add(token.replace(",", ""))
        elif token not in _STOP:
            stem = token[:-1] if len(token) > 3 and token.endswith("s") else token
            words.add(stem[:5])
    return words, numbers


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 0.0


def lexical_score(a: str, b: str) -> float:
    """0..1: word-stem overlap, with numbers weighing in: different numbers ("61" vs "16")
    halve the score at least."""
    words_a, nums_a = _tokens(a)
    words_b, nums_b = _tokens(b)
    score = _dice(words_a, words_b)
    if nums_a or nums_b:
        agree = len(nums_a & nums_b) / len(nums_a | nums_b)
        score = (0.75 * score + 0.25 * agree) * (0.5 + 0.5 * agree)
    return score


@dataclass(frozen=True)
class SimilarQuery:
    project_id: int | None = None
    min_score: float = 0.3
    limit: int = 10


Scored = list[tuple[float, Span]]
T = TypeVar("T")
# Trigram candidates re-ranked by the lexical measure; below this trigram similarity a claim
# shares too few letters to be worth scoring.
TRIGRAM_THRESHOLD = 0.1
TRIGRAM_CANDIDATES = 500


def similar_claims(*, user: AnyUser, span_id: int, query: SimilarQuery) -> dict[str, Any]:
    """The answer of ``GET /api/spans/{id}/similar/``. A span of another label than the claim
    label has no similar claims (an empty list). Rejected spans are left out; a suggestion
    and a decision on the same range of the same article count once."""
    source = span_get(user=user, span_id=span_id)
    vector = _source_vector(source)
    method = "lexical" if vector is None else "embedding"
    answer: dict[str, Any] = {"span": source.pk, "method": method, "results": []}
    if not is_claim_label(source.label.name):
        return answer
    candidates = _candidates(user, source, query)
    if vector is None:
        ranked = _rank(_lexical(source, candidates, query), query.limit)
    elif settings.SIMILAR_PGVECTOR and embeddings.pgvector_column():
        ranked = _pgvector(user, source, vector, candidates, query)
    else:
        ranked = _rank(_brute_force(vector, candidates, query), query.limit)
    answer["results"] = [_row(score, span) for score, span in ranked]
    return answer


def _source_vector(source: Span) -> SpanEmbedding | None:
    return SpanEmbedding.objects.filter(span=source).only("model", "vector").first()


def _candidates(user: AnyUser, source: Span, query: SimilarQuery) -> QuerySet[Span]:
    candidates = Span.objects.filter(label__name=CLAIM_LABEL).exclude(article_id=source.article_id)
    candidates = candidates.exclude(status=Span.Status.REJECTED)
    if not user.is_superuser:
        candidates = candidates.filter(article__project__memberships__user_id=cast(int, user.pk))
    decided = Span.objects.filter(derived_from=OuterRef("pk"), annotator_id=user.pk)
    candidates = readable_spans(candidates, user).exclude(Exists(decided), annotator__isnull=True)
    if query.project_id is not None:
        candidates = candidates.filter(article__project_id=query.project_id)
    return candidates.select_related("label", "article__project").defer("article__text")


def _rank(scored: Scored, limit: int) -> Scored:
    """Best first; a suggestion and the caller's decision on it count once."""
    best: dict[tuple[int, int, int], tuple[float, Span]] = {}
    for score, span in scored:
        key = (span.article_id, span.start, span.end)
        kept = best.get(key)
        # The human decision wins over the suggestion it was made from.
        if kept is None or (kept[1].annotator_id is None and span.annotator_id is not None):
            best[key] = (score, span)
    return sorted(best.values(), key=lambda pair: (-pair[0], pair[1].pk))[:limit]


def _lexical(source: Span, candidates: QuerySet[Span], query: SimilarQuery) -> Scored:
    if embeddings.trigram_index():
        return _in_transaction(_trigram, source, candidates, query)
    scored = ((lexical_score(source.text, span.text), span) for span in candidates)
    return [(score, span) for score, span in scored if score >= query.min_score]


def _trigram(source: Span, candidates: QuerySet[Span], query: SimilarQuery) -> Scored:
    with connection.cursor() as cursor:
        # ``%`` (pg_trgm's similarity operator) is what the GIN index answers.
        # set_config, not SET: SET takes no bound parameter (server-side binding).
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(TRIGRAM_THRESHOLD)]
        )
    similar = ExpressionWrapper(
        RawSQL('"articles_span"."text" %% %s', [source.text]), output_field=BooleanField()
    )
    near = candidates.filter(similar).order_by(
        RawSQL('similarity("articles_span"."text", %s)', [source.text]).desc()
    )[:TRIGRAM_CANDIDATES]
    scored = ((lexical_score(source.text, span.text), span) for span in near)
    return [(score, span) for score, span in scored if score >= query.min_score]


def _brute_force(vector: SpanEmbedding, candidates: QuerySet[Span], query: SimilarQuery) -> Scored:
    """Every candidate's vector against the source's (SQLite; PostgreSQL without pgvector)."""
    stored = list(
        SpanEmbedding.objects.filter(
            span__in=candidates.values("pk"), model=vector.model
        ).values_list("span_id", "vector")
    )
    scores = embeddings.cosines(bytes(vector.vector), [bytes(v) for _, v in stored])
    kept = sorted(
        ((score, pk) for (pk, _), score in zip(stored, scores, strict=True)),
        reverse=True,
    )
    kept = [(score, pk) for score, pk in kept if score >= query.min_score]
    # Enough to fill the page after folding suggestions into decisions.
    top = dict((pk, score) for score, pk in kept[: 4 * query.limit + 20])
    return [(top[span.pk], span) for span in candidates.filter(pk__in=list(top))]


def _pgvector(
    user: AnyUser,
    source: Span,
    vector: SpanEmbedding,
    candidates: QuerySet[Span],
    query: SimilarQuery,
) -> Scored:
    """The nearest vectors by the HNSW index, then the access rules on those few spans.

    The index scan keeps to the caller's projects and goes on past filtered rows (pgvector's
    iterative scan); what the access rules then leave out (rejected spans, other editors'
    layers of blind projects) is made up for by asking for more, a few times at most.
    """
    # The caller's projects (all for a superuser), narrowed to the one asked for.
    projects: tuple[str, list[Any]] = ("", [])
    if not user.is_superuser:
        projects = (
            "AND project_id IN (SELECT project_id FROM articles_membership WHERE user_id = %s)",
            [user.pk],
        )
    if query.project_id is not None:
        projects = (projects[0] + " AND project_id = %s", [*projects[1], query.project_id])
    wanted = 4 * query.limit + 20
    while True:
        nearest = _in_transaction(_nearest, vector, source.article_id, projects, wanted)
        scores = {
            pk: 1.0 - distance for pk, distance in nearest if 1.0 - distance >= query.min_score
        }
        ranked = _rank(
            [(scores[span.pk], span) for span in candidates.filter(pk__in=list(scores))],
            query.limit,
        )
        exhausted = len(nearest) < wanted or len(scores) < len(nearest)
        if len(ranked) >= query.limit or exhausted or wanted >= 5000:
            return ranked
        wanted *= 4


def _nearest(
    vector: SpanEmbedding, article_id: int, projects: tuple[str, list[Any]], wanted: int
) -> list[tuple[int, float]]:
    where, project_params = projects
    params = [embeddings.literal(bytes(vector.vector)), vector.model, article_id, *project_params]
    with connection.cursor() as cursor:
        ef_search = min(1000, max(40, wanted))
        cursor.execute(
            f"SET LOCAL hnsw.iterative_scan = strict_order; SET LOCAL hnsw.ef_search = {ef_search}"
        )
        cursor.execute(
            "SELECT span_id, embedding <=> %s::vector AS distance FROM articles_spanembedding "
            f"WHERE model = %s AND article_id <> %s AND embedding IS NOT NULL {where} "
            "ORDER BY distance LIMIT %s",
            [*params, wanted],
        )
        return [(pk, float(distance)) for pk, distance in cursor.fetchall()]


def _in_transaction(run: Callable[..., T], *args: Any) -> T:
    # SET LOCAL lasts until the end of the transaction: one of our own unless inside one.
    with transaction.atomic():
        return run(*args)


def _row(score: float, span: Span) -> dict[str, Any]:
    article = span.article
    return {
        "id": span.pk,
        "text": span.text,
        "label": span.label.name,
        "status": span.status,
        "score": round(score, 3),
        "attrs": span.attrs,
        "article": {"id": article.pk, "title": article.title, "url": article.source_url},
        "project": {"id": article.project.pk, "name": article.project.name},
        "editor_url": f"/articles/{article.pk}/#span-{span.pk}",
    }

"""Embedding writes: the vectors of claim spans, for similar claims.

Run by the Celery worker (``articles/tasks/embeddings.py``) and ``manage.py embed_claims``;
a no-op where the embeddings extra is not installed. A span whose text was embedded before
under the same encoder (a decision copies its suggestion's text) reuses that vector.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet

from articles import embeddings, queue
from articles.guidelines import CLAIM_LABEL
from articles.models import Project, Span, SpanEmbedding


def claims_without_embedding(*, project: Project | None = None) -> QuerySet[Span]:
    """Claim spans with no vector of the current encoder, in id order."""
    spans = Span.objects.filter(label__name=CLAIM_LABEL).exclude(
        embedding__model=embeddings.model_id()
    )
    if project is not None:
        spans = spans.filter(article__project=project)
    return spans.order_by("pk")


def spans_embed(*, span_ids: Sequence[int]) -> int:
    """Embed the claim spans among ``span_ids`` whose vector is missing, of another encoder
    or of an older text; returns how many vectors were written. Ids of deleted or non-claim
    spans are skipped (the task may run after they changed)."""
    if not span_ids or not embeddings.available():
        return 0
    model = embeddings.model_id()
    spans = list(
        Span.objects.filter(pk__in=list(span_ids), label__name=CLAIM_LABEL)
        .select_related("article")
        .only("pk", "text", "article_id", "article__project_id")
    )
    current = set(
        SpanEmbedding.objects.filter(span__in=spans, model=model).values_list("span_id", "digest")
    )
    todo = [(span, embeddings.digest(span.text)) for span in spans]
    todo = [(span, key) for span, key in todo if (span.pk, key) not in current]
    if not todo:
        return 0
    known = dict(
        SpanEmbedding.objects.filter(model=model, digest__in={key for _, key in todo})
        .values_list("digest", "vector")
        .distinct()
    )
    new = {key: span.text for span, key in todo if key not in known}
    # The encoder runs outside any transaction: it takes a while, and locks nothing.
    known.update(zip(new, embeddings.encode(list(new.values())), strict=True))
    rows = [
        SpanEmbedding(
            span_id=span.pk,
            project_id=span.article.project_id,
            article_id=span.article_id,
            model=model,
            digest=key,
            vector=bytes(known[key]),
        )
        for span, key in todo
    ]
    with transaction.atomic():
        # A span deleted meanwhile would fail its foreign key at commit.
        alive = set(Span.objects.filter(pk__in=[row.span_id for row in rows]).values_list("pk"))
        rows = [row for row in rows if (row.span_id,) in alive]
        SpanEmbedding.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["span"],
            update_fields=["model", "digest", "vector", "project", "article", "created_at"],
        )
        if settings.SIMILAR_PGVECTOR and embeddings.pgvector_column():
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE articles_spanembedding SET embedding = %s::vector WHERE span_id = %s",
                    [(embeddings.literal(bytes(row.vector)), row.span_id) for row in rows],
                )
    return len(rows)


def embeddings_enqueue_for_articles(*, article_ids: Sequence[int]) -> None:
    """After pre-tagging: queue the articles' claim spans that have no current vector."""
    ids = list(article_ids)
    if not ids or not settings.EMBED_CLAIMS or not embeddings.available():
        return
    spans = claims_without_embedding().filter(article_id__in=ids)
    queue.enqueue_embeddings(list(spans.values_list("pk", flat=True)))


def embeddings_enqueue_for_span(span: Span) -> None:
    """After a human claim is saved (created, decided on or edited): queue its vector."""
    if span.label.name == CLAIM_LABEL:
        queue.enqueue_embeddings([span.pk])

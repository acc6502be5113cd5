"""Reads for exports: plain rows, fetched in keyset chunks so memory stays constant.

An export walks the project's article ids in chunks of ``CHUNK_SIZE`` (``id > last``, using
the ``(project, id)`` index) and fetches the spans of a whole chunk with one more query, so
the query count grows with the number of chunks, never with the number of articles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q

from articles.models import Article, Label, Project, Span

CHUNK_SIZE = 500

ArticleRow = dict[str, Any]
"""``{id, title, text, meta, spans: [{id, start, end, label, text, attrs, origin, status,
annotator, confidence, updated_at}]}``; ``updated_at`` is an ISO 8601 string."""

_SPAN_COLUMNS = (
    "article_id",
    "id",
    "start",
    "end",
    "label__name",
    "text",
    "attrs",
    "origin",
    "status",
    "annotator__username",
    "confidence",
    "updated_at",
)


@dataclass(frozen=True)
class ExportFilters:
    """What goes into an export. Defaults: accepted spans of every layer except gold-only."""

    statuses: tuple[str, ...] = (Span.Status.ACCEPTED,)
    labels: tuple[str, ...] = ()
    annotator: str | None = None
    updated_since: datetime | None = None
    article_ids: tuple[int, ...] = ()
    gold: bool | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "statuses": list(self.statuses),
            "labels": list(self.labels),
            "annotator": self.annotator,
            "updated_since": self.updated_since.isoformat() if self.updated_since else None,
            "article_ids": list(self.article_ids),
            "gold": self.gold,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExportFilters:
        since = data.get("updated_since")
        return cls(
            statuses=tuple(data.get("statuses") or (Span.Status.ACCEPTED,)),
            labels=tuple(data.get("labels") or ()),
            annotator=data.get("annotator"),
            updated_since=datetime.fromisoformat(since) if since else None,
            article_ids=tuple(data.get("article_ids") or ()),
            gold=data.get("gold"),
        )


def export_labels(project: Project, filters: ExportFilters) -> list[str]:
    """Label names in display order (the tag columns of CoNLL), narrowed by the filter."""
    names = list(
        Label.objects.filter(project=project)
        .order_by("order", "name")
        .values_list("name", flat=True)
    )
    return [name for name in names if not filters.labels or name in filters.labels]


def export_articles(project: Project, filters: ExportFilters) -> Any:
    articles = Article.objects.filter(project=project)
    if filters.updated_since is not None:
        articles = articles.filter(updated_at__gte=filters.updated_since)
    if filters.article_ids:
        articles = articles.filter(pk__in=filters.article_ids)
    return articles


def export_spans_query(filters: ExportFilters) -> Q:
    condition = Q(status__in=filters.statuses)
    if filters.labels:
        condition &= Q(label__name__in=filters.labels)
    if filters.annotator:
        condition &= Q(annotator__username=filters.annotator)
    if filters.gold is not None:
        condition &= Q(gold=filters.gold)
    return condition


def export_count(project: Project, filters: ExportFilters) -> int:
    """How many articles an export holds (for progress of background snapshots only)."""
    return export_articles(project, filters).count()


def export_rows(
    project: Project,
    filters: ExportFilters,
    *,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: Callable[[int], None] | None = None,
) -> Iterator[ArticleRow]:
    """Yield one plain row per article in id order, two queries per chunk of articles."""
    articles = export_articles(project, filters).order_by("id")
    span_condition = export_spans_query(filters)
    last_id = 0
    done = 0
    while True:
        chunk = list(
            articles.filter(id__gt=last_id).values_list("id", "title", "text", "meta")[:chunk_size]
        )
        if not chunk:
            return
        last_id = chunk[-1][0]
        by_article: dict[int, list[dict[str, Any]]] = {row[0]: [] for row in chunk}
        spans = (
            Span.objects.filter(span_condition, article_id__in=list(by_article))
            .order_by("article_id", "start", "-end", "label__name", "id")
            .values_list(*_SPAN_COLUMNS)
        )
        for (
            article_id,
            span_id,
            start,
            end,
            label,
            text,
            attrs,
            origin,
            status,
            annotator,
            confidence,
            updated_at,
        ) in spans:
            by_article[article_id].append(
                {
                    "id": span_id,
                    "start": start,
                    "end": end,
                    "label": label,
                    "text": text,
                    "attrs": attrs,
                    "origin": origin,
                    "status": status,
                    "annotator": annotator,
                    "confidence": confidence,
                    "updated_at": updated_at.isoformat(),
                }
            )
        for article_id, title, text, meta in chunk:
            yield {
                "id": article_id,
                "title": title,
                "text": text,
                "meta": meta,
                "spans": by_article[article_id],
            }
        done += len(chunk)
        if on_chunk is not None:
            on_chunk(done)
        if len(chunk) < chunk_size:
            return

"""The audit trail: history rows of a project, filtered, and their plain-row form for the
page and the CSV / JSON Lines downloads."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from articles.errors import DomainError
from articles.models import Article, Project, SpanEvent

COLUMNS = ("id", "at", "actor", "action", "article", "span", "label", "before", "after")


@dataclass(frozen=True)
class HistoryFilters:
    article: int | None = None
    span: int | None = None
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def history_events(*, project: Project, filters: HistoryFilters) -> QuerySet[SpanEvent]:
    """The project's history rows, oldest first; unknown names are a 400, not nothing."""
    events = SpanEvent.objects.filter(article__project=project).select_related("actor")
    if filters.article is not None:
        if not Article.objects.filter(pk=filters.article, project=project).exists():
            raise DomainError("No such article in this project.", field="article")
        events = events.filter(article_id=filters.article)
    if filters.span is not None:
        events = events.filter(span_ref=filters.span)
    if filters.actor:
        if not get_user_model().objects.filter(username=filters.actor).exists():
            raise DomainError(f"No user named {filters.actor!r}.", field="actor")
        events = events.filter(actor__username=filters.actor)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.since is not None:
        events = events.filter(created_at__gte=filters.since)
    if filters.until is not None:
        events = events.filter(created_at__lt=filters.until)
    return events.order_by("created_at", "id")


def event_row(event: SpanEvent) -> dict[str, Any]:
    """One history row as plain values (the same in every download)."""
    state = event.after or event.before or {}
    return {
        "id": event.pk,
        "at": event.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": event.actor.username if event.actor else None,
        "action": event.action,
        "article": event.article_id,
        "span": event.span_ref,
        "label": state.get("label"),
        "before": event.before,
        "after": event.after,
    }


def history_jsonl(events: QuerySet[SpanEvent]) -> Iterator[str]:
    for event in events.iterator(chunk_size=1000):
        yield json.dumps(event_row(event), ensure_ascii=False, separators=(",", ":")) + "\n"


def history_csv(events: QuerySet[SpanEvent]) -> Iterator[str]:
    """before/after as JSON text in their cells."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(COLUMNS)
    for event in events.iterator(chunk_size=1000):
        row = event_row(event)
        for key in ("before", "after"):
            row[key] = "" if row[key] is None else json.dumps(row[key], ensure_ascii=False)
        out.writerow([row[name] if row[name] is not None else "" for name in COLUMNS])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()

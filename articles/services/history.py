"""History: every create, update, decision and deletion of a span, with before and after."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from articles.models import Span, SpanEvent
from articles.services.training import decision_noted
from articles.types import User


def span_state(span: Span) -> dict[str, Any]:
    """The recorded form of a span in history (before/after)."""
    return {
        "id": span.pk,
        "label": span.label.name,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "attrs": span.attrs,
        "origin": span.origin,
        "status": span.status,
        "annotator": span.annotator_id,
        "gold": span.gold,
        "derived_from": span.derived_from_id,
        "note": span.note,
        "version": span.version,
    }


def _event(span: Span, actor: User | None, action: str, before: dict[str, Any] | None) -> SpanEvent:
    deleted = action == SpanEvent.Action.DELETE
    return SpanEvent(
        span=None if deleted else span,
        span_ref=span.pk,
        article_id=span.article_id,
        actor=actor,
        action=action,
        before=before,
        after=None if deleted else span_state(span),
    )


def span_record(
    span: Span, *, actor: User | None, action: str, before: dict[str, Any] | None
) -> None:
    """One history row for one change of ``span`` (after the change, before a deletion)."""
    _event(span, actor, action, before).save()
    if actor is not None and action != SpanEvent.Action.DELETE:
        decision_noted(project_id=span.article.project_id)


def spans_record_created(spans: Iterable[Span], *, actor: User | None) -> int:
    """History rows for spans created in bulk (an import of a human layer)."""
    events = [_event(span, actor, SpanEvent.Action.CREATE, None) for span in spans]
    SpanEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)

"""Embedding claim spans: take span ids, call the service, retry only transient errors."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from articles import queue
from articles.services.embeddings import spans_embed
from articles.tasks.base import RowTask

logger = logging.getLogger(__name__)


class EmbedTask(RowTask):
    def mark_failed(self, args: tuple[Any, ...], error: str) -> None:
        # No row records an embedding's state: a missing vector is what ``embed_claims``
        # looks for, and the lookup stays lexical for that span until then.
        logger.warning("Embedding spans %s failed: %s", args[0] if args else [], error)


@shared_task(base=EmbedTask, bind=True, name=queue.EMBED)
def embed_spans(self: EmbedTask, span_ids: list[int]) -> int:
    """Embed a batch of claim spans; returns how many vectors were written."""
    return spans_embed(span_ids=span_ids)

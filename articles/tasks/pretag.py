"""Pre-tagging tasks: take article ids, call the service, retry only transient errors."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from articles import queue
from articles.services.pretag import articles_pretag, articles_pretag_failed
from articles.tasks.base import RowTask

logger = logging.getLogger(__name__)


class PretagTask(RowTask):
    def mark_failed(self, args: tuple[Any, ...], error: str) -> None:
        article_ids = args[0] if args else []
        logger.warning("Pre-tagging %s failed: %s", article_ids, error)
        articles_pretag_failed(article_ids=article_ids, error=error)


@shared_task(base=PretagTask, bind=True, name=queue.PRETAG)
def pretag_articles(self: PretagTask, article_ids: list[int], tagger: str | None = None) -> int:
    """Tag a batch of articles; returns how many were tagged."""
    tagged = articles_pretag(article_ids=article_ids, tagger=tagger, takeover=self.redelivered)
    return len(tagged)

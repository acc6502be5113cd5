"""Pre-tagging tasks: take article ids, call the service, retry only transient errors."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from celery.signals import worker_ready

from articles import queue
from articles.services.pretag import article_pretag_failed, articles_pretag, pretag_sweep
from articles.tasks.base import RowTask

logger = logging.getLogger(__name__)


class PretagTask(RowTask):
    def mark_failed(self, args: tuple[Any, ...], error: str) -> None:
        article_ids = args[0] if args else []
        logger.warning("Pre-tagging %s failed: %s", article_ids, error)
        for article_id in article_ids:
            article_pretag_failed(article_id=article_id, error=error)


@shared_task(base=PretagTask, name=queue.PRETAG)
def pretag_articles(article_ids: list[int], tagger: str | None = None) -> int:
    """Tag a batch of articles; returns how many were tagged."""
    return len(articles_pretag(article_ids=article_ids, tagger=tagger))


@worker_ready.connect
def requeue_lost_pretags(**_: object) -> None:
    """When a worker comes up, queue work that was lost while none was running or the broker
    was down. A failure here is logged, never stops the worker."""
    try:
        articles, tasks = pretag_sweep()
    except Exception:  # the worker must start even if the database or broker hiccups
        logger.exception("Could not queue pending pre-tagging at worker start")
        return
    if articles:
        logger.info("Queued %s pending pre-tag article(s) in %s task(s)", articles, tasks)

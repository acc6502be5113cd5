"""Pre-tagging tasks: take article ids, call the service, retry only transient errors."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from articles.services.pretag import article_pretag_failed, articles_pretag, pretag_sweep
from articles.tagging.base import TaggerUnavailable

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, BrokerError, TaggerUnavailable, TimeoutError)
MAX_RETRIES = 5


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, ignore_result=True)
def pretag_articles(self, article_ids: list[int], tagger: str | None = None) -> int:
    """Tag a batch of articles; transient failures retry with exponential backoff, and when
    retries run out the articles are marked failed with the reason."""
    try:
        return len(articles_pretag(article_ids=article_ids, tagger=tagger))
    except TRANSIENT as error:
        if self.request.retries >= self.max_retries:
            logger.warning("Pre-tagging %s failed after retries: %s", article_ids, error)
            for article_id in article_ids:
                article_pretag_failed(
                    article_id=article_id, error=f"Gave up after retries: {error}"
                )
            return 0
        raise self.retry(exc=error, countdown=min(2**self.request.retries * 5, 300)) from error


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

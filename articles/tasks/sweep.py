"""The periodic sweep (a Celery beat entry) and the same sweep when a worker starts."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready

from articles import queue
from articles.services.sweep import Swept, sweep

logger = logging.getLogger(__name__)


@shared_task(name=queue.SWEEP, ignore_result=True)
def sweep_task() -> str:
    """Send lost work again. Not retried: the next beat tick is the retry."""
    swept = sweep()
    if swept.articles or swept.snapshots or swept.imports:
        logger.info("Sweep: %s", swept)
    return str(swept)


@worker_ready.connect
def sweep_at_worker_start(**_: object) -> Swept | None:
    """When a worker comes up, send work that was lost while none was running or the broker
    was down, before the first beat tick. A failure here is logged, never stops the worker."""
    try:
        swept = sweep()
    except Exception:  # the worker must start even if the database or broker hiccups
        logger.exception("Could not send lost work at worker start")
        return None
    if swept.articles or swept.snapshots or swept.imports:
        logger.info("At worker start: %s", swept)
    return swept

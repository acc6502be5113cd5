"""Where services hand work to Celery: by task name, after the current transaction commits.

Services import this module, never the task modules: tasks import services, so going through
names keeps the dependency one way. A message sent after commit is ``robust``: if the broker
is down the request still succeeds and the rows stay ``pending`` in the database, from where
the sweeps queue them again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction

from annotator.celery import app

logger = logging.getLogger(__name__)

PRETAG = "articles.pretag_articles"
SNAPSHOT = "articles.snapshot_build"
TRAINING = "articles.train_tagger"


def send(name: str, *args: Any) -> None:
    """Send a task message now, by name (the sender need not have imported the task).
    Broker errors propagate to the caller."""
    app.send_task(name, args=args)


def send_after_commit(name: str, *args: Any) -> None:
    """Send when the current transaction commits (at once outside one); a broker error is
    logged, not raised: the committed rows say what is still to do."""
    transaction.on_commit(lambda: send(name, *args), robust=True)


def batches(ids: Sequence[int]) -> list[list[int]]:
    """Article ids in task-sized batches (``PRETAG_BATCH_SIZE``)."""
    size = settings.PRETAG_BATCH_SIZE
    ids = list(ids)
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def enqueue_pretag(article_ids: Sequence[int], *, tagger: str | None = None) -> int:
    """Queue pre-tagging of the articles after commit; returns the number of tasks."""
    groups = batches(article_ids)
    for group in groups:
        send_after_commit(PRETAG, group, tagger)
    return len(groups)


def send_pretag(article_ids: Sequence[int], *, tagger: str | None = None) -> int:
    """Queue pre-tagging now (the sweeps); returns the number of tasks."""
    groups = batches(article_ids)
    for group in groups:
        send(PRETAG, group, tagger)
    return len(groups)


def enqueue_snapshot(snapshot_id: int) -> None:
    send_after_commit(SNAPSHOT, snapshot_id)


def enqueue_training(version_id: int) -> None:
    send_after_commit(TRAINING, version_id)

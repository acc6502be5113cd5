"""Where services hand work to Celery: by task name, after the current transaction commits.

Services import this module, never the task modules: tasks import services, so going through
names keeps the dependency one way. The database, not the broker, is the record of what is
to do: a row of pending work is committed first, then its message is sent. When the broker
cannot be reached, the request still succeeds, the rows are marked unsent (``queued_at``
empty) and the sweep sends them once the broker is back (``articles/services/sweep.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import KombuError

from annotator.celery import app
from articles.models import Article, ImportJob, JobState, Snapshot

logger = logging.getLogger(__name__)

IMPORT = "articles.import_run"
PRETAG = "articles.pretag_articles"
SNAPSHOT = "articles.snapshot_build"
SWEEP = "articles.sweep"
TRAINING = "articles.train_tagger"
EMBED = "articles.embed_spans"

# What sending raises when the broker is down or refuses the message (kombu wraps transport
# errors in its own; a socket error can still escape from some transports).
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuError, OSError)


def send(name: str, *args: Any) -> None:
    """Send a task message now, by name (the sender need not have imported the task).
    Broker errors propagate to the caller."""
    app.send_task(name, args=args)


def batches(ids: Sequence[int]) -> list[list[int]]:
    """Article ids in task-sized batches (``PRETAG_BATCH_SIZE``)."""
    size = settings.PRETAG_BATCH_SIZE
    ids = list(ids)
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def mark_pretag_unsent(article_ids: Sequence[int]) -> None:
    """The sweep sends these as soon as it can (in chunks: SQLite limits query parameters)."""
    ids = list(article_ids)
    for i in range(0, len(ids), 1000):
        Article.objects.filter(pk__in=ids[i : i + 1000], pretag_state=JobState.PENDING).update(
            pretag_queued_at=None
        )


def send_pretag(article_ids: Sequence[int], *, tagger: str | None = None) -> int:
    """Send pre-tagging now, in batches; returns the number of tasks sent.

    When sending fails, the articles of the batches not sent are marked unsent and the error
    propagates: the broker is down, so the remaining batches are not tried one by one. (Any
    error counts: whatever it was, the message is not known to be in the broker.)
    """
    groups = batches(article_ids)
    for n, group in enumerate(groups):
        try:
            send(PRETAG, group, tagger)
        except Exception:
            mark_pretag_unsent([pk for rest in groups[n:] for pk in rest])
            raise
    return len(groups)


def enqueue_pretag(article_ids: Sequence[int], *, tagger: str | None = None) -> int:
    """Queue pre-tagging of the articles after commit; returns the number of tasks.

    A broker error is logged, not raised: the request that committed the articles succeeds.
    """
    ids = list(article_ids)

    def after_commit() -> None:
        try:
            send_pretag(ids, tagger=tagger)
        except Exception as error:
            logger.warning(
                "Broker unreachable; %s article(s) left for the sweep: %s", len(ids), error
            )

    # robust: even if marking the rows unsent fails, the committed request stands.
    transaction.on_commit(after_commit, robust=True)
    return len(batches(ids))


def send_snapshot(snapshot_id: int) -> None:
    """Send a snapshot build now; on a broker error the snapshot is marked unsent and the
    error propagates."""
    try:
        send(SNAPSHOT, snapshot_id)
    except Exception:
        Snapshot.objects.filter(pk=snapshot_id, state=JobState.PENDING).update(queued_at=None)
        raise


def enqueue_snapshot(snapshot_id: int) -> None:
    """Queue the build after commit; a broker error is logged, not raised."""

    def after_commit() -> None:
        try:
            send_snapshot(snapshot_id)
        except Exception as error:
            logger.warning(
                "Broker unreachable; snapshot %s left for the sweep: %s", snapshot_id, error
            )

    transaction.on_commit(after_commit, robust=True)


def enqueue_training(version_id: int) -> None:
    """Queue a re-scorer training after commit; a broker error is logged, not raised (the
    version stays pending and is marked lost by the next training request)."""

    def after_commit() -> None:
        try:
            send(TRAINING, version_id)
        except Exception as error:
            logger.warning("Broker unreachable; training %s not sent: %s", version_id, error)

    transaction.on_commit(after_commit, robust=True)


def send_import(job_id: int) -> None:
    """Send an import job now; on a broker error the job is marked unsent and the error
    propagates."""
    try:
        send(IMPORT, job_id)
    except Exception:
        ImportJob.objects.filter(pk=job_id, state=JobState.PENDING).update(queued_at=None)
        raise
    ImportJob.objects.filter(pk=job_id, state=JobState.PENDING).update(queued_at=timezone.now())


def enqueue_import(job_id: int) -> None:
    """Queue an import job after commit; a broker error is logged, not raised (the sweep
    sends the job once the broker is back)."""

    def after_commit() -> None:
        try:
            send_import(job_id)
        except Exception as error:
            logger.warning("Broker unreachable; import %s left for the sweep: %s", job_id, error)

    transaction.on_commit(after_commit, robust=True)


def enqueue_embeddings(span_ids: Sequence[int]) -> None:
    """Queue the embedding of claim spans after commit, in ``EMBED_BATCH_SIZE`` batches.

    Nothing is sent where the embeddings extra is not installed or ``EMBED_CLAIMS`` is off
    (similar claims then stay lexical). A broker error is logged, not raised: ``manage.py
    embed_claims`` embeds what was missed.
    """
    from articles.embeddings import available  # finds the package, imports no torch

    ids = list(span_ids)
    if not ids or not settings.EMBED_CLAIMS or not available():
        return
    size = settings.EMBED_BATCH_SIZE

    def after_commit() -> None:
        try:
            for i in range(0, len(ids), size):
                send(EMBED, ids[i : i + size])
        except Exception as error:
            logger.warning("Broker unreachable; %s span(s) not embedded: %s", len(ids), error)

    transaction.on_commit(after_commit, robust=True)

"""One retry style for every task: named transient errors only, exponential backoff, and
``on_failure`` marking the task's rows failed once retries run out (or on any other error).
"""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from articles.tagging.base import TaggerUnavailable

# Errors a later attempt can get past: the database or broker restarting, a tagging
# backend timing out. Anything else is a bug or bad data, and retrying would not help.
TRANSIENT: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    BrokerError,
    TaggerUnavailable,
    TimeoutError,
)
MAX_RETRIES = 5


class RowTask(Task):
    """A task about rows (articles, a snapshot) that must not be left ``running``."""

    abstract = True
    acks_late = True
    ignore_result = True
    autoretry_for = TRANSIENT
    max_retries = MAX_RETRIES
    retry_backoff = 5
    retry_backoff_max = 300
    retry_jitter = True

    @property
    def redelivered(self) -> bool:
        """Whether the broker delivers this message again because the worker that held it
        died or lost its connection (RabbitMQ at once; Redis after its visibility timeout,
        or at once when only a pool process died): the task then takes its rows over even
        if their heartbeat still looks fresh."""
        return bool((self.request.delivery_info or {}).get("redelivered"))

    def mark_failed(self, args: tuple[Any, ...], error: str) -> None:
        """Record on the task's rows why it failed; each task says which rows."""
        raise NotImplementedError

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        retries = self.request.retries
        transient = isinstance(exc, TRANSIENT)
        reason = f"Gave up after {retries} retries: {exc}" if transient else f"{exc}"
        self.mark_failed(tuple(args), reason)

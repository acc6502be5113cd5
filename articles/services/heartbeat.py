"""Who is doing a piece of background work, read from the database alone.

Rows of background work (an article's pre-tag, a snapshot build) carry three columns, named
with a prefix (``pretag_`` on articles, none on snapshots): ``state``, ``queued_at`` (when
the work was handed to the broker; empty when sending failed) and ``heartbeat`` (the last
sign of life of the task doing it). From these alone the sweep tells live work from lost
work, whatever the broker forgot.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from articles.models import JobState


def lost(prefix: str = "", *, now: datetime | None = None, dead_after: int | None = None) -> Q:
    """Rows whose work nobody is doing: pending and never sent (sending failed), pending and
    sent more than ``RESEND_AFTER_SECONDS`` ago (the broker lost the message, or it waits
    behind a long queue: sending again is harmless), or running with no heartbeat for
    ``dead_after`` seconds (default ``HEARTBEAT_TIMEOUT_SECONDS``: the worker died)."""
    now = now or timezone.now()
    state, queued, beat = f"{prefix}state", f"{prefix}queued_at", f"{prefix}heartbeat"
    resend_before = now - timedelta(seconds=settings.RESEND_AFTER_SECONDS)
    if dead_after is None:
        dead_after = settings.HEARTBEAT_TIMEOUT_SECONDS
    dead_before = now - timedelta(seconds=dead_after)
    pending = Q(**{state: JobState.PENDING}) & (
        Q(**{f"{queued}__isnull": True}) | Q(**{f"{queued}__lt": resend_before})
    )
    running = Q(**{state: JobState.RUNNING}) & (
        Q(**{f"{beat}__isnull": True}) | Q(**{f"{beat}__lte": dead_before})
    )
    return pending | running


def claimable(prefix: str = "", *, now: datetime | None = None, takeover: bool = False) -> Q:
    """Rows a task may start on: any pending or failed one, and running ones whose worker
    died. A live run elsewhere is left alone, so a duplicate message does nothing.

    ``takeover``: every running row too. For a message the broker delivers again because
    the worker holding it died (its heartbeat may still look fresh).
    """
    now = now or timezone.now()
    state, beat = f"{prefix}state", f"{prefix}heartbeat"
    unfinished = Q(**{f"{state}__in": [JobState.PENDING, JobState.FAILED]})
    if takeover:
        return unfinished | Q(**{state: JobState.RUNNING})
    dead_before = now - timedelta(seconds=settings.HEARTBEAT_TIMEOUT_SECONDS)
    return unfinished | (
        Q(**{state: JobState.RUNNING})
        & (Q(**{f"{beat}__isnull": True}) | Q(**{f"{beat}__lt": dead_before}))
    )


class Heartbeat:
    """Calls ``write(now)`` when called, at most once every ``HEARTBEAT_SECONDS``: cheap
    enough to call per article or per chunk."""

    def __init__(self, write: Callable[[datetime], object], every: float | None = None) -> None:
        self.write = write
        self.every = settings.HEARTBEAT_SECONDS if every is None else every
        self.last = time.monotonic()

    def __call__(self) -> None:
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self.write(timezone.now())

"""Snapshot builds: fetch by id, call the service, retry only transient errors."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from articles import queue
from articles.services.snapshots import snapshot_build, snapshot_failed
from articles.tasks.base import RowTask


class SnapshotTask(RowTask):
    def mark_failed(self, args: tuple[Any, ...], error: str) -> None:
        if args:
            snapshot_failed(snapshot_id=args[0], error=error)


@shared_task(base=SnapshotTask, bind=True, name=queue.SNAPSHOT)
def snapshot_build_task(self: SnapshotTask, snapshot_id: int) -> None:
    snapshot_build(snapshot_id=snapshot_id, takeover=self.redelivered)

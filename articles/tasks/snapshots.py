"""Snapshot builds: fetch by id, call the service, retry only on transient database errors."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from articles.services.snapshots import snapshot_build


@shared_task(
    bind=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
)
def snapshot_build_task(self, snapshot_id: int) -> None:
    snapshot_build(snapshot_id=snapshot_id)

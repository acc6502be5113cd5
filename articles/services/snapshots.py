"""Snapshots: frozen, versioned export files that can be cited and fetched byte for byte.

``snapshot_request`` records the request and enqueues the build after commit;
``snapshot_build`` (run by the worker) writes the file once, hashing as it goes.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from articles import exports, queue
from articles.access import require_role
from articles.errors import DomainError
from articles.models import Project, Role, Snapshot
from articles.selectors.exports import (
    ExportFilters,
    export_context,
    export_count,
    export_labels,
    export_rows,
)
from articles.services.heartbeat import claimable, lost
from articles.types import User

logger = logging.getLogger(__name__)

# Progress (and the heartbeat with it) is written at most this often: a row update per chunk
# would dominate small chunks.
_PROGRESS_EVERY_SECONDS = 1.0


@transaction.atomic
def snapshot_request(
    *, project: Project, actor: User, format: str, filters: ExportFilters
) -> Snapshot:
    """A pending snapshot with the next version number; the build starts after commit.

    Preconditions: ``actor`` is a member of the project (viewers may export).
    """
    require_role(actor, project, Role.VIEWER, "export it")
    if format not in exports.WRITERS:
        raise DomainError(f"Unknown export format {format!r}.", field="format")
    # Serialise version numbering per project; the unique constraint is the backstop.
    Project.objects.select_for_update().filter(pk=project.pk).values_list("pk").first()
    latest = Snapshot.objects.filter(project=project).aggregate(v=Max("version"))["v"] or 0
    snapshot = Snapshot.objects.create(
        project=project,
        version=latest + 1,
        format=format,
        filters=filters.as_json(),
        created_by=actor,
    )
    queue.enqueue_snapshot(snapshot.pk)
    return snapshot


def snapshot_failed(*, snapshot_id: int, error: str) -> None:
    """Record why a build failed (its task gave up or met an error a retry cannot fix)."""
    Snapshot.objects.filter(pk=snapshot_id).exclude(state=Snapshot.State.DONE).update(
        state=Snapshot.State.FAILED, error=error[:2000]
    )


def _claim(snapshot_id: int, takeover: bool) -> bool:
    """Mark the snapshot running with a first heartbeat, unless it is done or a live worker
    is building it (then a duplicate message does nothing)."""
    now = timezone.now()
    return bool(
        Snapshot.objects.filter(claimable(now=now, takeover=takeover), pk=snapshot_id).update(
            state=Snapshot.State.RUNNING, heartbeat=now, progress=0.0, error=""
        )
    )


def _release(snapshot_id: int) -> None:
    """Hand a build that met an error back as pending: its task retries it, or records the
    failure, next."""
    Snapshot.objects.filter(pk=snapshot_id, state=Snapshot.State.RUNNING).update(
        state=Snapshot.State.PENDING, queued_at=timezone.now(), heartbeat=None
    )


def snapshot_build(*, snapshot_id: int, takeover: bool = False) -> Snapshot:
    """Write the snapshot's file once; a finished snapshot is never rewritten, and one being
    built by a live worker is left to it (unless ``takeover``: the broker redelivered the
    build because the worker holding it died).

    Errors propagate (after handing the snapshot back as pending): the task retries
    transient ones and records the others (``snapshot_failed``).
    """
    claimed = _claim(snapshot_id, takeover)
    snapshot = Snapshot.objects.select_related("project").get(pk=snapshot_id)
    if not claimed:
        return snapshot
    try:
        return _build(snapshot)
    except Exception:
        try:
            _release(snapshot_id)
        except Exception:  # the database itself may be the transient error
            logger.warning("Could not hand snapshot %s back as pending", snapshot_id, exc_info=True)
        raise


def _build(snapshot: Snapshot) -> Snapshot:
    project = snapshot.project
    filters = ExportFilters.from_json(snapshot.filters)
    total = max(export_count(project, filters), 1)
    last_report = time.monotonic()

    def report(done: int) -> None:
        nonlocal last_report
        now = time.monotonic()
        if now - last_report >= _PROGRESS_EVERY_SECONDS:
            last_report = now
            Snapshot.objects.filter(pk=snapshot.pk).update(
                progress=min(done / total, 0.99), heartbeat=timezone.now()
            )

    writer = exports.get_writer(snapshot.format)(
        labels=export_labels(project, filters),
        statuses=filters.statuses,
        context={
            # No request here: links need SITE_URL (else they are site-relative paths).
            **export_context(project, site_url=settings.SITE_URL),
            "label": f"{project.name} v{snapshot.version}",
        },
    )
    digest = hashlib.sha256()
    size = 0
    with tempfile.TemporaryFile() as scratch:
        rows = export_rows(
            project,
            filters,
            on_chunk=report,
            raw_spans=writer.raw_spans,
            details=writer.details,
            timed_attrs=writer.timed_attrs,
        )
        for chunk in writer.chunks(rows):
            digest.update(chunk)
            size += len(chunk)
            scratch.write(chunk)
        scratch.seek(0)
        name = f"project-{project.pk}-v{snapshot.version}.{writer.extension}"
        snapshot.file.save(name, File(scratch), save=False)
    snapshot.sha256 = digest.hexdigest()
    snapshot.size_bytes = size
    snapshot.article_count = writer.stats["articles"]
    snapshot.span_count = writer.stats["spans"]
    snapshot.progress = 1.0
    snapshot.state = Snapshot.State.DONE
    snapshot.error = ""
    snapshot.finished_at = timezone.now()
    snapshot.save(
        update_fields=[
            "file", "sha256", "size_bytes", "article_count", "span_count", "progress", "state",
            "error", "finished_at",
        ]
    )  # fmt: skip
    return snapshot


def snapshot_lost_ids(
    *, project: Project | None = None, dead_after: int | None = None
) -> list[int]:
    """Snapshots whose build nobody is doing (``heartbeat.lost``)."""
    snapshots = Snapshot.objects.filter(lost(dead_after=dead_after))
    if project is not None:
        snapshots = snapshots.filter(project=project)
    return list(snapshots.order_by("id").values_list("id", flat=True))


def snapshot_sweep(*, project: Project | None = None, dead_after: int | None = None) -> int:
    """Send the builds of ``snapshot_lost_ids`` again; returns how many were sent. Each is
    marked pending and queued first, only if still lost (a concurrent sweep sends nothing
    twice). Broker errors propagate (the snapshot not sent is marked unsent)."""
    sent = 0
    for snapshot_id in snapshot_lost_ids(project=project, dead_after=dead_after):
        now = timezone.now()
        marked = Snapshot.objects.filter(
            lost(now=now, dead_after=dead_after), pk=snapshot_id
        ).update(state=Snapshot.State.PENDING, queued_at=now, heartbeat=None)
        if marked:
            queue.send_snapshot(snapshot_id)
            sent += 1
    return sent

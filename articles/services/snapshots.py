"""Snapshots: frozen, versioned export files that can be cited and fetched byte for byte.

``snapshot_request`` records the request and enqueues the build after commit;
``snapshot_build`` (run by the worker) writes the file once, hashing as it goes.
"""

from __future__ import annotations

import hashlib
import tempfile
import time

from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from articles import exports, queue
from articles.access import require_role
from articles.errors import DomainError
from articles.models import Project, Role, Snapshot
from articles.selectors.exports import ExportFilters, export_count, export_labels, export_rows
from articles.types import User

# Progress is written at most this often: a row update per chunk would dominate small chunks.
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


def snapshot_build(*, snapshot_id: int) -> Snapshot:
    """Write the snapshot's file once; a finished snapshot is never rewritten.

    Errors propagate: the task retries transient ones and records the others
    (``snapshot_failed``).
    """
    snapshot = Snapshot.objects.select_related("project").get(pk=snapshot_id)
    if snapshot.state == Snapshot.State.DONE:
        return snapshot
    project = snapshot.project
    filters = ExportFilters.from_json(snapshot.filters)
    snapshot.state = Snapshot.State.RUNNING
    snapshot.progress = 0.0
    snapshot.error = ""
    snapshot.save(update_fields=["state", "progress", "error"])

    total = max(export_count(project, filters), 1)
    last_report = time.monotonic()

    def report(done: int) -> None:
        nonlocal last_report
        now = time.monotonic()
        if now - last_report >= _PROGRESS_EVERY_SECONDS:
            last_report = now
            Snapshot.objects.filter(pk=snapshot.pk).update(progress=min(done / total, 0.99))

    writer = exports.get_writer(snapshot.format)(
        labels=export_labels(project, filters),
        statuses=filters.statuses,
        context={"project_id": project.pk, "label": f"{project.name} v{snapshot.version}"},
    )
    digest = hashlib.sha256()
    size = 0
    with tempfile.TemporaryFile() as scratch:
        rows = export_rows(project, filters, on_chunk=report, raw_spans=writer.raw_spans)
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
    snapshot.finished_at = timezone.now()
    snapshot.save()
    return snapshot

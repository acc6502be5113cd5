"""Imports in the background: an upload kept in the ``imports`` storage, then a Celery task
that reads it twice as a stream.

1. ``import_store`` (in the request): the upload goes to storage as it arrives (a spooled
   multipart file is moved, a raw body copied chunk by chunk), the job is created
   ``pending`` and its task queued after commit. The request answers at once.
2. ``import_job_run`` (in the worker): a first pass checks every record, writing nothing,
   so a bad record fails the job with its line and field before anything is written; a
   second pass writes in batches inside ONE transaction (``articles.services.imports``), so
   a failure leaves nothing of the import. Neither pass holds more than a batch of records.

Progress (phase, records processed, heartbeat) is written through the ``progress`` database
alias, a second connection in autocommit, so others see it while the import's transaction
is still open. On SQLite a second writer would wait for the import's write lock, so there
the write pass reports its progress only when it commits. The stored upload is deleted when
the job ends, whichever way; a job whose worker died is failed by the sweep, which deletes
its upload too.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from datetime import timedelta
from pathlib import PurePosixPath
from typing import Any, Protocol

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from articles import queue
from articles.access import require_role
from articles.errors import DomainError
from articles.importing import SUPPORTED_EXTENSIONS, ImportFormatError, read_stored
from articles.models import ImportJob, ImportPhase, JobState, Project, Role
from articles.services.assignments import assignments_after_import
from articles.services.imports import (
    SPANS_AS,
    UNEXPECTED_FAILURE,
    SpansAs,
    _import_into,
    import_check_size,
    job_failed,
    records_validate,
)
from articles.types import User

logger = logging.getLogger(__name__)

PROGRESS_ALIAS = "progress"
PROGRESS_EVERY_SECONDS = 0.5
WORKER_DIED = (
    "The import stopped: the worker running it died or lost the database. Nothing of it was "
    "stored; import the file again."
)
_UNSTORABLE_IN_NAME = re.compile("[\x00-\x1f\ud800-\udfff]")


class Readable(Protocol):
    """A body read in chunks: an open file, or a request's stream."""

    def read(self, size: int = ..., /) -> bytes: ...


def import_storage() -> Storage:
    return storages["imports"]


def _clean_name(name: str) -> str:
    # The name is the client's: it goes into messages and the job, so it must be storable.
    return _UNSTORABLE_IN_NAME.sub("\ufffd", name)[:500] or "upload"


def import_store(
    *,
    project: Project,
    actor: User,
    name: str,
    content: Readable | File[bytes],
    spans_as: SpansAs = "machine",
    pretag: bool = True,
) -> ImportJob:
    """Keep an upload in the imports storage and queue its job; returns the pending job.

    ``content`` is read in chunks (a Django upload spooled to a temporary file is moved,
    not copied). Preconditions: ``actor`` is an editor of the project (checked here). Raises
    ``DomainError`` for an unsupported file type or a file over ``IMPORT_MAX_UPLOAD_BYTES``
    (nothing is stored then)."""
    require_role(actor, project, Role.EDITOR, "import articles")
    if spans_as not in SPANS_AS:
        raise DomainError(f"spans_as must be one of {', '.join(SPANS_AS)}.", field="spans_as")
    name = _clean_name(name)
    suffix = PurePosixPath(name.lower()).suffix
    if suffix not in SUPPORTED_EXTENSIONS:
        raise ImportFormatError(
            f"{name}: unsupported file type; use one of {', '.join(SUPPORTED_EXTENSIONS)}.",
            field="file",
        )
    size = getattr(content, "size", None)
    if size is not None:
        import_check_size(size=size, name=name)
    storage = import_storage()
    stored = storage.save(
        f"{project.pk}/{uuid.uuid4().hex}{suffix}",
        # File reads any object with read() in chunks; its stub wants a full IO.
        content if isinstance(content, File) else File(content),  # type: ignore[arg-type]
    )
    try:
        size = storage.size(stored)
        import_check_size(size=size, name=name)
        job = ImportJob.objects.create(
            project=project,
            created_by=actor,
            source=name,
            state=ImportJob.State.PENDING,
            file_name=stored,
            size=size,
            spans_as=spans_as,
            pretag=pretag,
        )
    except BaseException:
        storage.delete(stored)
        raise
    queue.enqueue_import(job.pk)
    return job


class _Reporter:
    """Writes a job's progress and heartbeat at most every ``PROGRESS_EVERY_SECONDS``."""

    def __init__(self, job: ImportJob, alias: str) -> None:
        self.job_id, self.alias, self.last = job.pk, alias, 0.0

    def write(self, **fields: Any) -> None:
        self.last = time.monotonic()
        ImportJob.objects.using(self.alias).filter(pk=self.job_id).update(
            heartbeat=timezone.now(), **fields
        )

    def __call__(self, processed: int) -> None:
        if time.monotonic() - self.last >= PROGRESS_EVERY_SECONDS:
            self.write(processed=processed)


def _reporter(job: ImportJob) -> _Reporter:
    """Through the second connection where it can see the job and not wait for a lock: on
    PostgreSQL, when the job row is committed (the caller is in no transaction)."""
    alias = "default"
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        alias = PROGRESS_ALIAS
    return _Reporter(job, alias)


def _claimable(takeover: bool) -> Q:
    """A pending job; a running one whose worker died (or any running one when the broker
    redelivers a message whose worker died). Done and failed jobs never run again: their
    upload is gone."""
    dead_before = timezone.now() - timedelta(seconds=settings.HEARTBEAT_TIMEOUT_SECONDS)
    running = Q(state=JobState.RUNNING)
    if not takeover:
        running &= Q(heartbeat__isnull=True) | Q(heartbeat__lt=dead_before)
    return Q(state=JobState.PENDING) | running


def import_job_run(*, job_id: int, takeover: bool = False) -> ImportJob:
    """Run a stored import: check every record, then write them all in one transaction.

    A bad record fails the job (message, field and line on the job; nothing written) and is
    not raised: the task is done. Any other error hands the job back as pending and
    propagates, for the task to retry (transient) or fail it (``import_job_failed``). A job
    another worker is running is left alone."""
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .filter(_claimable(takeover))
        .update(
            state=JobState.RUNNING,
            phase=ImportPhase.VALIDATING,
            processed=0,
            heartbeat=timezone.now(),
        )
    )
    job = ImportJob.objects.select_related("project", "created_by").get(pk=job_id)
    if not claimed:
        return job
    storage = import_storage()
    spans_as: SpansAs = job.spans_as  # type: ignore[assignment]
    report = _reporter(job)
    limits = {
        "max_bytes": settings.IMPORT_MAX_UPLOAD_BYTES,
        "max_whole_bytes": settings.IMPORT_MAX_WHOLE_BYTES,
    }
    try:
        with storage.open(job.file_name, "rb") as stored:
            total = records_validate(
                project=job.project,
                records=read_stored(job.source, stored, **limits),
                spans_as=spans_as,
                progress=report,
            )
        report.write(phase=ImportPhase.WRITING, processed=0, total=total)
        with storage.open(job.file_name, "rb") as stored:
            _import_into(
                job,
                job.project,
                read_stored(job.source, stored, **limits),
                job.created_by,
                spans_as,
                job.pretag,
                progress=report,
            )
    except DomainError as error:
        job_failed(job, error.message, error.field)
        _discard(job)
        return job
    except BaseException:
        ImportJob.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
            state=JobState.PENDING, heartbeat=None
        )
        raise
    _discard(job)
    job.refresh_from_db()
    assignments_after_import(project=job.project, created=job.created_count)
    return job


def import_job_failed(*, job_id: int, error: str) -> None:
    """The task gave up on the job (a bug, or a transient error past its retries)."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return
    logger.warning("Import job %s failed: %s", job_id, error)
    if job.state != JobState.DONE:
        job_failed(job, UNEXPECTED_FAILURE)
    _discard(job)


def _discard(job: ImportJob) -> None:
    """Delete the job's stored upload (a missing file is fine: this may run twice)."""
    if job.file_name:
        import_storage().delete(job.file_name)
        ImportJob.objects.filter(pk=job.pk).update(file_name="")


def import_sweep(*, project: Project | None = None, dead_after: int | None = None) -> int:
    """Send again pending jobs whose message was lost (never sent, or sent
    ``RESEND_AFTER_SECONDS`` ago), and fail running jobs with no heartbeat for
    ``dead_after`` seconds (their worker died), deleting their upload; returns how many
    jobs were swept."""
    now = timezone.now()
    if dead_after is None:
        dead_after = settings.HEARTBEAT_TIMEOUT_SECONDS
    jobs = ImportJob.objects.all() if project is None else ImportJob.objects.filter(project=project)
    resend_before = now - timedelta(seconds=settings.RESEND_AFTER_SECONDS)
    lost = list(
        jobs.filter(state=JobState.PENDING)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=resend_before))
        .values_list("pk", flat=True)
    )
    for job_id in lost:
        queue.send_import(job_id)
    dead = jobs.filter(state=JobState.RUNNING).filter(
        Q(heartbeat__isnull=True) | Q(heartbeat__lte=now - timedelta(seconds=dead_after))
    )
    died = list(dead)
    for job in died:
        job_failed(job, WORKER_DIED)
        _discard(job)
    return len(lost) + len(died)

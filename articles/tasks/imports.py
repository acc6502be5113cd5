"""Import jobs: take the job id, call the service, retry only transient errors."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from articles import queue
from articles.models import ImportJob
from articles.services.import_jobs import import_job_failed, import_job_run
from articles.tasks.base import RowTask

logger = logging.getLogger(__name__)


class ImportTask(RowTask):
    def mark_failed(self, args: tuple[Any, ...], error: str) -> None:
        if args:
            import_job_failed(job_id=args[0], error=error)


@shared_task(base=ImportTask, bind=True, name=queue.IMPORT)
def import_run(self: ImportTask, job_id: int) -> None:
    try:
        import_job_run(job_id=job_id, takeover=self.redelivered)
    except ImportJob.DoesNotExist:
        # The job (or its project) was deleted while its message waited: nothing to do.
        logger.info("Import job %s no longer exists", job_id)

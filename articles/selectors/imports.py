"""Import jobs and the pre-tagging progress of their articles."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from articles.access import access_import
from articles.models import Article, ImportJob, ImportPhase, Project, Role
from articles.types import AnyUser


def import_get(*, user: AnyUser, import_id: int, at_least: Role = Role.VIEWER) -> ImportJob:
    job, _ = access_import(user, import_id, at_least=at_least)
    return job


def import_progress(job: ImportJob) -> dict[str, int]:
    """Counts of the job's articles per pre-tag state (every state present, zero if none)."""
    counts = dict.fromkeys(Article.PretagState.values, 0)
    rows = (
        Article.objects.filter(import_job=job)
        .order_by()
        .values("pretag_state")
        .annotate(n=Count("id"))
        .values_list("pretag_state", "n")
    )
    for state, count in rows:
        counts[state] = count
    return counts


def import_article_ids(job: ImportJob, *, limit: int = 1000) -> list[int]:
    return list(job.articles.order_by("id").values_list("id", flat=True)[:limit])


@dataclass(frozen=True)
class ImportStatus:
    """What the import's progress bar shows (the page script computes the same)."""

    value: int | None  # None: not measurable yet (indeterminate bar)
    maximum: int
    text: str


def import_status(job: ImportJob) -> ImportStatus:
    if job.state in (ImportJob.State.DONE, ImportJob.State.FAILED):
        return ImportStatus(1, 1, "Finished" if job.state == ImportJob.State.DONE else "Failed")
    if job.state == ImportJob.State.PENDING:
        return ImportStatus(None, 1, "Waiting for a worker")
    if job.phase == ImportPhase.WRITING and job.total:
        return ImportStatus(
            job.processed, job.total, f"Writing: {job.processed} of {job.total} records"
        )
    return ImportStatus(None, 1, f"Checking records: {job.processed} read")


@dataclass(frozen=True)
class ImportProgress:
    job: ImportJob
    pretag: dict[str, int]  # the job's articles per pre-tag state, every state present

    @property
    def status(self) -> ImportStatus:
        return import_status(self.job)

    @property
    def pretag_finished(self) -> bool:
        return not (
            self.pretag[Article.PretagState.PENDING] or self.pretag[Article.PretagState.RUNNING]
        )

    @property
    def finished(self) -> bool:
        """Nothing will change by itself any more: the import ended and so did its tagging
        (a failed import has no articles)."""
        if self.job.state == ImportJob.State.FAILED:
            return True
        return self.job.state == ImportJob.State.DONE and self.pretag_finished


def import_list(*, project: Project, limit: int = 10) -> list[ImportProgress]:
    """The project's latest imports, newest first, with their tagging progress (two queries)."""
    jobs = list(
        ImportJob.objects.filter(project=project)
        .select_related("created_by")
        .order_by("-created_at", "-id")[:limit]
    )
    counts = {job.pk: dict.fromkeys(Article.PretagState.values, 0) for job in jobs}
    rows = (
        Article.objects.filter(import_job_id__in=list(counts))
        .order_by()
        .values_list("import_job_id", "pretag_state")
        .annotate(n=Count("id"))
    )
    for job_id, state, count in rows:
        counts[job_id][state] = count
    return [ImportProgress(job, counts[job.pk]) for job in jobs]


def import_detail(job: ImportJob) -> ImportProgress:
    return ImportProgress(job, import_progress(job))

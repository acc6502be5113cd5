"""Import jobs and the pre-tagging progress of their articles."""

from __future__ import annotations

from django.db.models import Count

from articles.access import access_import
from articles.models import Article, ImportJob, Role
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

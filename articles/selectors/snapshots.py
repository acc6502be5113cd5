"""Snapshots of a project, newest version first."""

from __future__ import annotations

from django.db.models import QuerySet

from articles.models import Project, Snapshot


def snapshot_list(*, project: Project) -> QuerySet[Snapshot]:
    return (
        Snapshot.objects.filter(project=project).select_related("created_by").order_by("-version")
    )

"""Assignments: the project's list (an editor sees only their own) and counts per editor."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from articles.errors import DomainError
from articles.models import Assignment, Project, Role
from articles.types import User


def assignment_list(
    *,
    project: Project,
    user: User,
    role: Role,
    annotator: str | None = None,
    state: str | None = None,
) -> QuerySet[Assignment]:
    """The project's assignments with ``state``, filtered (None means any). Below reviewer
    a member sees only their own: who else annotates what is the admins' business."""
    rows = (
        Assignment.objects.filter(project=project)
        .with_state()
        .select_related("annotator")
        .order_by("id")
    )
    if not role.covers(Role.REVIEWER):
        rows = rows.filter(annotator=user)
    if annotator:
        if not get_user_model().objects.filter(username=annotator).exists():
            raise DomainError(f"No user named {annotator!r}.", field="annotator")
        rows = rows.filter(annotator__username=annotator)
    if state:
        rows = rows.filter(**{"state": state})  # an annotation the type plugin cannot see
    return rows

"""Project roles for the API, on top of ``Project.allows`` / ``Role``.

Visibility is decided by the selectors (outsiders get 404); these helpers decide what a member
may do: viewers read, editors annotate, reviewers see every layer, admins manage the project.
The services check the same roles again for every write.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from articles.models import ROLE_RANK, Project, Role
from articles.selectors import api as selectors


def role_at_least(role: str | None, needed: Role) -> bool:
    return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[needed]


def effective_role(obj: Any, user: Any) -> str | None:
    """The role annotated by a selector (``my_role``), or looked up once."""
    if user.is_superuser:
        return Role.ADMIN
    role = getattr(obj, "my_role", None)
    if role is None:
        project = getattr(obj, "project", obj)
        role = project.role_of(user)
        obj.my_role = role
    return role


def require_role(obj: Any, user: Any, needed: Role, action: str) -> None:
    """Raise 403 unless the user's role on the object's project is at least ``needed``."""
    if not role_at_least(effective_role(obj, user), needed):
        raise PermissionDenied(f"Your role in this project does not allow you to {action}.")


def project_for(
    request: Request, project_id: int, *, at_least: Role | None = None, action: str = ""
) -> Project:
    """The project of the URL for this user: 404 for outsiders, 403 below ``at_least``.

    One place for the lookup every project-scoped view starts with; ``action`` completes the
    403 message ("… does not allow you to <action>").
    """
    project = selectors.project_get(user=request.user, project_id=project_id)
    if at_least is not None:
        require_role(project, request.user, at_least, action or "do this")
    return project

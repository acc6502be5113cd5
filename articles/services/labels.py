"""Project administration over the API: project settings, labels and memberships.

Preconditions for every function: ``actor`` is an admin of the project (checked here).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from articles.access import require_role
from articles.errors import DomainError, Duplicate
from articles.models import Label, Membership, Project, Role
from articles.services.assignments import (
    ASSIGNMENT_SETTINGS,
    assignments_after_membership,
    assignments_rebalance,
)
from articles.types import User

_PROJECT_FIELDS = (
    "name",
    "description",
    "guidelines",
    "tagger",
    "annotators_per_article",
    "distribution",
    "blind",
)
_LABEL_FIELDS = ("name", "color", "pattern", "hotkey", "description", "order", "attributes")
_LABEL_TAKEN = "The name or hotkey is already used by another label."


def _require_admin(project: Project, actor: User) -> None:
    require_role(actor, project, Role.ADMIN, "change its settings")


def _save_unique(
    instance: Any, fields: tuple[str, ...], changes: dict[str, Any], message: str, field: str
) -> None:
    """Apply the given ``changes`` among ``fields`` and save; a unique clash is a Duplicate."""
    for name in fields:
        if name in changes:
            setattr(instance, name, changes[name])
    try:
        with transaction.atomic():
            instance.full_clean(validate_unique=False, validate_constraints=False)
            instance.save()
    except IntegrityError:
        raise Duplicate(message, field=field) from None


@transaction.atomic
def project_update(*, project: Project, actor: User, **changes: Any) -> Project:
    _require_admin(project, actor)
    _save_unique(project, _PROJECT_FIELDS, changes, "Another project has this name.", "name")
    if ASSIGNMENT_SETTINGS & changes.keys():
        assignments_rebalance(project=project)
    return project


# Keys the editor binds for itself (static/articles/keyboard.js), case-insensitive: a label
# on one of them would shadow the action.
EDITOR_KEYS = frozenset("axjkudbgvenpc?")


def _check_hotkey(values: dict[str, Any]) -> None:
    key = str(values.get("hotkey") or "")
    if key.lower() in EDITOR_KEYS:
        taken = " ".join(sorted(k.upper() for k in EDITOR_KEYS))
        raise DomainError(
            f"The editor uses {key.upper()} already (its keys: {taken}); choose another.",
            field="hotkey",
        )


@transaction.atomic
def label_create(*, project: Project, actor: User, **values: Any) -> Label:
    _require_admin(project, actor)
    _check_hotkey(values)
    label = Label(project=project)
    _save_unique(label, _LABEL_FIELDS, values, _LABEL_TAKEN, "name")
    return label


@transaction.atomic
def label_update(*, label: Label, actor: User, **changes: Any) -> Label:
    _require_admin(label.project, actor)
    _check_hotkey(changes)
    _save_unique(label, _LABEL_FIELDS, changes, _LABEL_TAKEN, "name")
    return label


@transaction.atomic
def label_delete(*, label: Label, actor: User) -> None:
    """Only an unused label can go: spans keep their label forever (history, exports)."""
    _require_admin(label.project, actor)
    if label.spans.exists():
        raise DomainError("Spans use this label; it cannot be deleted.", field="label")
    label.delete()


@transaction.atomic
def membership_change(
    *, project: Project, actor: User, user: User, role: Role | str | None
) -> Membership | None:
    """Set a member's role, or remove the member (``role=None``). The last admin stays."""
    _require_admin(project, actor)
    admins = project.memberships.filter(role=Role.ADMIN)
    current = project.memberships.filter(user=user).first()
    if (
        current is not None
        and current.role == Role.ADMIN
        and role != Role.ADMIN
        and admins.count() == 1
    ):
        raise DomainError("A project keeps at least one admin.", field="role")
    if role is None:
        if current is not None:
            current.delete()
        assignments_after_membership(project=project)
        return None
    membership, _ = Membership.objects.update_or_create(
        project=project, user=user, defaults={"role": Role(role)}
    )
    assignments_after_membership(project=project)
    return membership

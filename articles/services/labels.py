"""Project administration over the API: project settings, labels and memberships.

Preconditions for every function: ``actor`` is an admin of the project (checked here).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from articles.errors import DomainError, Duplicate, NotAllowed
from articles.models import Label, Membership, Project, Role

_PROJECT_FIELDS = ("name", "description", "guidelines", "tagger")
_LABEL_FIELDS = ("name", "color", "pattern", "hotkey", "description", "order")


def _require_admin(project: Project, actor: AbstractBaseUser) -> None:
    if not project.allows(actor, Role.ADMIN):
        raise NotAllowed("Only admins of this project can change its settings.")


def _save_unique(instance: Any, message: str, field: str) -> None:
    try:
        with transaction.atomic():
            instance.full_clean(validate_unique=False, validate_constraints=False)
            instance.save()
    except IntegrityError:
        raise Duplicate(message, field=field) from None


@transaction.atomic
def project_update(*, project: Project, actor: AbstractBaseUser, **changes: Any) -> Project:
    _require_admin(project, actor)
    for field in _PROJECT_FIELDS:
        if field in changes:
            setattr(project, field, changes[field])
    _save_unique(project, "Another project has this name.", "name")
    return project


@transaction.atomic
def label_create(*, project: Project, actor: AbstractBaseUser, **values: Any) -> Label:
    _require_admin(project, actor)
    label = Label(project=project, **{k: v for k, v in values.items() if k in _LABEL_FIELDS})
    _save_unique(label, "The name or hotkey is already used by another label.", "name")
    return label


@transaction.atomic
def label_update(*, label: Label, actor: AbstractBaseUser, **changes: Any) -> Label:
    _require_admin(label.project, actor)
    for field in _LABEL_FIELDS:
        if field in changes:
            setattr(label, field, changes[field])
    _save_unique(label, "The name or hotkey is already used by another label.", "name")
    return label


@transaction.atomic
def label_delete(*, label: Label, actor: AbstractBaseUser) -> None:
    """Only an unused label can go: spans keep their label forever (history, exports)."""
    _require_admin(label.project, actor)
    if label.spans.exists():
        raise DomainError("Spans use this label; it cannot be deleted.", field="label")
    label.delete()


@transaction.atomic
def membership_change(
    *, project: Project, actor: AbstractBaseUser, user: AbstractBaseUser, role: Role | str | None
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
        return None
    membership, _ = Membership.objects.update_or_create(
        project=project, user=user, defaults={"role": Role(role)}
    )
    return membership

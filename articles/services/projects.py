from __future__ import annotations

from functools import partial

from django.db import IntegrityError, transaction

from articles.access import require_role
from articles.errors import Duplicate
from articles.guidelines import DEFAULT_LABELS, guidelines_text
from articles.models import Article, Label, Membership, Project, Role, Snapshot
from articles.services.assignments import assignments_after_membership
from articles.types import User


@transaction.atomic
def project_create(
    *,
    name: str,
    created_by: User | None,
    description: str = "",
    tagger: str = "",
    guidelines: str | None = None,
) -> Project:
    """A project with the three default labels; its creator becomes its admin."""
    # A savepoint: a taken name must leave the caller's transaction usable.
    try:
        with transaction.atomic():
            project = Project.objects.create(
                name=name,
                description=description,
                tagger=tagger,
                guidelines=guidelines_text() if guidelines is None else guidelines,
                created_by=created_by,
            )
    except IntegrityError:
        raise Duplicate("Another project has this name.", field="name") from None
    Label.objects.bulk_create(
        Label(
            project=project,
            name=spec.name,
            color=spec.color,
            pattern=spec.pattern,
            hotkey=spec.hotkey,
            description=spec.description,
            attributes=[dict(attribute) for attribute in spec.attributes],
            order=position,
        )
        for position, spec in enumerate(DEFAULT_LABELS)
    )
    if created_by is not None:
        Membership.objects.create(project=project, user=created_by, role=Role.ADMIN)
    return project


def membership_set(*, project: Project, user: User, role: Role | str) -> Membership:
    """Give ``user`` a role, unchecked: for the command line and tests (the API goes through
    ``membership_change``, which checks that the actor is an admin)."""
    membership, _ = Membership.objects.update_or_create(
        project=project, user=user, defaults={"role": Role(role)}
    )
    assignments_after_membership(project=project)
    return membership


@transaction.atomic
def project_delete(*, project: Project, actor: User) -> dict[str, int]:
    """Delete a project with everything in it. Preconditions: ``actor`` is an admin.

    Returns what was deleted, by model. ``project_delete_unchecked`` is the same without the
    check (the admin site, which has its own permissions).
    """
    require_role(actor, project, Role.ADMIN, "delete it")
    return project_delete_unchecked(project=project)


@transaction.atomic
def project_delete_unchecked(*, project: Project) -> dict[str, int]:
    """Delete a project: its articles first (with their spans, history and reviews), so
    that the labels the spans used can follow (a label in use is protected on its own)."""
    files = [
        name for name in Snapshot.objects.filter(project=project).values_list("file", flat=True)
    ]
    _, articles = Article.objects.filter(project=project).delete()
    _, rest = Project.objects.filter(pk=project.pk).delete()
    for name in filter(None, files):
        transaction.on_commit(partial(Snapshot.file.field.storage.delete, name))
    deleted = dict(articles)
    for model, count in rest.items():
        deleted[model] = deleted.get(model, 0) + count
    return deleted

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from articles.errors import Duplicate
from articles.guidelines import DEFAULT_LABELS, guidelines_text
from articles.models import Label, Membership, Project, Role


@transaction.atomic
def project_create(
    *,
    name: str,
    created_by: AbstractBaseUser | None,
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


def membership_set(*, project: Project, user: AbstractBaseUser, role: Role | str) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        project=project, user=user, defaults={"role": Role(role)}
    )
    return membership

"""Projects, their members and labels."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet

from articles.access import access_label, access_project
from articles.models import Article, Label, Membership, Project, Review, Role, role_expression
from articles.selectors.articles import count_per
from articles.types import AnyUser


def project_list(*, user: AnyUser, counts: bool = False) -> QuerySet[Project]:
    """Projects the user belongs to, with ``my_role``; ``counts`` adds ``article_count`` and
    ``done_count`` (the articles the user marked done)."""
    projects = Project.objects.visible_to(user).annotate(my_role=role_expression(user))
    if counts:
        done = Review.objects.filter(
            article__project=OuterRef("pk"), annotator_id=user.pk, state=Review.State.DONE
        )
        projects = projects.annotate(
            article_count=count_per(Article.objects.filter(project=OuterRef("pk")), "project_id"),
            done_count=count_per(done, "article__project_id"),
        )
    return projects.order_by("name")


def project_get(
    *, user: AnyUser, project_id: int, at_least: Role = Role.VIEWER, action: str = "do this"
) -> Project:
    """The project with ``my_role``; 404 for outsiders, 403 below ``at_least``."""
    project, _ = access_project(user, project_id, at_least=at_least, action=action)
    return project


def membership_list(*, project: Project) -> QuerySet[Membership]:
    return Membership.objects.filter(project=project).select_related("user").order_by("id")


def label_list(*, project: Project) -> QuerySet[Label]:
    """The project's labels in display order."""
    return Label.objects.filter(project=project).order_by("order", "name", "id")


def label_get(
    *, user: AnyUser, label_id: int, at_least: Role = Role.VIEWER, action: str = "do this"
) -> Label:
    label, _ = access_label(user, label_id, at_least=at_least, action=action)
    return label

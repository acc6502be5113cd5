"""Who may see or do what: the one place a project role is looked up and compared.

``access_project``, ``access_article``, ``access_span`` (and the same for labels, imports
and snapshots) fetch one object with the caller's role in one query: outsiders get 404
(``NotFound``: nothing tells them the object exists), members below the needed role a 403
(``NotAllowed``) naming what the role does not allow. A superuser is an admin of every
project. Views and pages call these; services call ``require_role`` once more, because the
command line calls services directly. The role found by an ``access_*`` call is remembered
on the object (and its project), so that check costs no second query.
"""

from __future__ import annotations

from typing import TypeVar, cast

from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet, Value
from django.db.models.fields import CharField

from articles.errors import NotAllowed, NotFound
from articles.models import (
    Article,
    ImportJob,
    Label,
    Membership,
    Project,
    Role,
    Snapshot,
    Span,
    role_expression,
)
from articles.types import AnyUser

M = TypeVar("M", bound=Model)
SpanSet = TypeVar("SpanSet", bound=QuerySet[Span])

_ROLE = "access_role"


def _access(
    queryset: QuerySet[M],
    pk: int,
    user: AnyUser,
    *,
    project_path: str,
    at_least: Role,
    action: str,
    what: str,
) -> tuple[M, Role]:
    """One query: the object of ``queryset`` with id ``pk`` and the user's role in its
    project (reached through ``project_path``, "" for a project itself)."""
    prefix = f"{project_path}__" if project_path else ""
    if not user.is_authenticated:
        raise NotFound(f"No such {what}.")
    if user.is_superuser:
        queryset = queryset.annotate(**{_ROLE: Value(Role.ADMIN.value, output_field=CharField())})
    else:
        # A join on the membership, not a subquery: the filter and the role share it.
        queryset = queryset.filter(**{f"{prefix}memberships__user": user}).annotate(
            **{_ROLE: F(f"{prefix}memberships__role")}
        )
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No such {what}.")
    role = Role(getattr(found, _ROLE))
    project = _project_of(found, project_path)
    remember_role(found, user, role)
    if project is not None and project is not found:
        remember_role(project, user, role)
    if not role.covers(at_least):
        raise NotAllowed(f"Your role in this project does not allow you to {action}.")
    return found, role


def _project_of(obj: Model, project_path: str) -> Project | None:
    """The project instance already loaded along ``project_path``, if any (no query)."""
    current: object = obj
    for step in project_path.split("__") if project_path else ():
        cache = getattr(current, "_state", None)
        if cache is None or step not in cache.fields_cache:
            return None
        current = cache.fields_cache[step]
    return current if isinstance(current, Project) else None


def remember_role(obj: Model, user: AnyUser, role: Role | None) -> None:
    """Keep the user's role on the instance (``my_role``), for serializers and
    ``require_role``; only valid for that user."""
    obj.my_role = role  # type: ignore[attr-defined]
    obj.role_user_id = user.pk  # type: ignore[attr-defined]


def role_in(user: AnyUser, project: Project) -> Role | None:
    """The user's role in the project: remembered by an ``access_*`` call, else one query."""
    if getattr(project, "role_user_id", None) == user.pk and user.is_authenticated:
        role = getattr(project, "my_role", None)
        return Role(role) if role else None
    value = (
        Project.objects.filter(pk=project.pk)
        .annotate(**{_ROLE: role_expression(user)})
        .values_list(_ROLE, flat=True)
        .first()
    )
    role = Role(value) if value else None
    remember_role(project, user, role)
    return role


def require_role(user: AnyUser, project: Project, at_least: Role, action: str) -> Role:
    """The services' check: 403 ``NotAllowed`` unless the user's role covers ``at_least``."""
    role = role_in(user, project)
    if role is None or not role.covers(at_least):
        raise NotAllowed(f"Your role in this project does not allow you to {action}.")
    return role


# Blind projects. The one rule, in Python for one project and in SQL for span queries: in a
# blind project an editor reads only the shared suggestions and their own layer; viewers
# (dataset consumers, who annotate nothing), reviewers and admins read every layer.


def reads_every_layer(project: Project, role: Role | None) -> bool:
    """Whether a member with ``role`` may read other annotators' layers of ``project``."""
    return role is not None and (not project.blind or role != Role.EDITOR)


def may_read_span(span: Span, user: AnyUser, role: Role | None) -> bool:
    """``readable_spans`` for one span whose project and role are known (no query)."""
    return (
        span.annotator_id is None
        or span.annotator_id == user.pk
        or reads_every_layer(span.article.project, role)
    )


def readable_spans(spans: SpanSet, user: AnyUser) -> SpanSet:
    """``spans`` narrowed to what ``user`` may read (``reads_every_layer``, as a query over
    spans of any number of projects)."""
    if user.is_superuser:
        return spans
    blind_editor = Exists(
        Membership.objects.filter(
            project=OuterRef("article__project_id"), user_id=cast(int, user.pk), role=Role.EDITOR
        )
    )
    return spans.filter(
        Q(annotator__isnull=True)
        | Q(annotator_id=user.pk)
        | Q(article__project__blind=False)
        | Q(~blind_editor)
    )


def access_project(
    user: AnyUser,
    project_id: int,
    *,
    at_least: Role = Role.VIEWER,
    action: str = "do this",
    queryset: QuerySet[Project] | None = None,
) -> tuple[Project, Role]:
    projects = Project.objects.all() if queryset is None else queryset
    return _access(
        projects,
        project_id,
        user,
        project_path="",
        at_least=at_least,
        action=action,
        what="project",
    )


def access_article(
    user: AnyUser,
    article_id: int,
    *,
    at_least: Role = Role.VIEWER,
    action: str = "do this",
    queryset: QuerySet[Article] | None = None,
) -> tuple[Article, Role]:
    articles = Article.objects.select_related("project") if queryset is None else queryset
    return _access(
        articles,
        article_id,
        user,
        project_path="project",
        at_least=at_least,
        action=action,
        what="article",
    )


def access_span(
    user: AnyUser,
    span_id: int,
    *,
    at_least: Role = Role.VIEWER,
    action: str = "do this",
    queryset: QuerySet[Span] | None = None,
) -> tuple[Span, Role]:
    spans = Span.objects.select_related("article__project") if queryset is None else queryset
    return _access(
        spans,
        span_id,
        user,
        project_path="article__project",
        at_least=at_least,
        action=action,
        what="span",
    )


def access_label(
    user: AnyUser, label_id: int, *, at_least: Role = Role.VIEWER, action: str = "do this"
) -> tuple[Label, Role]:
    return _access(
        Label.objects.select_related("project"),
        label_id,
        user,
        project_path="project",
        at_least=at_least,
        action=action,
        what="label",
    )


def access_import(
    user: AnyUser, import_id: int, *, at_least: Role = Role.VIEWER, action: str = "do this"
) -> tuple[ImportJob, Role]:
    return _access(
        ImportJob.objects.select_related("project"),
        import_id,
        user,
        project_path="project",
        at_least=at_least,
        action=action,
        what="import",
    )


def access_snapshot(
    user: AnyUser, snapshot_id: int, *, at_least: Role = Role.VIEWER, action: str = "do this"
) -> tuple[Snapshot, Role]:
    return _access(
        Snapshot.objects.select_related("project"),
        snapshot_id,
        user,
        project_path="project",
        at_least=at_least,
        action=action,
        what="snapshot",
    )


def lock_article(user: AnyUser, article: Article, *, at_least: Role, action: str) -> Role:
    """Lock the article's row for a write and check the user's role, in one query.

    The lock serialises writes on one article, so that two overlap or one-decision checks
    cannot both pass. The role comes from the ``access_*`` call that fetched the article
    when there was one, else from the same statement as the lock.
    """
    locked = Article.objects.select_for_update(of=("self",)).filter(pk=article.pk)
    project = article.project
    if getattr(project, "role_user_id", None) == user.pk and user.is_authenticated:
        locked.values_list("pk").first()
        role = role_in(user, project)
    else:
        value = (
            locked.annotate(**{_ROLE: role_expression(user, "project_id")})
            .values_list(_ROLE, flat=True)
            .first()
        )
        role = Role(value) if value else None
        remember_role(project, user, role)
    if role is None or not role.covers(at_least):
        raise NotAllowed(f"Your role in this project does not allow you to {action}.")
    return role


def can_create_projects(user: AnyUser) -> bool:
    """Who may start a project (and so become its admin): staff users."""
    return bool(user.is_authenticated and user.is_staff)


def require_project_creator(user: AnyUser) -> None:
    if not can_create_projects(user):
        raise NotAllowed("Only staff users create projects; ask an administrator.")

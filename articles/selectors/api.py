"""Reads for the REST API: visibility, the editor's span layers, filtered lists.

Every query that depends on the requesting user scopes to projects the user belongs to, so an
outsider gets "not found" rather than "forbidden".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.http import Http404

from articles.models import (
    Article,
    Label,
    Membership,
    Project,
    Review,
    Role,
    Span,
)

User = AbstractBaseUser | AnonymousUser
Layer = Literal["mine", "all", "suggestions"]


def role_subquery(user: User, project_ref: str) -> Subquery:
    """The user's role in the project ``project_ref`` points at, as an annotation."""
    return Subquery(
        Membership.objects.filter(project=OuterRef(project_ref), user_id=user.pk).values("role")[:1]
    )


def _where(queryset: QuerySet, **lookups: object) -> QuerySet:
    """Filter by the lookups that were given: None, "" and an empty list mean "any"."""
    given = {key: value for key, value in lookups.items() if value not in (None, "", [])}
    return queryset.filter(**given) if given else queryset


def project_list(*, user: User) -> QuerySet[Project]:
    projects = Project.objects.visible_to(user)
    if user.is_superuser:
        return projects.annotate(my_role=Value(Role.ADMIN.value))
    return projects.annotate(my_role=role_subquery(user, "pk"))


def project_get(*, user: User, project_id: int) -> Project:
    """The project, with ``my_role`` set; 404 for outsiders."""
    project = Project.objects.visible_to(user).filter(pk=project_id).first()
    if project is None:
        raise Http404("No such project.")
    project.my_role = Role.ADMIN if user.is_superuser else project.role_of(user)
    return project


def label_list(*, project: Project) -> QuerySet[Label]:
    return Label.objects.filter(project=project).order_by("order", "name", "id")


def article_get(*, user: User, article_id: int) -> Article:
    """An article of a project the user belongs to, labels prefetched; 404 otherwise."""
    return article_for(user=user, article_id=article_id, articles=articles_with_labels())


def articles_with_labels() -> QuerySet[Article]:
    return Article.objects.select_related("project").prefetch_related(
        Prefetch("project__labels", queryset=Label.objects.order_by("order", "name", "id"))
    )


def article_for(*, user: User, article_id: int, articles: QuerySet[Article]) -> Article:
    """One article of ``articles`` in a project the user belongs to, with ``my_role``; else 404.

    Callers pass their own joins and annotations (the API's detail, the editor page).
    """
    if not user.is_superuser:
        articles = articles.filter(project__memberships__user=user).annotate(
            my_role=role_subquery(user, "project_id")
        )
    article = articles.filter(pk=article_id).first()
    if article is None:
        raise Http404("No such article.")
    if user.is_superuser:
        article.my_role = Role.ADMIN
    return article


def article_list(
    *,
    user: User,
    project_id: int | None = None,
    review_state: str | None = None,
    pretag_state: str | None = None,
    search: str | None = None,
    updated_since: datetime | None = None,
) -> QuerySet[Article]:
    """Articles visible to the user; ``review_state`` is the user's own (no row = new)."""
    articles = _where(
        Article.objects.visible_to(user).defer("text"),
        project_id=project_id,
        pretag_state=pretag_state,
        updated_at__gte=updated_since,
    )
    if search:
        articles = articles.filter(Q(title__icontains=search) | Q(text__icontains=search))
    mine = Review.objects.filter(article=OuterRef("pk"), annotator_id=user.pk)
    articles = articles.annotate(my_review=Subquery(mine.values("state")[:1]))
    if review_state == "new":
        articles = articles.filter(~Exists(mine))
    elif review_state:
        articles = articles.filter(Exists(mine.filter(state=review_state)))
    return articles


def _span_base() -> QuerySet[Span]:
    return Span.objects.select_related("label", "annotator")


def span_get(*, user: User, span_id: int, with_text: bool = True) -> Span:
    """A span of a project the user belongs to, with article and project joined; else 404.

    ``with_text=False`` leaves out the article text (TOASTed, several KB) for decisions,
    which never read it; it would load on access.
    """
    spans = Span.objects.select_related("label", "annotator", "article__project")
    if not with_text:
        spans = spans.defer("article__text")
    if not user.is_superuser:
        spans = spans.filter(article__project__memberships__user=user)
    span = spans.filter(pk=span_id).first()
    if span is None:
        raise Http404("No such span.")
    return span


def undecided_suggestions(*, article: Article, user: User, gold: bool = False) -> QuerySet[Span]:
    """Machine suggestions of the article the user has not decided in their layer yet."""
    decided = Span.objects.filter(derived_from=OuterRef("pk"), annotator_id=user.pk, gold=gold)
    return _span_base().filter(article=article, annotator__isnull=True).filter(~Exists(decided))


def article_spans(*, article: Article, user: User, layer: Layer = "mine") -> list[Span]:
    """The spans the editor shows, ordered by start, -end.

    ``mine``: the user's own rows plus the suggestions they have not decided yet;
    ``suggestions``: every machine suggestion; ``all``: every layer (callers check the role).
    """
    if layer == "suggestions":
        spans = _span_base().filter(article=article, annotator__isnull=True)
    elif layer == "all":
        spans = _span_base().filter(article=article)
    else:
        decided = Span.objects.filter(derived_from=OuterRef("pk"), annotator_id=user.pk, gold=False)
        spans = _span_base().filter(
            Q(article=article)
            & (Q(annotator_id=user.pk, gold=False) | (Q(annotator__isnull=True) & ~Exists(decided)))
        )
    return list(spans.order_by("start", "-end", "label_id", "id"))


def span_list(
    *,
    user: User,
    project_id: int | None = None,
    article_id: int | None = None,
    labels: Iterable[str] = (),
    status: str | None = None,
    origin: str | None = None,
    annotator: str | None = None,
    min_confidence: float | None = None,
) -> QuerySet[Span]:
    spans = _span_base().filter(article__project__in=Project.objects.visible_to(user))
    if project_id is not None:
        # A lower bound on article_id lets the (article_id) index start at this project's
        # first article instead of walking every older project's spans (list order is
        # article_id, id). Articles of a project are mostly contiguous ids: imports.
        first_article = (
            Article.objects.filter(project_id=project_id)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        if first_article is None:
            return spans.none()
        spans = spans.filter(article__project_id=project_id, article_id__gte=first_article)
    return _where(
        spans,
        article_id=article_id,
        label__name__in=[name for name in labels if name],
        status=status,
        origin=origin,
        annotator__username=annotator,
        confidence__gte=min_confidence,
    )


def bulk_candidates(
    *,
    article: Article,
    user: User,
    ids: list[int] | None = None,
    label: str | None = None,
    min_confidence: float | None = None,
    max_confidence: float | None = None,
) -> list[Span]:
    spans = undecided_suggestions(article=article, user=user)
    if ids is not None:
        spans = spans.filter(pk__in=ids)
    spans = _where(
        spans,
        label__name=label,
        confidence__gte=min_confidence,
        confidence__lte=max_confidence,
    )
    found = list(spans.order_by("start", "-end", "id"))
    for span in found:
        # One shared article instance: its text is not copied per row and its project is cached.
        span.article = article
    return found


def membership_list(*, project: Project) -> QuerySet[Membership]:
    return Membership.objects.filter(project=project).select_related("user").order_by("id")

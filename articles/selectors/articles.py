"""Articles: one article for the editor and the API, the filtered lists, the user's queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from articles.access import access_article
from articles.models import Article, Assignment, Label, Project, Review, Role, Span
from articles.types import AnyUser

REVIEW_STATES = ("new", *Review.State.values)


def _my_review(user: AnyUser) -> QuerySet[Review]:
    return Review.objects.filter(article=OuterRef("pk"), annotator_id=user.pk)


def article_get(
    *,
    user: AnyUser,
    article_id: int,
    at_least: Role = Role.VIEWER,
    action: str = "do this",
    with_text: bool = True,
) -> Article:
    """The article with its project, the project's labels in display order, the caller's
    role (``my_role``) and review state (``my_review``, None = new); 404 for outsiders,
    403 below ``at_least``. ``with_text=False`` leaves the text (several KB) unread."""
    articles = (
        Article.objects.select_related("project")
        .prefetch_related(
            Prefetch("project__labels", queryset=Label.objects.order_by("order", "name", "id"))
        )
        .annotate(my_review=Subquery(_my_review(user).values("state")[:1]))
    )
    if not with_text:
        articles = articles.defer("text")
    article, _ = access_article(
        user, article_id, at_least=at_least, action=action, queryset=articles
    )
    return article


def _filtered(
    articles: QuerySet[Article],
    *,
    user: AnyUser,
    review_state: str | None,
    pretag_state: str | None,
    search: str | None,
) -> QuerySet[Article]:
    """The filters the API and the queue page share; ``review_state`` is the user's own."""
    if review_state == "new":
        articles = articles.filter(~Exists(_my_review(user)))
    elif review_state:
        articles = articles.filter(Exists(_my_review(user).filter(state=review_state)))
    if pretag_state:
        articles = articles.filter(pretag_state=pretag_state)
    if search:
        articles = articles.filter(Q(title__icontains=search) | Q(text__icontains=search))
    return articles


def article_list(
    *,
    user: AnyUser,
    project_id: int | None = None,
    review_state: str | None = None,
    pretag_state: str | None = None,
    search: str | None = None,
    updated_since: datetime | None = None,
) -> QuerySet[Article]:
    """Articles of the user's projects with ``my_review``, filtered (None means any)."""
    articles: QuerySet[Article] = Article.objects.visible_to(user).defer("text")
    if project_id is not None:
        articles = articles.filter(project_id=project_id)
    if updated_since is not None:
        articles = articles.filter(updated_at__gte=updated_since)
    articles = _filtered(
        articles, user=user, review_state=review_state, pretag_state=pretag_state, search=search
    )
    return articles.annotate(my_review=Subquery(_my_review(user).values("state")[:1]))


def count_per(rows: QuerySet[Any], by: str) -> Coalesce:
    """A correlated COUNT(*) of ``rows`` grouped by ``by`` (no GROUP BY on the outer
    query), 0 when there are none."""
    return Coalesce(
        Subquery(
            rows.order_by().values(by).annotate(n=Count("*")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def article_queue(
    *,
    user: AnyUser,
    project: Project,
    review_state: str | None = None,
    pretag_state: str | None = None,
    search: str | None = None,
) -> QuerySet[Article]:
    """The user's queue: their open assignments first (in progress, then new), then other
    articles in progress, then new by id; done and skipped ones last.

    Each row carries ``my_review`` (None = new), ``assigned`` (True: assigned to the user,
    False: skipped, None: not theirs), ``flag_reason``, ``pending_count`` (suggestions the
    user has not decided) and ``mine_count`` (accepted rows of the user's layer). A constant
    number of queries whatever the number of articles or spans.
    """
    here = Span.objects.filter(article=OuterRef("pk"))
    mine = Assignment.objects.filter(article=OuterRef("pk"), annotator_id=user.pk)
    articles = _filtered(
        Article.objects.filter(project=project).defer("text", "meta"),
        user=user,
        review_state=review_state,
        pretag_state=pretag_state,
        search=search,
    )
    return (
        articles.annotate(
            my_review=Subquery(_my_review(user).values("state")[:1]),
            pending_count=count_per(here.undecided_by(user), "article_id"),
            mine_count=count_per(
                here.layer(user).filter(status=Span.Status.ACCEPTED), "article_id"
            ),
            assigned=Subquery(
                mine.annotate(
                    open=ExpressionWrapper(~Q(skipped=True), output_field=BooleanField())
                ).values("open")[:1]
            ),
            flag_reason=Subquery(mine.values("flag_reason")[:1]),
        )
        .annotate(
            queue_rank=Case(
                When(my_review=Review.State.DONE, then=Value(5)),
                When(assigned=False, then=Value(4)),
                When(assigned=True, my_review=Review.State.IN_PROGRESS, then=Value(0)),
                When(assigned=True, then=Value(1)),
                When(my_review=Review.State.IN_PROGRESS, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("queue_rank", "id")
    )


def next_article(*, user: AnyUser, article: Article) -> Article | None:
    """The next article to do in the user's queue after ``article`` (never a done one)."""
    queue = article_queue(user=user, project=article.project).exclude(pk=article.pk)
    done = _my_review(user).filter(state=Review.State.DONE)
    return queue.exclude(Exists(done)).only("id").first()

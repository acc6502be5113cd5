"""Reads for the server-rendered pages: the project list, the article queue, the editor.

Every read is a constant number of queries whatever the number of articles or spans: counts
are annotated as subqueries and the editor's spans come in one query with their labels.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from articles.models import ROLE_RANK, Article, Label, Project, Review, Role, Span, span_kind
from articles.selectors.api import article_for, articles_with_labels

User = AbstractBaseUser | AnonymousUser

REVIEW_FILTERS = ("new", "in_progress", "done")


def _count(queryset: QuerySet[Any]) -> Subquery:
    """A correlated COUNT(*) subquery (no GROUP BY on the outer query)."""
    return Subquery(
        queryset.order_by().values("article_id").annotate(n=Count("*")).values("n")[:1],
        output_field=IntegerField(),
    )


def project_list(*, user: User) -> QuerySet[Project]:
    """Projects the user belongs to, with article counts and the user's pending work."""
    articles = Article.objects.filter(project=OuterRef("pk"))
    done = Review.objects.filter(
        article__project=OuterRef("pk"), annotator_id=user.pk, state=Review.State.DONE
    )
    return (
        Project.objects.visible_to(user)
        .annotate(
            article_count=Coalesce(
                Subquery(
                    articles.order_by().values("project_id").annotate(n=Count("*")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
            done_count=Coalesce(
                Subquery(
                    done.order_by()
                    .values("article__project_id")
                    .annotate(n=Count("*"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
        .order_by("name")
    )


def project_get(*, user: User, project_id: int) -> Project:
    project = Project.objects.visible_to(user).filter(pk=project_id).first()
    if project is None:
        raise Http404("No such project.")
    return project


def article_queue(
    *,
    user: User,
    project: Project,
    review: str | None = None,
    pretag: str | None = None,
    search: str | None = None,
) -> QuerySet[Article]:
    """The user's queue: in progress first, then new by id, done last.

    Each row carries ``my_review`` (None = new), ``pending_count`` (suggestions the user has
    not decided) and ``mine_count`` (rows of the user's layer that are accepted).
    """
    mine = Review.objects.filter(article=OuterRef("pk"), annotator_id=user.pk)
    decided = Span.objects.filter(derived_from=OuterRef("pk"), annotator_id=user.pk, gold=False)
    pending = Span.objects.filter(article=OuterRef("pk"), annotator__isnull=True).filter(
        ~Exists(decided)
    )
    accepted = Span.objects.filter(
        article=OuterRef("pk"), annotator_id=user.pk, gold=False, status=Span.Status.ACCEPTED
    )
    articles = (
        Article.objects.filter(project=project)
        .defer("text", "meta")
        .annotate(
            my_review=Subquery(mine.values("state")[:1]),
            pending_count=Coalesce(_count(pending), 0),
            mine_count=Coalesce(_count(accepted), 0),
        )
        .annotate(
            queue_rank=Case(
                When(my_review=Review.State.IN_PROGRESS, then=Value(0)),
                When(my_review__isnull=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
    )
    if review == "new":
        articles = articles.filter(~Exists(mine))
    elif review in ("in_progress", "done"):
        articles = articles.filter(Exists(mine.filter(state=review)))
    if pretag in Article.PretagState.values:
        articles = articles.filter(pretag_state=pretag)
    if search:
        articles = articles.filter(Q(title__icontains=search) | Q(text__icontains=search))
    return articles.order_by("queue_rank", "id")


def next_article(*, user: User, article: Article) -> Article | None:
    """The next article to do in the user's queue after ``article`` (never a done one)."""
    queue = article_queue(user=user, project=article.project).exclude(pk=article.pk)
    return queue.filter(queue_rank__lt=2).only("id").first()


def editor_article(*, user: User, article_id: int) -> Article:
    """The article with project, labels, the user's role (``my_role``) and review state
    (``my_review``); 404 for outsiders."""
    my_review = Subquery(
        Review.objects.filter(article=OuterRef("pk"), annotator_id=user.pk).values("state")[:1]
    )
    return article_for(
        user=user,
        article_id=article_id,
        articles=articles_with_labels().annotate(my_review=my_review),
    )


def can_edit(article: Article) -> bool:
    role = getattr(article, "my_role", None)
    return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[Role.EDITOR]


# Column order of the editor's compact span rows; the page decodes them (editor.js).
SPAN_COLUMNS = (
    "id",
    "label",
    "start",
    "end",
    "status",
    "origin",
    "kind",
    "version",
    "confidence",
    "annotator",
    "derived_from",
    "attrs",
    "note",
)


def editor_spans(*, article: Article, user: User, labels: list[Label]) -> dict[str, Any]:
    """The user's view: own layer rows plus suggestions not decided yet, in text order.

    Compact, for long articles (2,000 spans as verbose objects were ~0.4 MB of JSON): one
    array per span in ``SPAN_COLUMNS`` order, label as an index into ``labels``, status,
    origin and kind (``span_kind``) as indexes into the string tables sent along, annotator
    as 1 (the user: the only layer the page shows besides the suggestions) or null, trailing
    empty values dropped.
    One query of plain values, no joins, no model instances.
    """
    decided = Span.objects.filter(derived_from=OuterRef("pk"), annotator_id=user.pk, gold=False)
    rows = (
        Span.objects.filter(article=article)
        .filter(
            Q(annotator_id=user.pk, gold=False) | (Q(annotator__isnull=True) & ~Exists(decided))
        )
        .order_by("start", "-end", "label_id", "id")
        .values_list(
            "id",
            "label_id",
            "start",
            "end",
            "status",
            "origin",
            "version",
            "confidence",
            "annotator_id",
            "derived_from_id",
            "attrs",
            "note",
        )
    )
    # Run on a plain cursor: Django's per-value converters (JSON decoding every attrs, even
    # "{}") cost more than the query itself for thousands of rows. attrs arrive as JSON text
    # on both PostgreSQL (Django loads jsonb as text) and SQLite.
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    label_index = {label.pk: i for i, label in enumerate(labels)}
    statuses: dict[str, int] = {}
    origins: dict[str, int] = {}
    kinds: dict[str, int] = {}
    out: list[list[Any]] = []
    for (
        pk,
        label_id,
        start,
        end,
        status,
        origin,
        version,
        confidence,
        annotator_id,
        derived_from,
        attrs,
        note,
    ) in rows:
        row = [
            pk,
            label_index[label_id],
            start,
            end,
            statuses.setdefault(status, len(statuses)),
            origins.setdefault(origin, len(origins)),
            kinds.setdefault(span_kind(status, origin, derived_from), len(kinds)),
            version,
            confidence,
            1 if annotator_id is not None else None,
            derived_from,
            json.loads(attrs) if attrs and attrs != "{}" else None,
            note or None,
        ]
        while row[-1] is None:
            row.pop()
        out.append(row)
    return {
        "columns": SPAN_COLUMNS,
        "status": list(statuses),
        "origin": list(origins),
        "kind": list(kinds),
        "rows": out,
    }


def label_json(label: Label) -> dict[str, Any]:
    return {
        "id": label.pk,
        "name": label.name,
        "color": label.color,
        "pattern": label.pattern,
        "hotkey": label.hotkey,
        "description": label.description,
        "attributes": label.attributes,
    }

"""Spans: one span, an article's spans as a user sees them, lists across projects."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import QuerySet

from articles.access import access_span, may_read_span, readable_spans
from articles.errors import NotFound
from articles.models import Article, Label, Project, Role, Span, SpanQuerySet, span_kind
from articles.types import AnyUser

Layer = Literal["mine", "all", "suggestions"]


def _spans() -> SpanQuerySet:
    return Span.objects.select_related("label", "annotator")


def span_get(
    *,
    user: AnyUser,
    span_id: int,
    at_least: Role = Role.VIEWER,
    action: str = "do this",
    for_write: bool = False,
) -> Span:
    """A span with its label, article and project (and annotator); 404 for outsiders.

    ``for_write=True`` (decisions, undo) leaves out the article text (TOASTed, several KB),
    which they never read, and the annotator: a write answers with the row it wrote.
    """
    spans = Span.objects.select_related("label", "article__project")
    spans = spans.defer("article__text") if for_write else spans.select_related("annotator")
    span, role = access_span(user, span_id, at_least=at_least, action=action, queryset=spans)
    # Another annotator's row in a blind project is, to an editor, not there.
    if not may_read_span(span, user, role):
        raise NotFound("No such span.")
    return span


def article_spans(*, article: Article, user: AnyUser, layer: Layer = "mine") -> list[Span]:
    """The spans of one article in text order.

    ``mine``: the user's view (``view_of``); ``suggestions``: every machine suggestion;
    ``all``: every layer (callers check the role).
    """
    spans = Span.objects.filter(article=article)
    if layer == "suggestions":
        spans = spans.suggestions()
    elif layer == "mine":
        spans = spans.view_of(user)
    found = list(spans.in_text_order())
    _attach(found, article, user)
    return found


def _attach(spans: list[Span], article: Article, user: AnyUser) -> None:
    """Give each span its label and annotator from what is already loaded (the article's
    project's labels, the user) and one query for other annotators, not from a join per
    row: a label and a user instance per span were a third of a list's time."""
    labels = {label.pk: label for label in article.project.labels.all()}
    people: dict[int, Any] = {user.pk: user} if user.is_authenticated else {}
    others = {s.annotator_id for s in spans if s.annotator_id is not None} - people.keys()
    if others:
        people.update(get_user_model().objects.in_bulk(others))
    for span in spans:
        if span.label_id in labels:  # else (a label added since) it loads on access
            span.label = labels[span.label_id]
        if span.annotator_id is not None:
            span.annotator = people[span.annotator_id]


# Column order of the editor's compact span rows; the page decodes them by these names.
EDITOR_COLUMNS = (
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


def editor_rows(*, article: Article, user: AnyUser, labels: list[Label]) -> dict[str, Any]:
    """The user's view of an article for the editor page, compact for long articles.

    2,000 spans as verbose objects were ~0.4 MB of JSON: instead one array per span in
    ``EDITOR_COLUMNS`` order, label as an index into ``labels``, status, origin and kind
    (``span_kind``) as indexes into the string tables sent along, annotator as 1 (the user:
    the only layer the page shows besides the suggestions) or null, trailing empty values
    dropped. One query of plain values, no joins, no model instances.
    """
    rows = (
        Span.objects.filter(article=article)
        .view_of(user)
        .in_text_order()
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
        fetched = cursor.fetchall()
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
    ) in fetched:
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
        "columns": EDITOR_COLUMNS,
        "status": list(statuses),
        "origin": list(origins),
        "kind": list(kinds),
        "rows": out,
    }


def span_list(
    *,
    user: AnyUser,
    project_id: int | None = None,
    article_id: int | None = None,
    labels: Iterable[str] = (),
    status: str | None = None,
    origin: str | None = None,
    annotator: str | None = None,
    min_confidence: float | None = None,
) -> QuerySet[Span]:
    """Spans across the user's projects that the user may read (``readable_spans``),
    filtered (None or empty means any)."""
    spans = readable_spans(
        _spans().filter(article__project__in=Project.objects.visible_to(user)), user
    )
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
    names = [name for name in labels if name]
    if article_id is not None:
        spans = spans.filter(article_id=article_id)
    if names:
        spans = spans.filter(label__name__in=names)
    if status:
        spans = spans.filter(status=status)
    if origin:
        spans = spans.filter(origin=origin)
    if annotator:
        spans = spans.filter(annotator__username=annotator)
    if min_confidence is not None:
        spans = spans.filter(confidence__gte=min_confidence)
    return spans


def bulk_candidates(
    *,
    article: Article,
    user: AnyUser,
    ids: list[int] | None = None,
    label: str | None = None,
    min_confidence: float | None = None,
    max_confidence: float | None = None,
) -> list[Span]:
    """The user's undecided suggestions of the article that a bulk decision covers."""
    spans = _spans().filter(article=article).undecided_by(user)
    if ids is not None:
        spans = spans.filter(pk__in=ids)
    if label:
        spans = spans.filter(label__name=label)
    if min_confidence is not None:
        spans = spans.filter(confidence__gte=min_confidence)
    if max_confidence is not None:
        spans = spans.filter(confidence__lte=max_confidence)
    found = list(spans.in_text_order())
    for span in found:
        # One shared article instance: its text is not copied per row and its project is cached.
        span.article = article
    return found

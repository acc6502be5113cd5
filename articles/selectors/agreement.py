"""Reads for agreement: who finished which article, and their accepted spans.

An editor's layer counts for an article once they marked it done (their review): work in
progress would read as disagreement. Gold rows are the reviewers' decision, not an
editor's, and are left out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.db.models.functions import TruncWeek

from articles.agreement import ArticleLayers, agreement
from articles.errors import DomainError
from articles.models import Article, Label, Project, Review, Span


def finished_by(project: Project, article_id: int | None = None) -> dict[int, dict[int, str]]:
    """``{article_id: {user_id: username}}`` of the editors who marked each article done."""
    reviews = Review.objects.filter(article__project=project, state=Review.State.DONE)
    if article_id is not None:
        reviews = reviews.filter(article_id=article_id)
    found: dict[int, dict[int, str]] = defaultdict(dict)
    for article, user, name in reviews.values_list(
        "article_id", "annotator_id", "annotator__username"
    ):
        found[article][user] = name
    return found


def article_layers(
    project: Project, article_ids: list[int] | None = None, label: str | None = None
) -> list[ArticleLayers]:
    """The finished layers of the project's articles (or of ``article_ids``)."""
    finished = finished_by(project)
    ids = [a for a in finished if article_ids is None or a in article_ids]
    spans = Span.objects.filter(
        article_id__in=ids, gold=False, annotator__isnull=False, status=Span.Status.ACCEPTED
    )
    if label:
        spans = spans.filter(label__name=label)
    layers: dict[int, dict[str, dict[str, list[tuple[int, int]]]]] = defaultdict(dict)
    for article_id, editors in finished.items():
        for name in editors.values():
            layers[article_id][name] = {}
    for article_id, user_id, name, start, end in spans.order_by("start", "end").values_list(
        "article_id", "annotator_id", "label__name", "start", "end"
    ):
        editor = finished.get(article_id, {}).get(user_id)
        if editor is not None:
            layers[article_id][editor].setdefault(name, []).append((start, end))
    texts = dict(Article.objects.filter(pk__in=ids).values_list("pk", "text"))
    return [ArticleLayers(pk, texts[pk], layers[pk]) for pk in sorted(ids)]


def _label_names(project: Project, label: str | None) -> list[str]:
    names = list(
        Label.objects.filter(project=project)
        .order_by("order", "name")
        .values_list("name", flat=True)
    )
    if label is None:
        return names
    if label not in names:
        raise DomainError(f"No label named {label!r} in this project.", field="label")
    return [label]


def project_agreement(
    *,
    project: Project,
    article_id: int | None = None,
    label: str | None = None,
    editor: str | None = None,
) -> dict[str, Any]:
    """``articles.agreement.agreement`` over the project's finished articles, filtered."""
    names = _label_names(project, label)
    if article_id is not None and not Article.objects.filter(pk=article_id, project=project):
        raise DomainError("No such article in this project.", field="article")
    if editor and not get_user_model().objects.filter(username=editor).exists():
        raise DomainError(f"No user named {editor!r}.", field="editor")
    ids = None if article_id is None else [article_id]
    return agreement(article_layers(project, ids, label), names, editor or None)


def agreement_by_week(project: Project) -> list[dict[str, Any]]:
    """Per week an article was finished (its last done review): the label figures of the
    articles finished that week, oldest first."""
    weeks: dict[dt.date, list[int]] = defaultdict(list)
    finished = (
        Review.objects.filter(article__project=project, state=Review.State.DONE)
        .values("article_id")
        .annotate(last=Max("updated_at"))
        .annotate(week=TruncWeek("last"))
    )
    for row in finished:
        week = row["week"]
        weeks[week.date() if isinstance(week, dt.datetime) else week].append(row["article_id"])
    names = _label_names(project, None)
    layers = {layer.article_id: layer for layer in article_layers(project)}
    out = []
    for week in sorted(weeks):
        chosen = [layers[pk] for pk in weeks[week] if pk in layers]
        figures = agreement(chosen, names)
        if figures["articles"]:
            out.append({"week": week.isoformat(), **figures})
    return out

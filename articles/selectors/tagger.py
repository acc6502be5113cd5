"""A project's learned re-scorer: its versions, the active one, and what its editors decided
(the training data, as ``articles.tagging.training.TrainingArticle``)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from articles.models import Article, Project, Review, Span, TaggerVersion
from articles.tagging.evaluation import IOU_THRESHOLD, iou
from articles.tagging.training import Key, TrainingArticle

Layer = tuple[int, int, bool]  # article id, annotator id, gold


def tagger_versions(*, project: Project) -> QuerySet[TaggerVersion]:
    """Every version, newest first, without the fitted numbers (they can be large)."""
    return (
        TaggerVersion.objects.filter(project=project)
        .select_related("created_by")
        .defer("model")
        .order_by("-number")
    )


def active_version(*, project_id: int) -> tuple[int, int] | None:
    """(id, number) of the project's active version, if any: one small query."""
    return (
        TaggerVersion.objects.filter(project_id=project_id, active=True)
        .values_list("pk", "number")
        .first()
    )


def training_articles(*, project: Project, limit: int) -> list[TrainingArticle]:
    """One ``TrainingArticle`` per layer (an editor's, or a reviewer's gold layer) with at
    least one row, on the ``limit`` articles decided most recently.

    A layer is complete when its annotator marked the article done; then its accepted rows
    are the truth. Every layer also gives the outcome of each suggestion it decided: kept
    when accepted as is, or edited into a span of the same label overlapping it with
    IoU >= 0.5; not kept when rejected or relabelled.
    """
    rows = (
        Span.objects.filter(article__project=project, annotator__isnull=False)
        .order_by("-updated_at")
        .values(
            "article_id",
            "annotator_id",
            "gold",
            "label__name",
            "start",
            "end",
            "attrs",
            "status",
            "derived_from__label__name",
            "derived_from__start",
            "derived_from__end",
            "updated_at",
        )
    )
    layers: dict[Layer, list[dict[str, Any]]] = defaultdict(list)
    recent: set[int] = set()
    for row in rows.iterator(chunk_size=2000):
        article_id = row["article_id"]
        if article_id not in recent:
            if len(recent) >= limit:
                continue
            recent.add(article_id)
        layers[(article_id, row["annotator_id"], row["gold"])].append(dict(row))
    if not layers:
        return []
    texts = dict(Article.objects.filter(pk__in=recent).values_list("pk", "text"))
    done = set(
        Review.objects.filter(article_id__in=recent, state=Review.State.DONE).values_list(
            "article_id", "annotator_id"
        )
    )
    found = []
    for (article_id, annotator_id, gold), layer in sorted(layers.items()):
        truth = tuple(
            {"label": r["label__name"], "start": r["start"], "end": r["end"], "attrs": r["attrs"]}
            for r in layer
            if r["status"] == Span.Status.ACCEPTED
        )
        found.append(
            TrainingArticle(
                key=f"{article_id}/{annotator_id}{'/gold' if gold else ''}",
                text=texts[article_id],
                truth=truth if (article_id, annotator_id) in done else None,
                decided=_decided(layer),
            )
        )
    return found


def _decided(layer: list[dict[str, Any]]) -> dict[Key, bool]:
    decided: dict[Key, bool] = {}
    for row in layer:
        if row["derived_from__label__name"] is None:
            continue
        suggestion = (
            row["derived_from__label__name"],
            row["derived_from__start"],
            row["derived_from__end"],
        )
        decided[suggestion] = (
            row["status"] == Span.Status.ACCEPTED
            and row["label__name"] == suggestion[0]
            and iou((row["start"], row["end"]), suggestion[1:]) >= IOU_THRESHOLD
        )
    return decided

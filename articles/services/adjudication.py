"""Adjudication: a reviewer turns the editors' versions into the gold layer.

Every write goes through the span services with ``gold=True`` (which check the reviewer
role, lock the article and write history): a version accepted as the machine suggested it
becomes the gold decision on that suggestion, an edited or hand-drawn one a gold span of
its own; rejecting records a rejected gold row, so the page and the export know the place
was decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from articles.access import require_role
from articles.errors import DomainError
from articles.models import Article, Label, Role, Span
from articles.selectors.adjudication import adjudication_view
from articles.services.spans import span_create, span_decide, span_update
from articles.types import User


def _source(span: Span, article: Article) -> Span:
    """An accepted row of an editor's layer of ``article``: what a version is read from."""
    if span.article_id != article.pk or span.gold or span.annotator_id is None:
        raise DomainError("Give a span of an editor's layer of this article.", field="span")
    if span.status != Span.Status.ACCEPTED:
        raise DomainError("Only accepted spans are versions to adjudicate.", field="span")
    return span


def _suggestion(span: Span) -> Span | None:
    """The suggestion a version was accepted from unchanged, if it was."""
    if span.derived_from_id is None or span.origin != Span.Origin.MACHINE:
        return None
    suggestion = Span.objects.select_related("label", "article__project").get(
        pk=span.derived_from_id
    )
    return suggestion


def gold_take(*, span: Span, article: Article, actor: User) -> Span:
    """The version ``span`` shows becomes gold."""
    source = _source(span, article)
    suggestion = _suggestion(source)
    if suggestion is not None:
        return span_decide(span=suggestion, actor=actor, decision="accept", gold=True)
    return span_create(
        article=article,
        label=source.label,
        start=source.start,
        end=source.end,
        attrs=source.attrs,
        actor=actor,
        gold=True,
    )


@transaction.atomic
def gold_reject(*, span: Span, article: Article, actor: User) -> Span:
    """The version ``span`` shows is not gold: a rejected gold row records it."""
    source = _source(span, article)
    suggestion = _suggestion(source)
    if suggestion is not None:
        return span_decide(span=suggestion, actor=actor, decision="reject", gold=True)
    row = span_create(
        article=article,
        label=source.label,
        start=source.start,
        end=source.end,
        attrs=source.attrs,
        actor=actor,
        gold=True,
    )
    return span_decide(span=row, actor=actor, decision="reject", version=row.version)


def gold_edit(
    *,
    span: Span,
    article: Article,
    actor: User,
    label: Label | None = None,
    start: int | None = None,
    end: int | None = None,
    attrs: dict[str, Any] | None = None,
) -> Span:
    """The version ``span`` shows, changed, becomes gold."""
    source = _source(span, article)
    if source.derived_from_id is not None:
        suggestion = Span.objects.select_related("label", "article__project").get(
            pk=source.derived_from_id
        )
        return span_update(
            span=suggestion,
            actor=actor,
            version=suggestion.version,
            label=label or source.label,
            start=source.start if start is None else start,
            end=source.end if end is None else end,
            attrs=source.attrs if attrs is None else attrs,
            gold=True,
        )
    return span_create(
        article=article,
        label=label or source.label,
        start=source.start if start is None else start,
        end=source.end if end is None else end,
        attrs=source.attrs if attrs is None else attrs,
        actor=actor,
        gold=True,
    )


@dataclass
class Taken:
    taken: list[Span]
    skipped: list[tuple[int, str]]  # (source span id, reason)


@transaction.atomic
def gold_take_agreed(*, article: Article, actor: User) -> Taken:
    """Every version all finished editors agree on, where gold has nothing yet."""
    require_role(actor, article.project, Role.REVIEWER, "edit the gold layer")
    result = Taken([], [])
    sources = {
        span.pk: span
        for span in Span.objects.select_related("label", "article__project").filter(
            article=article, gold=False, annotator__isnull=False
        )
    }
    for cluster in adjudication_view(article=article)["clusters"]:
        if cluster["resolved"]:
            continue
        for version in cluster["versions"]:
            if version["mark"] != "all":
                continue
            try:
                with transaction.atomic():
                    result.taken.append(
                        gold_take(span=sources[version["source"]], article=article, actor=actor)
                    )
            except DomainError as error:
                result.skipped.append((version["source"], error.message))
    return result

"""Similar claims across the projects a user can read: the lexical measure (pure) and the
lookup. Scored in Python on both databases for now (brute force over the candidates)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Exists, OuterRef

from articles.access import readable_spans
from articles.guidelines import CLAIM_LABEL, is_claim_label
from articles.models import Span
from articles.selectors.spans import span_get
from articles.types import AnyUser

_CURRENCY = {"€": " euro ", "$": " dollar ", "£": " pound "}
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "for",
        "to",
        "and",
        "or",
        "by",
        "with",
        "at",
        "from",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "new",
    ]
)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+")


def _tokens(text: str) -> tuple[set[str], set[str]]:
    """Content-word stems and numbers: currency signs become words, so "€61" ~ "61 euros"."""
    for sign, word in _CURRENCY.items():
        text = text.replace(sign, word)
    words, numbers = set(), set()
    for token in _TOKEN.findall(text.lower()):
        if token[0].isdigit():
            numbers.add(token.replace(",", ""))
        elif token not in _STOP:
            stem = token[:-1] if len(token) > 3 and token.endswith("s") else token
            words.add(stem[:5])
    return words, numbers


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 0.0


def lexical_score(a: str, b: str) -> float:
    """0..1: word-stem overlap, with numbers weighing in: different numbers ("61" vs "16")
    halve the score at least."""
    words_a, nums_a = _tokens(a)
    words_b, nums_b = _tokens(b)
    score = _dice(words_a, words_b)
    if nums_a or nums_b:
        agree = len(nums_a & nums_b) / len(nums_a | nums_b)
        score = (0.75 * score + 0.25 * agree) * (0.5 + 0.5 * agree)
    return score


@dataclass(frozen=True)
class SimilarQuery:
    project_id: int | None = None
    min_score: float = 0.3
    limit: int = 10


def similar_claims(*, user: AnyUser, span_id: int, query: SimilarQuery) -> dict[str, Any]:
    """The answer of ``GET /api/spans/{id}/similar/``. A span of another label than the claim
    label has no similar claims (an empty list). Rejected spans are left out; a suggestion
    and a decision on the same range of the same article count once."""
    source = span_get(user=user, span_id=span_id)
    answer: dict[str, Any] = {"span": source.pk, "method": "lexical", "results": []}
    if not is_claim_label(source.label.name):
        return answer
    candidates = Span.objects.filter(label__name=CLAIM_LABEL).exclude(article_id=source.article_id)
    candidates = candidates.exclude(status=Span.Status.REJECTED)
    if not user.is_superuser:
        candidates = candidates.filter(article__project__memberships__user_id=cast(int, user.pk))
    decided = Span.objects.filter(derived_from=OuterRef("pk"), annotator_id=user.pk)
    candidates = readable_spans(candidates, user).exclude(Exists(decided), annotator__isnull=True)
    if query.project_id is not None:
        candidates = candidates.filter(article__project_id=query.project_id)
    best: dict[tuple[int, int, int], tuple[float, Span]] = {}
    for span in candidates.select_related("label", "article__project").defer("article__text"):
        score = lexical_score(source.text, span.text)
        if score < query.min_score:
            continue
        key = (span.article_id, span.start, span.end)
        kept = best.get(key)
        # The human decision wins over the suggestion it was made from.
        if kept is None or (kept[1].annotator_id is None and span.annotator_id is not None):
            best[key] = (score, span)
    ranked = sorted(best.values(), key=lambda pair: (-pair[0], pair[1].pk))[: query.limit]
    answer["results"] = [_row(score, span) for score, span in ranked]
    return answer


def _row(score: float, span: Span) -> dict[str, Any]:
    article = span.article
    return {
        "id": span.pk,
        "text": span.text,
        "label": span.label.name,
        "status": span.status,
        "score": round(score, 3),
        "attrs": span.attrs,
        "article": {"id": article.pk, "title": article.title, "url": article.source_url},
        "project": {"id": article.project.pk, "name": article.project.name},
        "editor_url": f"/articles/{article.pk}/#span-{span.pk}",
    }

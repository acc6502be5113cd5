"""Precision at 1 of similar claims on the paraphrase set (``tests/data/paraphrases.json``),
measured through the real lookup (``similar_claims``), for either method.

Every claim, paraphrase and distractor becomes a claim span of its own article in one
project; for each claim the lookup's best match must be its paraphrase. The other cases'
claims and paraphrases, and every distractor, compete with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from articles.guidelines import CLAIM_LABEL
from articles.models import Label, Project, Span
from articles.selectors.similar import SimilarQuery, similar_claims
from articles.services import article_create
from articles.services.embeddings import spans_embed
from articles.types import User

PARAPHRASES = Path(__file__).resolve().parents[1] / "tests" / "data" / "paraphrases.json"


@dataclass(frozen=True)
class Case:
    claim: str
    paraphrase: str
    distractor: str


def load_cases(path: Path = PARAPHRASES) -> list[Case]:
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return [Case(c["claim"], c["paraphrase"], c["distractor"]) for c in cases]


def precision_at_1(cases: Sequence[Case], best_match: Callable[[str], str | None]) -> float:
    """The share of cases whose claim's best match is its paraphrase (no match: a miss)."""
    if not cases:
        return float("nan")
    return sum(best_match(case.claim) == case.paraphrase for case in cases) / len(cases)


def seed(project: Project, cases: Sequence[Case]) -> dict[str, Span]:
    """One article per text, the whole text a claim suggestion; the spans by text."""
    label = Label.objects.get(project=project, name=CLAIM_LABEL)
    texts = [text for case in cases for text in (case.claim, case.paraphrase, case.distractor)]
    spans = {}
    for n, text in enumerate(texts):
        article = article_create(project=project, text=text, title=f"Paraphrase set {n}")
        spans[text] = Span.objects.create(
            article=article,
            label=label,
            start=0,
            end=len(text),
            text=text,
            origin=Span.Origin.MACHINE,
            status=Span.Status.SUGGESTED,
            tagger_version="paraphrases@1",
        )
    return spans


def embed(spans: dict[str, Span]) -> int:
    return spans_embed(span_ids=[span.pk for span in spans.values()])


def measure(user: User, cases: Sequence[Case], spans: dict[str, Span]) -> tuple[float, set[str]]:
    """(precision at 1, the methods the lookup answered with) over seeded ``spans``."""
    methods: set[str] = set()
    # Only the set's own project: elsewhere (the benchmark's 100,000 derived vectors) other
    # claims would compete, and the figure would no longer be the set's.
    (project_id,) = {span.article.project_id for span in spans.values()}
    query = SimilarQuery(project_id=project_id, min_score=0.0, limit=1)

    def best(text: str) -> str | None:
        answer = similar_claims(user=user, span_id=spans[text].pk, query=query)
        methods.add(answer["method"])
        return answer["results"][0]["text"] if answer["results"] else None

    return precision_at_1(cases, best), methods

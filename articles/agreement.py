"""Agreement between editors' layers (pure: no database).

**Span F1.** For one label, one article and a pair of editors A and B: exact matches are
spans with the same offsets; overlap matches pair spans one to one with IoU >= 0.5, greedy
by IoU descending (``match_one_to_one``, the matching ``evaluate_tagger`` uses). With one of
them as reference, precision m/|B| and recall m/|A| give F1 = 2m / (|A| + |B|), the same
whichever is the reference. A pair's F1 pools its counts over the articles both finished;
a label's F1 is the mean over the pairs where either editor used it (both silent says
nothing), so a label only one editor used scores 0 for that pair.

**Krippendorff's alpha** (nominal), per label, at token level: every token of an article is
a unit, each editor who finished the article a coder, the value 1 when the token overlaps
one of the editor's spans of the label, else 0 (tokens as in the exports: runs of word
characters, or any other single non-space character). Computed by the ``krippendorff``
package from per-token value counts; None where it is undefined (no token marked by anyone,
or fewer than two coders).

**The project** figures are the means of the label figures that are defined.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

from articles.exports.base import tokenize
from articles.tagging.evaluation import match_one_to_one

# numpy and krippendorff are imported where agreement is computed, not when the URLconf
# loads this module: a web process that never shows agreement does not hold them (13 MiB).
if TYPE_CHECKING:
    import numpy as np

Offsets = tuple[int, int]


@dataclass(frozen=True)
class ArticleLayers:
    """One article as agreement sees it: its text and, per editor who finished it, their
    accepted spans as ``{label: [(start, end), …]}``."""

    article_id: int
    text: str
    layers: dict[str, dict[str, list[Offsets]]]


@dataclass
class PairCounts:
    exact: int = 0
    overlap: int = 0
    total: int = 0  # |A| + |B|
    articles: set[int] = field(default_factory=set)

    def add(self, other: PairCounts) -> None:
        self.exact += other.exact
        self.overlap += other.overlap
        self.total += other.total
        self.articles |= other.articles

    def f1(self, matched: int) -> float | None:
        return 2 * matched / self.total if self.total else None


def pair_counts(a: list[Offsets], b: list[Offsets]) -> PairCounts:
    """Matches between two editors' spans of one label in one article."""
    return PairCounts(
        exact=len(set(a) & set(b)),
        overlap=len(match_one_to_one(a, b)),
        total=len(a) + len(b),
    )


def token_marks(text: str, spans: Iterable[Offsets]) -> np.ndarray:
    """1 for every token of ``text`` that overlaps one of ``spans``, else 0."""
    import numpy as np

    starts, ends, _ = tokenize(text)
    marks = np.zeros(len(starts), dtype=np.int64)
    for start, end in spans:
        first = bisect.bisect_right(ends, start)  # first token ending after the span starts
        last = bisect.bisect_left(starts, end)  # first token starting at or after its end
        marks[first:last] = 1
    return marks


def alpha_of(value_counts: list[np.ndarray]) -> float | None:
    """Nominal alpha from per-unit counts ``[zeros, ones]``; None where undefined."""
    import krippendorff
    import numpy as np

    pairable = [counts for counts in value_counts if counts.sum() >= 2]
    if not pairable:
        return None
    table = np.vstack(pairable)
    if (table.sum(axis=0) == 0).any():
        return None  # one value only: alpha is 0/0
    value = float(krippendorff.alpha(value_counts=table, level_of_measurement="nominal"))
    return None if np.isnan(value) else round(value, 4)


def _mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 4) if known else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def agreement(
    articles: Iterable[ArticleLayers], labels: list[str], editor: str | None = None
) -> dict[str, Any]:
    """The figures for ``labels`` over ``articles``; ``editor``: only pairs with that editor.

    ``{"labels": {label: {f1_exact, f1_overlap, alpha, pairs}}, "editors": {a: {b: {f1_exact,
    f1_overlap, articles}}}, "articles": n, "project": {f1_exact, f1_overlap, alpha}}``.
    """
    import numpy as np

    per_label: dict[str, dict[tuple[str, str], PairCounts]] = {
        name: defaultdict(PairCounts) for name in labels
    }
    counts: dict[str, list[np.ndarray]] = {name: [] for name in labels}
    used: set[int] = set()
    for article in articles:
        names = sorted(article.layers)
        pairs = [p for p in combinations(names, 2) if editor is None or editor in p]
        if not pairs:
            continue
        used.add(article.article_id)
        coders = [n for n in names if editor is None or n == editor or (editor, n) in pairs]
        for name in labels:
            for a, b in pairs:
                found = pair_counts(
                    article.layers[a].get(name, []), article.layers[b].get(name, [])
                )
                found.articles.add(article.article_id)
                per_label[name][a, b].add(found)
            marks = np.vstack(
                [token_marks(article.text, article.layers[c].get(name, [])) for c in coders]
            )
            ones = marks.sum(axis=0)
            counts[name].extend(np.column_stack([len(coders) - ones, ones]))
    label_out: dict[str, Any] = {}
    pooled: dict[tuple[str, str], PairCounts] = defaultdict(PairCounts)
    for name in labels:
        spoken = {pair: c for pair, c in per_label[name].items() if c.total}
        for pair, c in per_label[name].items():
            pooled[pair].add(c)
        label_out[name] = {
            "f1_exact": _mean(c.f1(c.exact) for c in spoken.values()),
            "f1_overlap": _mean(c.f1(c.overlap) for c in spoken.values()),
            "alpha": alpha_of(counts[name]),
            "pairs": len(spoken),
        }
    editors: dict[str, dict[str, Any]] = defaultdict(dict)
    for (a, b), c in sorted(pooled.items()):
        figures = {
            "f1_exact": _round(c.f1(c.exact)),
            "f1_overlap": _round(c.f1(c.overlap)),
            "articles": len(c.articles),
        }
        editors[a][b] = figures
        editors[b][a] = figures
    return {
        "labels": label_out,
        "editors": dict(editors),
        "articles": len(used),
        "project": {
            key: _mean(figures[key] for figures in label_out.values())
            for key in ("f1_exact", "f1_overlap", "alpha")
        },
    }

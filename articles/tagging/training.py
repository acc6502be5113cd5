"""Fitting a project's re-scorer from what its editors decided: a pure function of (texts,
candidates, outcomes), shared by the Celery task (``articles.services.training``) and
``manage.py simulate_editor``.

**Examples.** Each ``TrainingArticle`` is one text with what one editor's layer says of it:
``truth``, the spans the editor ended with (accepted suggestions, edits and spans drawn by
hand), when the article is *complete* (marked done, or every suggestion decided), and
``decided``, the outcome of each suggestion the editor decided on (kept: accepted, or edited
into a span of its label that overlaps it with IoU >= 0.5; not kept: rejected or relabelled).
On a complete article every candidate of ``prepare`` gets an outcome by matching it to the
truth one-to-one (IoU >= 0.5, as ``evaluation`` scores), the rules' candidates first, then the
extra ones to the truth the rules missed; on an incomplete one, only the decided candidates
count. ``labels`` are the labels the editor's decisions speak for (a corpus annotated for
quotes alone says nothing of claims).

**Model.** Per label, an L2-regularised logistic regression over the indicators of
``Candidate.indicators`` that starts from the rules' prior log-odds (an offset: with few
decisions the model stays the shipped calibration), words seen in fewer than
``MIN_WORD_ARTICLES`` articles left out; scikit-learn builds the indicator matrix and SciPy
minimises the objective, in the worker only. A label needs ``MIN_EXAMPLES``
examples of both outcomes; below that it keeps the rules' output.

**Held-out quality.** The complete articles in ``FOLDS`` folds by article (fewer when there
are fewer); each fold is scored with a model fitted on every other article, rules alone and
re-scored, with ``evaluation.evaluate``: overlap precision, recall and F1 per label, the
expected calibration error and the editor effort. The stored model is then fitted on all of
them. ``should_activate`` says whether a new version may replace the rules alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from articles.tagging.base import Suggestion, tagger_id
from articles.tagging.evaluation import evaluate, match_one_to_one
from articles.tagging.rescoring import LABELS, Candidate, LabelModel, Rescorer, prepare
from articles.tagging.rules import RulesTagger

Key = tuple[str, int, int]  # label, start, end

MIN_EXAMPLES = 12
MIN_WORD_ARTICLES = 2
REGULARISATION_C = 0.5
FOLDS = 5
# A rules candidate is dropped below DROP_BELOW, an extra one shown from ADD_ABOVE. Both are
# set on the development data (simulate_editor on PolNeAR dev, quotes): of the pairs tried
# (drop 0.05-0.3, add 0.5-0.9) this one raised precision and recall and lowered effort
# together; a lower ADD_ABOVE buys recall with precision, a higher DROP_BELOW the reverse.
DROP_BELOW = 0.3
ADD_ABOVE = 0.8


class TrainingUnavailable(Exception):
    """scikit-learn is not installed where the training runs."""


@dataclass(frozen=True)
class TrainingArticle:
    key: str
    text: str
    truth: tuple[dict[str, Any], ...] | None  # label/start/end/attrs; None: not complete
    decided: Mapping[Key, bool] = field(default_factory=dict)
    labels: frozenset[str] = frozenset(LABELS)


@dataclass(frozen=True)
class Example:
    article: str
    candidate: Candidate
    kept: bool


@dataclass
class TrainingResult:
    rescorer: Rescorer
    size: dict[str, Any]
    quality: dict[str, Any] | None


def outcomes(article: TrainingArticle, candidates: Sequence[Candidate]) -> list[Example]:
    """The examples one article gives (see the module docstring)."""
    found: list[Example] = []
    for label in sorted(article.labels & set(LABELS)):
        mine = [c for c in candidates if c.label == label]
        if article.truth is None:
            for candidate in mine:
                kept = article.decided.get(candidate.suggestion.key())
                if kept is not None:
                    found.append(Example(article.key, candidate, kept))
            continue
        gold = [(s["start"], s["end"]) for s in article.truth if s["label"] == label]
        rules = [c for c in mine if not c.extra]
        extras = [c for c in mine if c.extra]
        pairs = match_one_to_one(gold, [_bounds(c) for c in rules])
        kept_rules = {pi for _, pi in pairs}
        missed = [g for gi, g in enumerate(gold) if gi not in {gi for gi, _ in pairs}]
        kept_extras = {pi for _, pi in match_one_to_one(missed, [_bounds(c) for c in extras])}
        found.extend(Example(article.key, c, i in kept_rules) for i, c in enumerate(rules))
        found.extend(Example(article.key, c, i in kept_extras) for i, c in enumerate(extras))
    return found


def _bounds(candidate: Candidate) -> tuple[int, int]:
    return candidate.suggestion.start, candidate.suggestion.end


def fit(examples: Sequence[Example], *, c: float = REGULARISATION_C) -> Rescorer:
    """The re-scorer fitted on ``examples`` (scikit-learn and SciPy needed here only)."""
    try:
        from sklearn.feature_extraction import DictVectorizer
    except ImportError:
        raise TrainingUnavailable(
            "Training needs scikit-learn where it runs: pip install 'opinion-annotator[learning]'."
        ) from None
    labels: dict[str, LabelModel] = {}
    for label in LABELS:
        rows = [e for e in examples if e.candidate.label == label]
        positives = sum(e.kept for e in rows)
        if min(positives, len(rows) - positives) < 1 or len(rows) < MIN_EXAMPLES:
            continue
        vocabulary = _vocabulary(rows)
        vectorizer = DictVectorizer()
        matrix = vectorizer.fit_transform(
            [
                dict.fromkeys((n for n in e.candidate.indicators() if _known(n, vocabulary)), 1.0)
                for e in rows
            ]
        )
        offsets = [e.candidate.prior for e in rows]
        intercept, coefficients = _logistic_with_offset(matrix, [e.kept for e in rows], offsets, c)
        weights = {
            str(name): round(float(weight), 4)
            for name, weight in zip(vectorizer.get_feature_names_out(), coefficients, strict=True)
            if abs(weight) >= 1e-3
        }
        labels[label] = LabelModel(round(intercept, 4), 1.0, dict(sorted(weights.items())))
    return Rescorer(tagger_id(RulesTagger()), labels, DROP_BELOW, ADD_ABOVE)


def _logistic_with_offset(
    matrix: Any, kept: Sequence[bool], offsets: Sequence[float], c: float
) -> tuple[float, list[float]]:
    """L2-regularised logistic regression whose score starts from each row's offset (the
    rules' prior log-odds): the weights and the intercept learn a correction to the shipped
    calibration and shrink towards none at all, so a model fitted on a few decisions stays
    close to the rules. scikit-learn's LogisticRegression has no offset; this is its
    objective with one (and the intercept penalised too: the offset already carries the base
    rate), minimised by SciPy's L-BFGS."""
    import numpy as np
    from scipy.optimize import minimize

    y = np.asarray(kept, dtype=float)
    offset = np.asarray(offsets, dtype=float)
    features = matrix.shape[1]

    def loss(params: Any) -> tuple[float, Any]:
        weights, intercept = params[:features], params[features]
        score = matrix @ weights + intercept + offset
        # log(1 + e^z) computed without overflow
        penalty = (weights @ weights + intercept * intercept) / (2 * c)
        value = np.logaddexp(0.0, score).sum() - y @ score + penalty
        residual = 1.0 / (1.0 + np.exp(-score)) - y
        gradient = np.concatenate(
            [matrix.T @ residual + weights / c, [residual.sum() + intercept / c]]
        )
        return float(value), gradient

    result = minimize(loss, np.zeros(features + 1), jac=True, method="L-BFGS-B")
    return float(result.x[features]), [float(w) for w in result.x[:features]]


def _vocabulary(rows: Sequence[Example]) -> set[str]:
    """Words seen in at least ``MIN_WORD_ARTICLES`` articles: one article's vocabulary
    would only fit that article."""
    seen: dict[str, set[str]] = {}
    for example in rows:
        for word in example.candidate.words:
            seen.setdefault(word, set()).add(example.article)
    return {word for word, articles in seen.items() if len(articles) >= MIN_WORD_ARTICLES}


def _known(name: str, vocabulary: set[str]) -> bool:
    return not name.startswith("w=") or name[2:] in vocabulary


def rules_suggestions(candidates: Sequence[Candidate]) -> list[Suggestion]:
    """What the rules alone suggest (their own output, shipped confidence)."""
    return [c.suggestion for c in candidates if not c.extra]


def quality(
    articles: Sequence[TrainingArticle],
    prepared: Mapping[str, list[Candidate]],
    *,
    folds: int = FOLDS,
) -> dict[str, Any] | None:
    """Held-out figures of rules alone and re-scored (module docstring); None when fewer
    than two complete articles."""
    complete = [a for a in articles if a.truth is not None]
    if len(complete) < 2:
        return None
    folds = min(folds, len(complete))
    examples = {a.key: outcomes(a, prepared[a.key]) for a in articles}
    rules_pairs = []
    model_pairs = []
    labels: set[str] = set()
    for fold in range(folds):
        held = {a.key for i, a in enumerate(complete) if i % folds == fold}
        train = [e for key, found in examples.items() if key not in held for e in found]
        rescorer = fit(train)
        for article in complete:
            if article.key not in held:
                continue
            labels |= article.labels
            truth = [s for s in article.truth or () if s["label"] in article.labels]
            candidates = [c for c in prepared[article.key] if c.label in article.labels]
            rules_pairs.append((truth, [_span(s) for s in rules_suggestions(candidates)]))
            model_pairs.append((truth, [_span(s) for s in rescorer.apply(candidates)]))
    scored = sorted(labels & set(LABELS))
    return {
        "articles": len(complete),
        "folds": folds,
        "rules": summary(evaluate(rules_pairs, scored).as_dict()),
        "model": summary(evaluate(model_pairs, scored).as_dict()),
    }


def _span(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "label": suggestion.label,
        "start": suggestion.start,
        "end": suggestion.end,
        "attrs": suggestion.attrs,
        "confidence": suggestion.confidence,
    }


def summary(metrics: dict[str, Any]) -> dict[str, Any]:
    """The figures a version shows, from an ``evaluate(...).as_dict()``."""
    labels = {
        name: {
            "gold": row["gold"],
            "predicted": row["predicted"],
            **row["overlap"],
        }
        for name, row in metrics["labels"].items()
    }
    gold = sum(row["gold"] for row in metrics["labels"].values())
    predicted = sum(row["predicted"] for row in metrics["labels"].values())
    matched = sum(
        round(row["overlap"]["recall"] * row["gold"]) for row in metrics["labels"].values()
    )
    precision = matched / predicted if predicted else 0.0
    recall = matched / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "ece": metrics["calibration"]["ece"],
        "effort": metrics["effort"]["effort"],
        "labels": labels,
    }


def should_activate(held_out: dict[str, Any] | None) -> bool:
    """A new version replaces the rules alone unless its held-out figures are worse: more
    editor effort, or a lower F1. Without held-out figures (one complete article or none)
    it is kept inactive."""
    if held_out is None:
        return False
    rules, model = held_out["rules"], held_out["model"]
    if None not in (rules["effort"], model["effort"]) and model["effort"] > rules["effort"]:
        return False
    return bool(model["f1"] >= rules["f1"])


def train(
    articles: Sequence[TrainingArticle],
    prepared: Mapping[str, list[Candidate]] | None = None,
) -> TrainingResult:
    """Fit on every article, with held-out figures (``prepared``: candidates by article key,
    computed here when not given)."""
    if prepared is None:
        prepared = {a.key: prepare(a.text) for a in articles}
    examples = [e for a in articles for e in outcomes(a, prepared[a.key])]
    rescorer = fit(examples)
    counts = Counter(e.candidate.label for e in examples)
    kept = Counter(e.candidate.label for e in examples if e.kept)
    size = {
        "articles": len(articles),
        "complete_articles": sum(a.truth is not None for a in articles),
        "examples": len(examples),
        "by_label": {
            label: {"examples": counts[label], "kept": kept[label]} for label in sorted(counts)
        },
        "fitted_labels": sorted(rescorer.labels),
    }
    return TrainingResult(rescorer, size, quality(articles, prepared))

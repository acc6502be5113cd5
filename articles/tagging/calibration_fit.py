"""Refit the rules tagger's confidence table from development data (a development tool).

    python -m articles.tagging.calibration_fit --gold GOLD.jsonl [--quotes QUOTES.jsonl]
        [--out articles/tagging/calibration.json] [--check]

``--gold``: articles annotated for every label (JSONL with ``text`` and ``spans``);
``--quotes``: a corpus annotated for quotes only (its claims and speculation are not scored).
Each rules suggestion becomes one example: its ``features`` and whether it is kept (matched
one-to-one to a gold span of its label with IoU >= 0.5, as ``evaluation`` scores). Per label
an L2-regularised logistic regression (scikit-learn) is fitted on the indicator features,
and only its intercept and weights are written. ``--check`` also prints held-out figures:
the quote corpus in two halves by article (fit on one, measure on the other) and the gold
articles one left out at a time, so the calibration error is not just the training fit.

scikit-learn is needed here only (``pip install -e .[calibration]``); the tagger applies the
stored numbers without it. The development files are read from the paths given and never
copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from articles.tagging.base import tagger_id
from articles.tagging.calibration import TABLE_PATH, CalibrationTable
from articles.tagging.evaluation import Calibration, match_one_to_one
from articles.tagging.features import features
from articles.tagging.rules import RulesTagger, candidates

LABELS = ("claim", "quote", "speculation")
# Weak L2 penalty: strong enough to keep rare feature values near zero, weak enough that
# the frequent ones reach their observed keep rates.
REGULARISATION_C = 1.0


@dataclass(frozen=True, slots=True)
class Example:
    article: str
    label: str
    features: dict[str, str]
    kept: bool


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        if not isinstance(record.get("text"), str):
            raise ValueError(f"{path} line {number}: no 'text'.")
        records.append(record)
    return records


def examples(records: Iterable[dict[str, Any]], labels: Sequence[str]) -> list[Example]:
    """One example per rules suggestion of the given labels."""
    found = []
    for index, record in enumerate(records):
        text = record["text"]
        article = str(record.get("id") or index)
        suggestions = candidates(text)
        for label in labels:
            gold = [
                (s["start"], s["end"]) for s in record.get("spans") or [] if s["label"] == label
            ]
            mine = [s for s in suggestions if s.label == label]
            kept = {pi for _, pi in match_one_to_one(gold, [(s.start, s.end) for s in mine])}
            for pi, suggestion in enumerate(mine):
                found.append(Example(article, label, features(text, suggestion), pi in kept))
    return found


def fit(train: Sequence[Example], c: float = REGULARISATION_C) -> dict[str, Any]:
    """The calibration table (as stored) fitted on ``train``."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    labels: dict[str, Any] = {}
    counts: dict[str, Any] = {}
    for label in LABELS:
        rows = [e for e in train if e.label == label]
        if not rows:
            continue
        kept = [e.kept for e in rows]
        counts[label] = {"examples": len(rows), "kept": sum(kept)}
        if all(kept) or not any(kept):
            # One class only: the observed rate, pulled off 0/1 by one pseudo-example.
            rate = (sum(kept) + 0.5) / (len(kept) + 1)
            labels[label] = {"intercept": _logit(rate), "weights": {}}
            continue
        vectorizer = DictVectorizer()
        matrix = vectorizer.fit_transform([e.features for e in rows])
        model = LogisticRegression(C=c, max_iter=2000)
        model.fit(matrix, kept)
        weights = {
            name: round(float(weight), 4)
            for name, weight in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
            if abs(weight) >= 1e-4
        }
        labels[label] = {
            "intercept": round(float(model.intercept_[0]), 4),
            "weights": dict(sorted(weights.items())),
        }
    return {
        "tagger": tagger_id(RulesTagger()),
        "model": "logistic regression per label over features.features indicators",
        "regularisation_c": c,
        "fitted_on": counts,
        "labels": labels,
    }


def _logit(p: float) -> float:
    import math

    return round(math.log(p / (1 - p)), 4)


def measure(table: dict[str, Any], test: Sequence[Example]) -> tuple[Calibration, dict[str, Any]]:
    """Calibration points of ``test`` under ``table``, overall and per label."""
    model = CalibrationTable.from_dict(table)
    overall = Calibration()
    by_label: dict[str, Calibration] = {}
    for example in test:
        label_model = model.labels.get(example.label)
        confidence = None if label_model is None else label_model.probability(example.features)
        overall.add(confidence, example.kept)
        by_label.setdefault(example.label, Calibration()).add(confidence, example.kept)
    return overall, {name: cal.ece() for name, cal in sorted(by_label.items())}


def _print_check(title: str, calibration: Calibration, by_label: dict[str, Any]) -> None:
    print(f"{title}: ECE {calibration.ece()} over {len(calibration.points)} predictions {by_label}")
    for row in calibration.table():
        if row["count"]:
            print(
                f"  {row['low']:.1f}-{row['high']:.1f} count {row['count']:>5} "
                f"mean confidence {row['mean_confidence']:.3f} kept {row['kept']:.3f}"
            )


def check(gold: list[Example], quotes: list[Example], c: float) -> None:
    """Held-out calibration: quote corpus by halves, gold articles one left out at a time."""
    if quotes:
        articles = sorted({e.article for e in quotes})
        halves = [set(articles[0::2]), set(articles[1::2])]
        pooled = Calibration()
        for index, held in enumerate(halves):
            train = gold + [e for e in quotes if e.article not in held]
            test = [e for e in quotes if e.article in held]
            calibration, by_label = measure(fit(train, c), test)
            _print_check(f"quote corpus, held-out half {index + 1}", calibration, by_label)
            pooled.points.extend(calibration.points)
        _print_check("quote corpus, both held-out halves pooled", pooled, {})
    if gold:
        pooled = Calibration()
        pooled_labels: dict[str, Calibration] = {}
        for article in sorted({e.article for e in gold}):
            train = [e for e in gold if e.article != article] + quotes
            test = [e for e in gold if e.article == article]
            table = fit(train, c)
            model = CalibrationTable.from_dict(table)
            for example in test:
                label_model = model.labels.get(example.label)
                confidence = (
                    None if label_model is None else label_model.probability(example.features)
                )
                pooled.add(confidence, example.kept)
                pooled_labels.setdefault(example.label, Calibration()).add(confidence, example.kept)
        by_label = {name: cal.ece() for name, cal in sorted(pooled_labels.items())}
        _print_check("gold articles, each left out in turn, pooled", pooled, by_label)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, required=True, help="JSONL annotated for all labels")
    parser.add_argument("--quotes", type=Path, help="JSONL annotated for quotes only")
    parser.add_argument("--out", type=Path, default=TABLE_PATH)
    parser.add_argument("--c", type=float, default=REGULARISATION_C, help="inverse L2 strength")
    parser.add_argument("--check", action="store_true", help="print held-out calibration")
    options = parser.parse_args(argv)
    gold = examples(read_jsonl(options.gold), LABELS)
    quotes = examples(read_jsonl(options.quotes), ("quote",)) if options.quotes else []
    table = fit(gold + quotes, options.c)
    options.out.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {options.out}: {json.dumps(table['fitted_on'])}")
    if options.check:
        check(gold, quotes, options.c)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Scoring a tagger against gold spans: strict and overlap precision/recall/F1 per label.

Overlap matching is one-to-one between same-label spans with character IoU >= 0.5, assigned
greedily by IoU descending (ties by position), so one long prediction cannot match two gold
spans. Speaker accuracy compares normalised speakers (case, whitespace) on matched quotes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

IOU_THRESHOLD = 0.5


@dataclass
class Counts:
    gold: int = 0
    predicted: int = 0
    strict_tp: int = 0
    overlap_tp: int = 0

    def scores(self, tp: int) -> dict[str, float]:
        precision = tp / self.predicted if self.predicted else 0.0
        recall = tp / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


@dataclass
class Report:
    labels: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    speaker_total: int = 0
    speaker_correct: int = 0
    articles: int = 0

    def as_dict(self) -> dict[str, Any]:
        labels = {
            name: {
                "gold": counts.gold,
                "predicted": counts.predicted,
                "strict": counts.scores(counts.strict_tp),
                "overlap": counts.scores(counts.overlap_tp),
            }
            for name, counts in sorted(self.labels.items())
        }
        accuracy = self.speaker_correct / self.speaker_total if self.speaker_total else None
        return {
            "articles": self.articles,
            "iou_threshold": IOU_THRESHOLD,
            "labels": labels,
            "speaker": {
                "matched_quotes": self.speaker_total,
                "correct": self.speaker_correct,
                "accuracy": None if accuracy is None else round(accuracy, 4),
            },
        }


def iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def match_one_to_one(
    gold: list[tuple[int, int]], predicted: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Index pairs (gold, predicted) with IoU >= threshold, greedy by IoU descending."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            score = iou(g, p)
            if score >= IOU_THRESHOLD:
                candidates.append((-score, gi, pi))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, gi, pi in candidates:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        pairs.append((gi, pi))
    return pairs


def _norm(value: Any) -> str:
    return " ".join(str(value or "").split()).casefold()


def evaluate(records: Iterable[tuple[list[dict[str, Any]], list[dict[str, Any]]]]) -> Report:
    """``records``: (gold spans, predicted spans) per article, spans as dicts with
    label/start/end/attrs."""
    report = Report()
    for gold_spans, predicted_spans in records:
        report.articles += 1
        labels = {s["label"] for s in gold_spans} | {s["label"] for s in predicted_spans}
        for name in labels:
            gold = [s for s in gold_spans if s["label"] == name]
            pred = [s for s in predicted_spans if s["label"] == name]
            counts = report.labels[name]
            counts.gold += len(gold)
            counts.predicted += len(pred)
            gold_keys = {(s["start"], s["end"]) for s in gold}
            counts.strict_tp += len(gold_keys & {(s["start"], s["end"]) for s in pred})
            pairs = match_one_to_one(
                [(s["start"], s["end"]) for s in gold], [(s["start"], s["end"]) for s in pred]
            )
            counts.overlap_tp += len(pairs)
            if name == "quote":
                for gi, pi in pairs:
                    report.speaker_total += 1
                    g = _norm((gold[gi].get("attrs") or {}).get("speaker"))
                    p = _norm((pred[pi].get("attrs") or {}).get("speaker"))
                    report.speaker_correct += g == p
    return report

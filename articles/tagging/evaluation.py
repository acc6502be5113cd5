"""Scoring a tagger against gold spans: overlap scores, calibration and editor effort.

**Matching.** Overlap matching is one-to-one between same-label spans with character
IoU >= 0.5, assigned greedily by IoU descending (ties by position), so one long prediction
cannot match two gold spans. Strict matching needs the same offsets. Speaker accuracy
compares normalised speakers (case, whitespace) on matched quotes.

**Quotes, direct and reported.** Gold quotes are split by their ``attrs.direct``. A subset's
recall is its matched gold over its gold; its predictions are the predictions matched to its
gold plus the unmatched predictions whose own ``direct`` puts them there, so the two subsets
add up to the whole.

**Calibration.** A prediction is *kept* when the overlap matching pairs it with a gold span
of its label: the estimate of what an editor keeps. Predictions with a confidence fall in
10 equal-width bins over [0, 1] (the last bin holds 1.0); per bin the table gives the count,
the mean confidence and the share kept, and the expected calibration error is the
count-weighted mean of ``|mean confidence - share kept|`` over the bins.

**Editor effort**, in actions, each worth one:

- *from scratch*: one draw per gold span, plus one typed speaker per gold quote that has
  a speaker;
- *with pre-tags*: one reject per prediction left unmatched; one boundary fix per matched
  prediction whose offsets differ from its gold span; one draw per gold span left unmatched
  (plus its typed speaker, as from scratch); one speaker fix per matched quote whose
  speaker differs from the gold one (typing, correcting or clearing it);
- *effort* = with pre-tags / from scratch (0 is a perfect tagger; above 1 pre-tags cost more
  than they save). Accepting a correct suggestion is free here: it is the editor reading the
  article, which they do either way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

IOU_THRESHOLD = 0.5
BINS = 10


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
class SpeakerCounts:
    total: int = 0
    correct: int = 0

    def as_dict(self) -> dict[str, Any]:
        accuracy = self.correct / self.total if self.total else None
        return {
            "matched_quotes": self.total,
            "correct": self.correct,
            "accuracy": None if accuracy is None else round(accuracy, 4),
        }


@dataclass
class Effort:
    gold_draws: int = 0
    gold_speakers: int = 0
    rejects: int = 0
    boundary_fixes: int = 0
    missed_draws: int = 0
    missed_speakers: int = 0
    speaker_fixes: int = 0

    def as_dict(self) -> dict[str, Any]:
        scratch = self.gold_draws + self.gold_speakers
        with_pretags = (
            self.rejects
            + self.boundary_fixes
            + self.missed_draws
            + self.missed_speakers
            + self.speaker_fixes
        )
        return {
            "from_scratch": {
                "draws": self.gold_draws,
                "speakers": self.gold_speakers,
                "total": scratch,
            },
            "with_pretags": {
                "rejects": self.rejects,
                "boundary_fixes": self.boundary_fixes,
                "draws": self.missed_draws,
                "speakers": self.missed_speakers,
                "speaker_fixes": self.speaker_fixes,
                "total": with_pretags,
            },
            "effort": round(with_pretags / scratch, 4) if scratch else None,
        }


@dataclass
class Calibration:
    """(confidence, kept) per prediction, binned on demand."""

    points: list[tuple[float, bool]] = field(default_factory=list)
    without_confidence: int = 0

    def add(self, confidence: Any, kept: bool) -> None:
        if confidence is None:
            self.without_confidence += 1
        else:
            self.points.append((min(1.0, max(0.0, float(confidence))), kept))

    def _bins(self) -> list[list[tuple[float, bool]]]:
        bins: list[list[tuple[float, bool]]] = [[] for _ in range(BINS)]
        for confidence, kept in self.points:
            bins[min(BINS - 1, int(confidence * BINS))].append((confidence, kept))
        return bins

    def table(self) -> list[dict[str, Any]]:
        rows = []
        for index, members in enumerate(self._bins()):
            count = len(members)
            rows.append(
                {
                    "low": index / BINS,
                    "high": (index + 1) / BINS,
                    "count": count,
                    "mean_confidence": _mean([c for c, _ in members]),
                    "kept": _mean([float(k) for _, k in members]),
                }
            )
        return rows

    def ece(self) -> float | None:
        if not self.points:
            return None
        total = 0.0
        for members in self._bins():
            if members:
                gap = sum(c for c, _ in members) - sum(k for _, k in members)
                total += abs(gap)  # = count * |mean confidence - share kept|
        return round(total / len(self.points), 4)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


@dataclass
class Report:
    labels: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    speaker_total: int = 0
    speaker_correct: int = 0
    articles: int = 0
    quote_kinds: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    quote_kind_speakers: dict[str, SpeakerCounts] = field(
        default_factory=lambda: defaultdict(SpeakerCounts)
    )
    calibration: Calibration = field(default_factory=Calibration)
    label_calibration: dict[str, Calibration] = field(
        default_factory=lambda: defaultdict(Calibration)
    )
    effort: Effort = field(default_factory=Effort)

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
        speaker = SpeakerCounts(self.speaker_total, self.speaker_correct).as_dict()
        quotes = {
            kind: {
                "gold": counts.gold,
                "predicted": counts.predicted,
                "overlap": counts.scores(counts.overlap_tp),
                "speaker": self.quote_kind_speakers[kind].as_dict(),
            }
            for kind, counts in sorted(self.quote_kinds.items())
        }
        return {
            "articles": self.articles,
            "iou_threshold": IOU_THRESHOLD,
            "labels": labels,
            "speaker": speaker,
            "quotes": quotes,
            "calibration": {
                "bins": BINS,
                "predictions": len(self.calibration.points),
                "without_confidence": self.calibration.without_confidence,
                "ece": self.calibration.ece(),
                "ece_by_label": {
                    name: cal.ece() for name, cal in sorted(self.label_calibration.items())
                },
                "reliability": self.calibration.table(),
            },
            "effort": self.effort.as_dict(),
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


def _attrs(span: dict[str, Any]) -> dict[str, Any]:
    return span.get("attrs") or {}


def _kind(span: dict[str, Any]) -> str:
    return "direct" if _attrs(span).get("direct") else "reported"


def evaluate(
    records: Iterable[tuple[list[dict[str, Any]], list[dict[str, Any]]]],
    labels: Collection[str] | None = None,
) -> Report:
    """``records``: (gold spans, predicted spans) per article, spans as dicts with
    label/start/end/attrs (and ``confidence`` on predictions). ``labels``: score only these
    (a corpus annotated for quotes alone says nothing of claims)."""
    report = Report()
    for gold_spans, predicted_spans in records:
        report.articles += 1
        names = {s["label"] for s in gold_spans} | {s["label"] for s in predicted_spans}
        if labels is not None:
            names &= set(labels)
        for name in names:
            gold = [s for s in gold_spans if s["label"] == name]
            pred = [s for s in predicted_spans if s["label"] == name]
            _score_label(report, name, gold, pred)
    return report


def _score_label(
    report: Report, name: str, gold: list[dict[str, Any]], pred: list[dict[str, Any]]
) -> None:
    counts = report.labels[name]
    counts.gold += len(gold)
    counts.predicted += len(pred)
    gold_keys = {(s["start"], s["end"]) for s in gold}
    counts.strict_tp += len(gold_keys & {(s["start"], s["end"]) for s in pred})
    pairs = match_one_to_one(
        [(s["start"], s["end"]) for s in gold], [(s["start"], s["end"]) for s in pred]
    )
    counts.overlap_tp += len(pairs)
    matched_gold = {gi: pi for gi, pi in pairs}
    matched_pred = {pi: gi for gi, pi in pairs}
    is_quote = name == "quote"

    for pi, span in enumerate(pred):
        kept = pi in matched_pred
        report.calibration.add(span.get("confidence"), kept)
        report.label_calibration[name].add(span.get("confidence"), kept)
        if not kept:
            report.effort.rejects += 1
            if is_quote:
                report.quote_kinds[_kind(span)].predicted += 1

    effort = report.effort
    for gi, span in enumerate(gold):
        gold_speaker = _norm(_attrs(span).get("speaker")) if is_quote else ""
        effort.gold_draws += 1
        effort.gold_speakers += bool(gold_speaker)
        if is_quote:
            report.quote_kinds[_kind(span)].gold += 1
        if gi not in matched_gold:
            effort.missed_draws += 1
            effort.missed_speakers += bool(gold_speaker)
            continue
        predicted = pred[matched_gold[gi]]
        if (predicted["start"], predicted["end"]) != (span["start"], span["end"]):
            effort.boundary_fixes += 1
        if not is_quote:
            continue
        kind = _kind(span)
        report.quote_kinds[kind].predicted += 1
        report.quote_kinds[kind].overlap_tp += 1
        correct = gold_speaker == _norm(_attrs(predicted).get("speaker"))
        report.speaker_total += 1
        report.speaker_correct += correct
        report.quote_kind_speakers[kind].total += 1
        report.quote_kind_speakers[kind].correct += correct
        effort.speaker_fixes += not correct

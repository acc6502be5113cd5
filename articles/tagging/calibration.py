"""Confidence = the estimated probability that an editor keeps a suggestion.

"Kept" means what ``evaluation`` scores: the suggestion is matched one-to-one to a gold span
of its label with IoU >= 0.5. Per label, a logistic model over the indicator features of
``features.features`` gives ``sigmoid(intercept + sum of the weights of the features that
are present)``. Only its fitted numbers live in the repository (``calibration.json``, written
by ``calibration_fit``); applying them is a few dictionary look-ups per suggestion, so the
tagger needs no numerical library at run time.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from articles.tagging.base import Suggestion
from articles.tagging.features import features

TABLE_PATH = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True, slots=True)
class LabelModel:
    intercept: float
    weights: dict[str, float]

    def probability(self, values: dict[str, str]) -> float:
        score = self.intercept + sum(
            self.weights.get(f"{name}={value}", 0.0) for name, value in values.items()
        )
        return 1.0 / (1.0 + math.exp(-score))


@dataclass(frozen=True, slots=True)
class CalibrationTable:
    tagger: str
    labels: dict[str, LabelModel]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CalibrationTable:
        return cls(
            tagger=str(data["tagger"]),
            labels={
                name: LabelModel(float(model["intercept"]), dict(model["weights"]))
                for name, model in data["labels"].items()
            },
        )

    def confidence(self, text: str, suggestion: Suggestion) -> float | None:
        model = self.labels.get(suggestion.label)
        if model is None:
            return None
        return round(model.probability(features(text, suggestion)), 3)


@cache
def stored_table() -> CalibrationTable:
    """The table shipped beside this module (read once per process)."""
    return CalibrationTable.from_dict(json.loads(TABLE_PATH.read_text(encoding="utf-8")))


def calibrate(
    text: str, suggestions: list[Suggestion], table: CalibrationTable | None = None
) -> list[Suggestion]:
    """The suggestions with their confidence set from ``table`` (default: the stored one)."""
    table = table or stored_table()
    return [replace(s, confidence=table.confidence(text, s)) for s in suggestions]

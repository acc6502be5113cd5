"""Calibration: features of a suggestion, the stored table, and refitting it."""

from __future__ import annotations

import json
import math

import pytest

from articles.tagging.base import Suggestion, tagger_id
from articles.tagging.calibration import CalibrationTable, calibrate, stored_table
from articles.tagging.features import features, speaker_kind
from articles.tagging.rules import RulesTagger, candidates

TEXT = (
    "The mill closed in 1998 after a century of work.\n"
    '"We will rebuild it by the spring," said Ana Ruiz, the mayor. '
    "The council may sell the land instead.\n"
    "A survey found that most residents want a park on the site."
)


def test_features_are_a_pure_function_of_text_and_suggestion():
    found = candidates(TEXT)
    first = [features(TEXT, s) for s in found]
    assert first == [features(TEXT, s) for s in candidates(TEXT)]
    by_label = {s.label: features(TEXT, s) for s in found}
    assert {"rule", "cue", "words", "position", "ends", "paragraph"} <= set(by_label["claim"])
    assert by_label["speculation"]["cue_kind"] == "modal"
    quote = next(s for s in found if s.label == "quote" and s.attrs["direct"])
    assert features(TEXT, quote)["speaker"] == "name"
    assert features(TEXT, quote)["rule"] == "quote.direct.after"
    assert all(isinstance(v, str) for f in first for v in f.values())


@pytest.mark.parametrize(
    ("speaker", "kind"),
    [
        ("", "none"),
        ("she", "pronoun"),
        ("Ana Ruiz", "name"),
        ("the Health Ministry", "organisation"),
        ("A survey", "document"),
        ("the mayor", "role"),
    ],
)
def test_speaker_kinds(speaker, kind):
    assert speaker_kind(speaker) == kind


def test_confidence_applies_the_table_as_a_logistic_model():
    table = CalibrationTable.from_dict(
        {
            "tagger": "rules@test",
            "labels": {"claim": {"intercept": 0.5, "weights": {"digits=yes": 1.0}}},
        }
    )
    text = "The mill closed in 1998. The mill was old."
    with_number, without = Suggestion("claim", 0, 24), Suggestion("claim", 25, 41)
    got = calibrate(text, [with_number, without, Suggestion("quote", 4, 8)], table)
    assert got[0].confidence == round(1 / (1 + math.exp(-1.5)), 3)
    assert got[1].confidence == round(1 / (1 + math.exp(-0.5)), 3)
    assert got[2].confidence is None  # no model for the label


def test_stored_table_belongs_to_this_tagger_version():
    # Bumping the rules without refitting would apply weights fitted to other rules.
    assert stored_table().tagger == tagger_id(RulesTagger())
    assert set(stored_table().labels) == {"claim", "quote", "speculation"}


def test_tagger_confidences_are_probabilities_that_differ_by_evidence():
    tagged = RulesTagger().tag(TEXT)
    assert all(s.confidence is not None and 0 < s.confidence < 1 for s in tagged)
    assert len({s.confidence for s in tagged}) > 2


def test_refit_recovers_keep_rates_and_writes_only_numbers(tmp_path):
    pytest.importorskip("sklearn")
    from articles.tagging import calibration_fit

    kept_claim = "The bridge opened in 2019 and carries four lanes."
    hedge = "The bridge may close next year for repairs."
    records = []
    for n in range(20):
        text = f"{kept_claim}\n{hedge}"
        spans = [{"label": "claim", "start": 0, "end": len(kept_claim)}]
        if n % 4 == 0:  # the hedge is kept in a quarter of the articles
            start = len(kept_claim) + 1
            spans.append({"label": "speculation", "start": start, "end": start + len(hedge)})
        records.append({"id": f"a{n}", "text": text, "spans": spans})
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    out = tmp_path / "table.json"
    assert calibration_fit.main(["--gold", str(gold), "--out", str(out)]) == 0
    table = json.loads(out.read_text())
    assert table["tagger"] == tagger_id(RulesTagger())
    assert table["fitted_on"]["speculation"] == {"examples": 20, "kept": 5}
    model = CalibrationTable.from_dict(table)
    text = records[0]["text"]
    [spec] = [s for s in candidates(text) if s.label == "speculation"]
    assert model.confidence(text, spec) == pytest.approx(0.25, abs=0.03)
    [claim] = [s for s in candidates(text) if s.label == "claim"]
    assert model.confidence(text, claim) > 0.95  # always kept: one pseudo-miss keeps it < 1
    assert kept_claim not in out.read_text()  # numbers only, never the texts

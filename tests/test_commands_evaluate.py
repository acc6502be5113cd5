"""evaluate_tagger: strict/overlap scores, speaker accuracy, predictions file, JSON output."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from articles.tagging.evaluation import evaluate, match_one_to_one
from articles.tagging.rules import RulesTagger

RULES_ID = f"rules@{RulesTagger.version}"

TEXT = '"We will win," said Tom Reed. The club was founded in 1901. It may move next year.'


def gold_file(tmp_path):
    def at(fragment: str) -> tuple[int, int]:
        start = TEXT.index(fragment)
        return start, start + len(fragment)

    spans = []
    for label, fragment, attrs in [
        ("quote", "We will win", {"speaker": "tom  reed", "direct": True}),
        ("claim", "The club was founded in 1901.", {}),
        ("speculation", "It may move next year.", {"cue": "may"}),
    ]:
        start, end = at(fragment)
        spans.append({"start": start, "end": end, "label": label, "text": fragment, "attrs": attrs})
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "g1", "title": "T", "text": TEXT, "spans": spans}) + "\n")
    return path


def test_json_metrics_and_predictions(tmp_path):
    out = io.StringIO()
    predictions = tmp_path / "pred.jsonl"
    call_command(
        "evaluate_tagger",
        str(gold_file(tmp_path)),
        "--json",
        "--predictions",
        str(predictions),
        stdout=out,
    )
    metrics = json.loads(out.getvalue())
    assert metrics["tagger"] == RULES_ID
    assert metrics["labels"]["quote"]["overlap"]["f1"] == 1.0
    assert metrics["labels"]["speculation"]["strict"]["recall"] == 1.0
    assert metrics["speaker"] == {"matched_quotes": 1, "correct": 1, "accuracy": 1.0}
    [row] = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert row["id"] == "g1" and row["text"] == TEXT
    span = row["spans"][0]
    assert {"start", "end", "label", "text", "attrs", "origin", "status", "confidence"} <= set(span)
    assert span["text"] == TEXT[span["start"] : span["end"]]


def test_table_output(tmp_path):
    out = io.StringIO()
    call_command("evaluate_tagger", str(gold_file(tmp_path)), stdout=out)
    assert "overlap P" in out.getvalue() and "speaker accuracy" in out.getvalue()


def test_unknown_tagger(tmp_path):
    with pytest.raises(CommandError, match="Unknown tagger"):
        call_command("evaluate_tagger", str(gold_file(tmp_path)), "--tagger", "nope")


def test_one_to_one_matching_by_iou():
    # One long prediction overlaps two gold spans; it may match only one of them.
    gold = [(0, 10), (10, 20)]
    assert match_one_to_one(gold, [(0, 18)]) == [(0, 0)]
    assert match_one_to_one(gold, [(0, 10), (11, 20)]) == [(0, 0), (1, 1)]
    assert match_one_to_one(gold, [(0, 3)]) == []  # IoU 0.3 < 0.5


def test_strict_versus_overlap_counts():
    gold = [{"label": "claim", "start": 0, "end": 10}]
    pred = [{"label": "claim", "start": 0, "end": 9}]
    report = evaluate([(gold, pred)]).as_dict()["labels"]["claim"]
    assert report["strict"]["f1"] == 0.0 and report["overlap"]["f1"] == 1.0

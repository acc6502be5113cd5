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


def _span(label: str, start: int, end: int, **extra):
    attrs = extra.pop("attrs", {})
    return {"label": label, "start": start, "end": end, "attrs": attrs, **extra}


def test_reliability_table_and_expected_calibration_error():
    gold = [_span("claim", 0, 10), _span("claim", 20, 30), _span("claim", 40, 50)]
    pred = [
        _span("claim", 0, 10, confidence=0.95),  # kept
        _span("claim", 21, 30, confidence=0.91),  # kept (IoU 0.9)
        _span("claim", 60, 70, confidence=0.15),  # not kept
        _span("claim", 40, 44, confidence=0.35),  # IoU 0.4: not kept
        _span("claim", 80, 90, confidence=None),
    ]
    calibration = evaluate([(gold, pred)]).as_dict()["calibration"]
    table = {row["low"]: row for row in calibration["reliability"]}
    assert len(table) == 10
    assert table[0.9] == {"low": 0.9, "high": 1.0, "count": 2, "mean_confidence": 0.93, "kept": 1.0}
    assert table[0.1]["count"] == 1 and table[0.1]["kept"] == 0.0
    assert table[0.5] == {
        "low": 0.5,
        "high": 0.6,
        "count": 0,
        "mean_confidence": None,
        "kept": None,
    }
    assert calibration["without_confidence"] == 1
    # (2 * |0.93 - 1| + |0.15 - 0| + |0.35 - 0|) / 4
    assert calibration["ece"] == pytest.approx((0.14 + 0.15 + 0.35) / 4, abs=1e-4)
    assert calibration["ece_by_label"] == {"claim": calibration["ece"]}


def test_confidence_one_falls_in_the_last_bin():
    gold = [_span("claim", 0, 10)]
    table = evaluate([(gold, [_span("claim", 0, 10, confidence=1.0)])]).as_dict()
    assert table["calibration"]["reliability"][-1]["count"] == 1
    assert table["calibration"]["ece"] == 0.0


def test_editor_effort_counts_each_kind_of_action():
    gold = [
        _span("claim", 0, 10),
        _span("claim", 20, 30),
        _span("quote", 40, 60, attrs={"speaker": "Ada", "direct": True}),
        _span("quote", 70, 90, attrs={"speaker": "Bo", "direct": False}),
        _span("quote", 100, 120, attrs={"speaker": "", "direct": False}),
    ]
    pred = [
        _span("claim", 0, 10),  # accepted as is
        _span("claim", 21, 30),  # boundary fix
        _span("claim", 200, 210),  # reject
        _span("quote", 40, 60, attrs={"speaker": "Cy", "direct": True}),  # speaker fix
        _span("quote", 100, 120, attrs={"speaker": "", "direct": False}),  # accepted
    ]
    effort = evaluate([(gold, pred)]).as_dict()["effort"]
    assert effort["from_scratch"] == {"draws": 5, "speakers": 2, "total": 7}
    # the quote by Bo is missed: drawn and its speaker typed
    assert effort["with_pretags"] == {
        "rejects": 1,
        "boundary_fixes": 1,
        "draws": 1,
        "speakers": 1,
        "speaker_fixes": 1,
        "total": 5,
    }
    assert effort["effort"] == round(5 / 7, 4)


def test_quotes_split_into_direct_and_reported_by_gold():
    gold = [
        _span("quote", 0, 10, attrs={"speaker": "Ada", "direct": True}),
        _span("quote", 20, 40, attrs={"speaker": "Bo", "direct": False}),
        _span("quote", 50, 70, attrs={"speaker": "Bo", "direct": False}),
    ]
    pred = [
        _span("quote", 0, 10, attrs={"speaker": "ada", "direct": True}),
        # matched to reported gold although it calls itself direct: counts as reported
        _span("quote", 20, 40, attrs={"speaker": "Cy", "direct": True}),
        _span("quote", 80, 90, attrs={"speaker": "", "direct": True}),  # unmatched, direct
    ]
    quotes = evaluate([(gold, pred)]).as_dict()["quotes"]
    assert quotes["direct"]["gold"] == 1 and quotes["direct"]["predicted"] == 2
    assert quotes["direct"]["overlap"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667}
    assert quotes["direct"]["speaker"]["accuracy"] == 1.0
    assert quotes["reported"]["gold"] == 2 and quotes["reported"]["predicted"] == 1
    assert quotes["reported"]["overlap"]["recall"] == 0.5
    assert quotes["reported"]["speaker"] == {"matched_quotes": 1, "correct": 0, "accuracy": 0.0}


def test_labels_option_scores_only_the_named_labels(tmp_path):
    out = io.StringIO()
    call_command(
        "evaluate_tagger", str(gold_file(tmp_path)), "--json", "--labels", "quote", stdout=out
    )
    metrics = json.loads(out.getvalue())
    assert list(metrics["labels"]) == ["quote"]
    assert metrics["calibration"]["ece_by_label"].keys() == {"quote"}
    assert metrics["effort"]["from_scratch"]["draws"] == 1


def test_labels_option_needs_a_name(tmp_path):
    with pytest.raises(CommandError, match="at least one label"):
        call_command("evaluate_tagger", str(gold_file(tmp_path)), "--labels", " , ")


def test_table_output_has_calibration_and_effort(tmp_path):
    out = io.StringIO()
    call_command("evaluate_tagger", str(gold_file(tmp_path)), stdout=out)
    printed = out.getvalue()
    assert "expected calibration error (10 bins" in printed
    assert "0.9-1.0" in printed
    assert "editor effort:" in printed and "direct quotes" in printed

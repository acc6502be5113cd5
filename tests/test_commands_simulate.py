"""``manage.py simulate_editor``: a learning curve on a made-up corpus whose editor keeps
rejecting one kind of claim and drawing one kind of speculation the rules miss."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from articles.tagging.rescoring import Rescorer
from tests.learning_data import write


def simulate(*args: str) -> str:
    out = io.StringIO()
    call_command("simulate_editor", *args, stdout=out)
    return out.getvalue()


def test_learning_improves_precision_and_effort_without_losing_recall(tmp_path):
    gold = write(tmp_path / "gold.jsonl", 16)
    model = tmp_path / "model.json"
    figures = json.loads(
        simulate(str(gold), "--retrain-every", "20", "--json", "--save-model", str(model))
    )
    rows = figures["articles"]
    assert len(rows) == 16
    assert rows[0]["tagger"] == "rules" and rows[-1]["tagger"].startswith("v")
    first, last = rows[0]["learned"], rows[-1]["learned"]
    assert first == rows[0]["rules"]  # nothing learned yet
    assert last["precision"] > first["precision"]
    assert last["effort"] < first["effort"] / 2
    assert last["recall"] >= first["recall"]
    learned, rules = figures["totals"]["learned_on_those"], figures["totals"]["rules_on_those"]
    assert learned["precision"] > rules["precision"] and learned["effort"] < rules["effort"]
    assert learned["recall"] >= rules["recall"]
    assert any(row.get("trained", {}).get("activated") for row in rows)
    assert Rescorer.from_dict(json.loads(model.read_text())).labels


def test_table_lists_every_article_and_the_trainings(tmp_path):
    gold = write(tmp_path / "gold.jsonl", 4)
    text = simulate(str(gold), "--retrain-every", "10")
    lines = text.splitlines()
    assert lines[0].startswith("Simulated editor, retraining at the end of an article once 10")
    article_lines = [line for line in lines if line[:3].strip().isdigit()]
    assert [line.split()[0] for line in article_lines] == ["1", "2", "3", "4"]
    assert "trained v1 on" in text
    assert "rules alone:" in text


def test_labels_limit_what_the_editor_decides(tmp_path):
    gold = write(tmp_path / "gold.jsonl", 3)
    figures = json.loads(simulate(str(gold), "--labels", "claim", "--json"))
    assert set(figures["totals"]["rules"]["labels"]) == {"claim"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.jsonl"], "no such file"),
        (["GOLD", "--retrain-every", "-1"], "--retrain-every must be at least 1"),
    ],
)
def test_bad_arguments_are_refused(tmp_path, args, message):
    gold = write(tmp_path / "gold.jsonl", 1)
    args = [
        str(gold) if a == "GOLD" else str(tmp_path / a) if a.endswith("jsonl") else a for a in args
    ]
    with pytest.raises(CommandError, match=message):
        simulate(*args)

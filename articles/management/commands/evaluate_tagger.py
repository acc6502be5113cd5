"""Score a tagger against gold spans (JSONL with ``spans``), strict and overlap."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from articles.errors import DomainError
from articles.tagging import get_tagger
from articles.tagging.base import tagger_id
from articles.tagging.evaluation import evaluate
from articles.text import normalize_text


def _read_gold(path: Path) -> list[dict[str, Any]]:
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            text = record["text"]
            spans = record.get("spans") or []
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise CommandError(f"{path} line {number}: not a gold record ({error}).") from None
        if normalize_text(text) != text:
            raise CommandError(f"{path} line {number}: text is not NFC with \\n line endings.")
        records.append({"line": number, **record, "spans": spans})
    return records


class Command(BaseCommand):
    help = "Per-label precision/recall/F1 (strict and IoU>=0.5 overlap) and speaker accuracy."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("gold", type=Path)
        parser.add_argument("--tagger", default=None, help="Tagger name (default DEFAULT_TAGGER).")
        parser.add_argument("--predictions", type=Path, help="Write predictions as JSONL here.")
        parser.add_argument("--json", action="store_true", help="Print metrics as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        if not options["gold"].is_file():
            raise CommandError(f"{options['gold']}: no such file.")
        try:
            tagger = get_tagger(options["tagger"] or settings.DEFAULT_TAGGER)
        except DomainError as error:
            raise CommandError(error.message) from None
        gold = _read_gold(options["gold"])
        pairs = []
        out = options["predictions"].open("w", encoding="utf-8") if options["predictions"] else None
        for record in gold:
            text = record["text"]
            predicted = [s.as_span(text, tagger_id(tagger)) for s in tagger.tag(text)]
            pairs.append((record["spans"], predicted))
            if out:
                row = {
                    "id": record.get("id"),
                    "title": record.get("title", ""),
                    "text": text,
                    "meta": record.get("meta") or {},
                    "spans": predicted,
                }
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        if out:
            out.close()
        metrics = evaluate(pairs).as_dict()
        metrics["tagger"] = tagger_id(tagger)
        if options["json"]:
            self.stdout.write(json.dumps(metrics, indent=2))
            return
        self.stdout.write(f"Tagger {metrics['tagger']} on {metrics['articles']} articles")
        self.stdout.write(
            f"{'label':<12} {'gold':>5} {'pred':>5}   "
            f"{'strict P':>8} {'R':>6} {'F1':>6}   {'overlap P':>9} {'R':>6} {'F1':>6}"
        )
        for name, row in metrics["labels"].items():
            s, o = row["strict"], row["overlap"]
            self.stdout.write(
                f"{name:<12} {row['gold']:>5} {row['predicted']:>5}   "
                f"{s['precision']:>8.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}   "
                f"{o['precision']:>9.3f} {o['recall']:>6.3f} {o['f1']:>6.3f}"
            )
        speaker = metrics["speaker"]
        accuracy = "n/a" if speaker["accuracy"] is None else f"{speaker['accuracy']:.3f}"
        self.stdout.write(
            f"speaker accuracy on matched quotes: {accuracy} "
            f"({speaker['correct']}/{speaker['matched_quotes']})"
        )

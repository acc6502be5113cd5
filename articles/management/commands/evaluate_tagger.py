"""Score a tagger against gold spans (JSONL with ``spans``): strict and overlap scores,
speaker accuracy, direct/reported quotes, calibration (ECE, reliability table) and editor
effort, all defined in ``articles.tagging.evaluation``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from articles.errors import DomainError
from articles.tagging import get_tagger
from articles.tagging.base import tagger_id
from articles.tagging.evaluation import evaluate
from articles.tagging.rescoring import rescored_from_file
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
    help = (
        "Per-label precision/recall/F1 (strict and IoU>=0.5 overlap), speaker accuracy, "
        "direct/reported quotes, expected calibration error with a reliability table, and "
        "editor effort."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("gold", type=Path)
        parser.add_argument("--tagger", default=None, help="Tagger name (default DEFAULT_TAGGER).")
        parser.add_argument("--predictions", type=Path, help="Write predictions as JSONL here.")
        parser.add_argument(
            "--rescorer",
            type=Path,
            help="A re-scorer's numbers (as simulate_editor --save-model writes them): score "
            "the rules with it.",
        )
        parser.add_argument("--json", action="store_true", help="Print metrics as JSON.")
        parser.add_argument(
            "--labels",
            default=None,
            help="Comma-separated labels to score (default: all); e.g. 'quote' for a corpus "
            "annotated for quotes only.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        if not options["gold"].is_file():
            raise CommandError(f"{options['gold']}: no such file.")
        try:
            tagger = get_tagger(options["tagger"] or settings.DEFAULT_TAGGER)
        except DomainError as error:
            raise CommandError(error.message) from None
        if options["rescorer"]:
            try:
                tagger = rescored_from_file(options["rescorer"])
            except ValueError as error:
                raise CommandError(str(error)) from None
        labels = _labels(options["labels"])
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
        metrics = evaluate(pairs, labels).as_dict()
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
        self.stdout.write(f"speaker accuracy on matched quotes: {_speaker(metrics['speaker'])}")
        for kind, row in metrics["quotes"].items():
            o = row["overlap"]
            self.stdout.write(
                f"  {kind + ' quotes':<17} gold {row['gold']:>4} pred {row['predicted']:>4}   "
                f"overlap P {o['precision']:.3f} R {o['recall']:.3f} F1 {o['f1']:.3f}   "
                f"speaker {_speaker(row['speaker'])}"
            )
        self._write_calibration(metrics["calibration"])
        effort = metrics["effort"]
        scratch, done = effort["from_scratch"], effort["with_pretags"]
        ratio = "n/a" if effort["effort"] is None else f"{effort['effort']:.1%}"
        self.stdout.write(
            f"editor effort: {ratio} of from-scratch actions ({done['total']}/{scratch['total']}: "
            f"{done['rejects']} rejects, {done['boundary_fixes']} boundary fixes, "
            f"{done['draws']} draws, {done['speakers']} speakers typed, "
            f"{done['speaker_fixes']} speaker fixes; from scratch {scratch['draws']} draws, "
            f"{scratch['speakers']} speakers)"
        )

    def _write_calibration(self, calibration: dict[str, Any]) -> None:
        by_label = ", ".join(
            f"{name} {_number(value)}" for name, value in calibration["ece_by_label"].items()
        )
        self.stdout.write(
            f"expected calibration error ({calibration['bins']} bins, "
            f"{calibration['predictions']} predictions): {_number(calibration['ece'])}"
            + (f" ({by_label})" if by_label else "")
        )
        self.stdout.write(f"  {'confidence':<11} {'count':>6} {'mean conf':>9} {'kept':>6}")
        for row in calibration["reliability"]:
            self.stdout.write(
                f"  {row['low']:.1f}-{row['high']:.1f}    {row['count']:>6} "
                f"{_number(row['mean_confidence']):>9} {_number(row['kept']):>6}"
            )


def _labels(value: str | None) -> list[str] | None:
    if value is None:
        return None
    labels = [name.strip() for name in value.split(",") if name.strip()]
    if not labels:
        raise CommandError("--labels: give at least one label name.")
    return labels


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _speaker(speaker: dict[str, Any]) -> str:
    accuracy = "n/a" if speaker["accuracy"] is None else f"{speaker['accuracy']:.3f}"
    return f"{accuracy} ({speaker['correct']}/{speaker['matched_quotes']})"

"""Play an editor who decides every suggestion by the gold, article by article, retraining the
project's re-scorer as they go, and print the learning curve.

For each article in file order: the current tagger (the rules, or the rules with the active
re-scorer) suggests; the simulated editor accepts exact matches, fixes the boundaries of
overlapping ones (IoU >= 0.5), rejects the rest and draws what is missing (the actions
``evaluation`` counts as effort); the article, now complete, joins the training data, and after
every ``--retrain-every`` decisions a new version is fitted (``articles.tagging.training``, the
trainer the Celery task uses) and activated when its held-out figures allow
(``should_activate``). Each line shows the article's overlap precision, recall and F1, its
expected calibration error and the editor effort, beside the rules alone on the same article.
Nothing is written to the database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.management.commands.evaluate_tagger import _labels, _read_gold
from articles.tagging.evaluation import Report, evaluate
from articles.tagging.rescoring import LABELS, Rescorer, prepare
from articles.tagging.training import (
    TrainingArticle,
    rules_suggestions,
    should_activate,
    summary,
    train,
)


def _spans(suggestions: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "label": s.label,
            "start": s.start,
            "end": s.end,
            "attrs": s.attrs,
            "confidence": s.confidence,
        }
        for s in suggestions
    ]


def _decisions(report: Report) -> int:
    """The editor's decisions on one article: one per suggestion, one per span drawn."""
    effort = report.effort
    return sum(c.predicted for c in report.labels.values()) + effort.missed_draws


class Command(BaseCommand):
    help = (
        "Simulate an editor deciding every suggestion by the gold, retraining the re-scorer "
        "as they go; print F1, calibration error and editor effort per article."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("gold", type=Path)
        parser.add_argument(
            "--labels",
            default=None,
            help="Comma-separated labels the gold speaks for (default: all), e.g. 'quote'.",
        )
        parser.add_argument(
            "--retrain-every",
            type=int,
            default=None,
            help="Decisions between retrainings (default TAGGER_RETRAIN_EVERY).",
        )
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
        parser.add_argument(
            "--save-model", type=Path, help="Write the last active re-scorer's numbers here."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["gold"].is_file():
            raise CommandError(f"{options['gold']}: no such file.")
        every = options["retrain_every"] or settings.TAGGER_RETRAIN_EVERY
        if every < 1:
            raise CommandError("--retrain-every must be at least 1.")
        labels = frozenset(_labels(options["labels"]) or LABELS)
        records = _read_gold(options["gold"])
        rows, totals = self._simulate(records, labels, every)
        if options["save_model"] and totals["rescorer"] is not None:
            options["save_model"].write_text(
                json.dumps(totals["rescorer"].as_dict(), indent=1) + "\n", encoding="utf-8"
            )
        del totals["rescorer"]
        if options["json"]:
            self.stdout.write(json.dumps({"articles": rows, "totals": totals}, indent=2))
            return
        self._print(rows, totals, every)

    def _simulate(
        self, records: list[dict[str, Any]], labels: frozenset[str], every: int
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        history: list[TrainingArticle] = []
        prepared: dict[str, Any] = {}
        active: Rescorer | None = None
        version = 0
        active_version = 0
        pending = 0
        rows = []
        pairs: dict[str, list[Any]] = {"rules": [], "learned": [], "rules_after": [], "after": []}
        for number, record in enumerate(records, start=1):
            key = str(record.get("id") or record["line"])
            text = record["text"]
            gold = [s for s in record["spans"] if s["label"] in labels]
            candidates = [c for c in prepare(text) if c.label in labels]
            prepared[key] = candidates
            rules = _spans(rules_suggestions(candidates))
            shown = rules if active is None else _spans(active.apply(candidates))
            rules_report = evaluate([(gold, rules)], sorted(labels))
            report = evaluate([(gold, shown)], sorted(labels))
            pairs["rules"].append((gold, rules))
            pairs["learned"].append((gold, shown))
            if active is not None:
                pairs["rules_after"].append((gold, rules))
                pairs["after"].append((gold, shown))
            rows.append(
                {
                    "article": number,
                    "id": key,
                    "tagger": f"v{active_version}" if active is not None else "rules",
                    "learned": summary(report.as_dict()),
                    "rules": summary(rules_report.as_dict()),
                }
            )
            history.append(TrainingArticle(key, text, tuple(gold), labels=labels))
            pending += _decisions(report)
            if pending >= every and number < len(records):
                pending = 0
                version += 1
                result = train(history, prepared)
                if should_activate(result.quality):
                    active, active_version = result.rescorer, version
                rows[-1]["trained"] = {
                    "version": version,
                    "activated": active_version == version,
                    "quality": result.quality,
                    "size": result.size,
                }
        totals = {
            "rules": summary(evaluate(pairs["rules"], sorted(labels)).as_dict()),
            "learned": summary(evaluate(pairs["learned"], sorted(labels)).as_dict()),
            "articles_with_model": len(pairs["after"]),
            "rules_on_those": summary(evaluate(pairs["rules_after"], sorted(labels)).as_dict())
            if pairs["after"]
            else None,
            "learned_on_those": summary(evaluate(pairs["after"], sorted(labels)).as_dict())
            if pairs["after"]
            else None,
            "rescorer": active,
        }
        return rows, totals

    def _print(self, rows: list[dict[str, Any]], totals: dict[str, Any], every: int) -> None:
        self.stdout.write(
            f"Simulated editor, retraining at the end of an article once {every} decision(s) "
            "have accumulated; overlap P/R/F1, ECE and effort per article, the rules alone in "
            "brackets"
        )
        self.stdout.write(
            f"{'#':>3} {'tagger':<7} {'gold':>5} {'shown':>5}  {'P':>5} {'R':>5} {'F1':>5} "
            f"{'ECE':>5} {'effort':>6}   {'(rules P':>8} {'R':>5} {'F1':>5} {'ECE':>5} "
            f"{'effort)':>7}"
        )
        for row in rows:
            learned, rules = row["learned"], row["rules"]
            gold = sum(label["gold"] for label in learned["labels"].values())
            shown = sum(label["predicted"] for label in learned["labels"].values())
            self.stdout.write(
                f"{row['article']:>3} {row['tagger']:<7} {gold:>5} {shown:>5}  "
                f"{_figures(learned)}   ({_figures(rules)})"
            )
            trained = row.get("trained")
            if trained:
                quality = trained["quality"]
                held = (
                    "no held-out figures (one complete article)"
                    if quality is None
                    else f"held-out over {quality['articles']} articles: F1 "
                    f"{quality['rules']['f1']:.3f} → {quality['model']['f1']:.3f}, effort "
                    f"{_share(quality['rules']['effort'])} → {_share(quality['model']['effort'])}"
                )
                self.stdout.write(
                    f"      trained v{trained['version']} on {trained['size']['examples']} "
                    f"examples ({held}); {'activated' if trained['activated'] else 'kept inactive'}"
                )
        self.stdout.write(f"all {len(rows)} articles: {_figures(totals['learned'])}")
        self.stdout.write(f"  rules alone:  {_figures(totals['rules'])}")
        if totals["learned_on_those"] is not None:
            self.stdout.write(
                f"the {totals['articles_with_model']} articles tagged with a model: "
                f"{_figures(totals['learned_on_those'])}"
            )
            self.stdout.write(f"  rules alone:  {_figures(totals['rules_on_those'])}")


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _figures(figures: dict[str, Any]) -> str:
    ece = "-" if figures["ece"] is None else f"{figures['ece']:.3f}"
    return (
        f"{figures['precision']:>5.3f} {figures['recall']:>5.3f} {figures['f1']:>5.3f} "
        f"{ece:>5} {_share(figures['effort']):>6}"
    )

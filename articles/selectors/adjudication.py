"""What a reviewer adjudicates on one article: every finished editor layer, grouped.

A *version* is one span as one or more editors drew it (same label, offsets and
attributes); versions of one label that overlap, and the gold rows over them, form a
*cluster*: one place in the text where the editors agree or not. Each version is marked
``all`` (every editor who finished the article drew it, two at least), ``some`` (more
than one, not all) or ``one``; clusters with a disagreement come first, then text order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from articles.models import Article, Span
from articles.selectors.agreement import finished_by

Mark = str  # "all" | "some" | "one"


@dataclass
class Version:
    label: str
    start: int
    end: int
    text: str
    attrs: dict[str, Any]
    editors: list[str] = field(default_factory=list)
    spans: list[int] = field(default_factory=list)
    mark: Mark = "one"
    state: str = "open"  # open | taken | rejected (by a gold row)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.spans[0],
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "attrs": self.attrs,
            "editors": self.editors,
            "spans": self.spans,
            "mark": self.mark,
            "state": self.state,
        }


def _key(label: str, start: int, end: int, attrs: dict[str, Any]) -> tuple[Any, ...]:
    return (label, start, end, json.dumps(attrs, sort_keys=True))


def _gold_out(row: Span) -> dict[str, Any]:
    return {
        "id": row.pk,
        "label": row.label.name,
        "start": row.start,
        "end": row.end,
        "text": row.text,
        "attrs": row.attrs,
        "status": row.status,
        "version": row.version,
        "reviewer": row.annotator.username if row.annotator else None,
    }


def adjudication_view(*, article: Article) -> dict[str, Any]:
    """``{annotators, unfinished, clusters: [{label, start, end, mark, resolved, versions,
    gold}]}`` for the review page and its API."""
    finished = finished_by(article.project, article.pk).get(article.pk, {})
    annotators = sorted(finished.values())
    rows = list(
        Span.objects.filter(article=article, annotator__isnull=False)
        .select_related("label", "annotator")
        .in_text_order()
    )
    versions: dict[tuple[Any, ...], Version] = {}
    gold = [row for row in rows if row.gold]
    for row in rows:
        if row.gold or row.status != Span.Status.ACCEPTED or row.annotator_id not in finished:
            continue
        key = _key(row.label.name, row.start, row.end, row.attrs)
        version = versions.setdefault(
            key, Version(row.label.name, row.start, row.end, row.text, row.attrs)
        )
        version.editors.append(finished[row.annotator_id])
        version.spans.append(row.pk)
    unfinished = sorted(
        {
            row.annotator.username
            for row in rows
            if not row.gold and row.annotator_id not in finished and row.annotator
        }
    )
    for version in versions.values():
        version.editors.sort()
        count = len(version.editors)
        version.mark = "all" if count == len(annotators) >= 2 else "one" if count == 1 else "some"
        for row in gold:
            same = (row.label.name, row.start, row.end) == (
                version.label,
                version.start,
                version.end,
            )
            if same and row.status == Span.Status.REJECTED:
                version.state = "rejected"
            elif same and row.attrs == version.attrs:
                version.state = "taken"
    return {
        "annotators": annotators,
        "unfinished": unfinished,
        "clusters": _clusters(list(versions.values()), gold),
    }


def _clusters(versions: list[Version], gold: list[Span]) -> list[dict[str, Any]]:
    items: list[tuple[str, int, int, Version | Span]] = [
        (v.label, v.start, v.end, v) for v in versions
    ] + [(g.label.name, g.start, g.end, g) for g in gold]
    items.sort(key=lambda item: (item[0], item[1], -item[2]))
    groups: list[list[tuple[str, int, int, Version | Span]]] = []
    for item in items:
        last = groups[-1] if groups else None
        if last and last[0][0] == item[0] and item[1] < max(i[2] for i in last):
            last.append(item)
        else:
            groups.append([item])
    out = []
    for group in groups:
        members = [i[3] for i in group if isinstance(i[3], Version)]
        golds = [i[3] for i in group if isinstance(i[3], Span)]
        marks = {v.mark for v in members}
        mark = (
            "all"
            if marks == {"all"} and len(members) == 1
            else "one"
            if marks == {"one"} and len(members) == 1
            else "some"
        )
        if not members:
            mark = "gold"
        out.append(
            {
                "label": group[0][0],
                "start": min(i[1] for i in group),
                "end": max(i[2] for i in group),
                "mark": mark,
                "resolved": bool(golds),
                "versions": [v.as_dict() for v in sorted(members, key=lambda v: -len(v.editors))],
                "gold": [_gold_out(g) for g in golds],
            }
        )
    # Disagreements first (what needs a reviewer), then agreed ones; text order within.
    out.sort(key=lambda c: (c["mark"] == "all", c["start"], c["label"]))
    return out

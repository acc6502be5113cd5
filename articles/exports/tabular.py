"""CSV: one span a row, and one row with empty span columns for an article without exported
spans, so every exported article (and its review state) is in the file.

``status`` says accepted, rejected (negatives, when asked for) or suggested. ``attrs`` and
``article_reviews`` (``[{annotator, state, updated_at}]``, the article's review rows) are JSON.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from articles.exports.base import Writer
from articles.selectors.exports import ArticleRow

COLUMNS = [
    "article_id",
    "article_title",
    "span_id",
    "start",
    "end",
    "label",
    "text",
    "status",
    "origin",
    "annotator",
    "confidence",
    "attrs",
    "updated_at",
    "article_reviews",
]
_NO_SPAN = [""] * (len(COLUMNS) - 3)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class CsvWriter(Writer):
    name = "csv"
    extension = "csv"
    content_type = "text/csv; charset=utf-8"
    description = (
        "One span a row (an article without spans: one row, span columns empty); status per"
        " span; attrs and article_reviews as JSON; offsets in code points."
    )

    def pieces(self, rows: Iterable[ArticleRow]) -> Iterator[str]:
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\n")
        out.writerow(COLUMNS)
        for row in rows:
            reviews = _json(row.get("reviews", []))
            if not row["spans"]:
                out.writerow([row["id"], row["title"], *_NO_SPAN, reviews])
            for span in row["spans"]:
                out.writerow(
                    [
                        row["id"],
                        row["title"],
                        span["id"],
                        span["start"],
                        span["end"],
                        span["label"],
                        span["text"],
                        span["status"],
                        span["origin"],
                        span["annotator"] or "",
                        "" if span["confidence"] is None else span["confidence"],
                        _json(span["attrs"]),
                        span["updated_at"],
                        reviews,
                    ]
                )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue()

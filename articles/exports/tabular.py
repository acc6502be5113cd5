"""CSV: per article, one article row (the span columns empty) and then one row per span.

The article row carries what belongs to the article, ``article_reviews`` (its review rows,
``[{annotator, state, updated_at}]`` as JSON), so an article without exported spans is still
in the file with its review state; span rows leave that column empty (repeating it on every
span row doubled the file for two reviews an article). ``status`` says accepted, rejected
(negatives, when asked for) or suggested; ``attrs`` is JSON.
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
        "Per article an article row (span columns empty, article_reviews as JSON), then one"
        " row per span with its status; attrs as JSON; offsets in code points."
    )

    def pieces(self, rows: Iterable[ArticleRow]) -> Iterator[str]:
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\n")
        out.writerow(COLUMNS)
        for row in rows:
            out.writerow([row["id"], row["title"], *_NO_SPAN, _json(row.get("reviews", []))])
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
                        "",
                    ]
                )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue()

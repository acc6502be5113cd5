"""CSV: one span a row (articles without exported spans produce no row)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

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
]


class CsvWriter(Writer):
    name = "csv"
    extension = "csv"
    content_type = "text/csv; charset=utf-8"
    description = "One span a row; attrs as a JSON object; offsets in code points."

    def pieces(self, rows: Iterable[ArticleRow]) -> Iterator[str]:
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\n")
        out.writerow(COLUMNS)
        for row in rows:
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
                        json.dumps(span["attrs"], ensure_ascii=False, sort_keys=True),
                        span["updated_at"],
                    ]
                )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue()

"""JSON Lines: one article a line, the shape the JSONL importer reads back.

Each line is ``{id, title, text, meta, reviews: [{annotator, state, updated_at}], spans:
[...]}``; every span carries its ``status``, so rejected spans (negatives, when asked for)
say so. The importer ignores ``reviews``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from articles.exports.base import Writer
from articles.selectors.exports import ArticleRow

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class JsonlWriter(Writer):
    name = "jsonl"
    extension = "jsonl"
    content_type = "application/jsonl; charset=utf-8"
    description = (
        "One article a line: {id, title, text, meta, reviews: [...], spans: [...]}; each span"
        " has a status; code-point offsets."
    )

    raw_spans = True

    def pieces(self, rows: Iterable[ArticleRow]) -> Iterator[str]:
        for row in rows:
            spans_json = row.get("spans_json")
            if spans_json is None:
                yield _encode(row) + "\n"
                continue
            # The database already wrote the span list as JSON; copy it in unchanged.
            head = {key: row[key] for key in ("id", "title", "text", "meta", "reviews")}
            yield _encode(head)[:-1] + ',"spans":' + spans_json + "}\n"

"""Bulk insertion of many span rows (imports and pre-tagging), checked before writing.

Rows are plain tuples, already validated by the caller (offsets trimmed, ``text`` equal to
``article.text[start:end]``, label of the article's project); the database constraints on
``Span`` check them again. On PostgreSQL they go through ``COPY``, which is several times
faster than ``bulk_create`` for tens of thousands of rows; elsewhere through ``bulk_create``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.db import connection
from django.utils import timezone

from articles.models import Span


class SpanRow(NamedTuple):
    article_id: int
    label_id: int
    start: int
    end: int
    text: str
    attrs: dict[str, Any]
    origin: str
    status: str
    confidence: float | None
    tagger_version: str
    annotator_id: int | None = None
    note: str = ""


_COLUMNS = (
    "article_id",
    "label_id",
    "start",
    "end",
    "text",
    "attrs",
    "origin",
    "status",
    "confidence",
    "tagger_version",
    "annotator_id",
    "note",
    "gold",
    "version",
    "created_at",
    "updated_at",
)


def span_rows_insert(rows: Sequence[SpanRow]) -> int:
    """Insert rows in one statement per backend batch; returns the number inserted."""
    if not rows:
        return 0
    now = timezone.now()
    if connection.vendor == "postgresql":
        quoted = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
        table = connection.ops.quote_name(Span._meta.db_table)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row[:5], json.dumps(row.attrs), *row[6:], False, 1, now, now))
        return len(rows)
    Span.objects.bulk_create(
        [
            Span(**row._asdict(), gold=False, version=1, created_at=now, updated_at=now)
            for row in rows
        ],
        batch_size=1000,
    )
    return len(rows)

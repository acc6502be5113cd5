"""The writer protocol: plain article rows in, encoded chunks out.

A writer never touches the ORM. ``chunks`` yields bytes of roughly ``BUFFER_BYTES`` so an HTTP
response streams and a snapshot writes to a file with the same code; ``write`` is the stream
form. Writers count what they wrote in ``stats``.

Rejected spans are negatives: a writer that exports them keeps them apart from the positives
(a status field, their own CoNLL columns, their own spaCy span group), so a reader that looks
only at labels never takes one for a positive. ``statuses`` tells a writer which span statuses
the rows may hold, so formats with a fixed layout (CoNLL's columns) can make room for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any, ClassVar

from articles.models import SpanStatus
from articles.selectors.exports import ArticleRow

REJECTED = SpanStatus.REJECTED.value

BUFFER_BYTES = 256 * 1024

# The documented fallback tokenizer (used when spaCy is absent and always for CoNLL): a token
# is a run of letters, digits or underscores, or any single other non-space character. So
# "don't" is don ' t and "5%" is 5 %; offsets are code points like everywhere else.
TOKEN = re.compile(r"\w+|[^\w\s]")
LINE = re.compile(r"[^\n]+")


class Writer:
    name: ClassVar[str]
    extension: ClassVar[str]
    content_type: ClassVar[str]
    description: ClassVar[str] = ""
    # True: the writer also accepts rows whose spans are JSON text (``spans_json``).
    raw_spans: ClassVar[bool] = False
    # Extra row fields the writer reads (``export_rows``): the articles' source, author and
    # date; when these span attributes got their values.
    details: ClassVar[bool] = False
    timed_attrs: ClassVar[tuple[str, ...]] = ()
    # Non-empty: the writer writes only spans with a value for this attribute, of labels that
    # declare it, never rejected ones (so the export page counts those, ``export_totals``).
    only_with_attr: ClassVar[str] = ""

    def __init__(
        self,
        *,
        labels: list[str],
        statuses: Sequence[str] = (SpanStatus.ACCEPTED.value,),
        context: dict[str, Any] | None = None,
    ) -> None:
        self.labels = labels
        self.statuses = tuple(statuses)
        self.rejected = REJECTED in self.statuses
        self.context = context or {}
        self.stats: dict[str, int] = {"articles": 0, "spans": 0}

    def pieces(self, rows: Iterable[ArticleRow]) -> Iterator[str]:
        """Text pieces (usually one per article); subclasses implement this or ``chunks``."""
        raise NotImplementedError

    def chunks(self, rows: Iterable[ArticleRow]) -> Iterator[bytes]:
        buffer: list[str] = []
        size = 0
        for piece in self.pieces(self._counted(rows)):
            buffer.append(piece)
            size += len(piece)
            if size >= BUFFER_BYTES:
                yield "".join(buffer).encode("utf-8")
                buffer, size = [], 0
        if buffer:
            yield "".join(buffer).encode("utf-8")

    def write(self, rows: Iterable[ArticleRow], stream: IO[bytes]) -> None:
        for chunk in self.chunks(rows):
            stream.write(chunk)

    def _counted(self, rows: Iterable[ArticleRow]) -> Iterator[ArticleRow]:
        for row in rows:
            self.stats["articles"] += 1
            self.stats["spans"] += row["span_count"] if "spans_json" in row else len(row["spans"])
            yield row


def tokenize(text: str) -> tuple[list[int], list[int], list[int]]:
    """Token starts, ends, and the indices of tokens that begin a new line (paragraph)."""
    starts: list[int] = []
    ends: list[int] = []
    breaks: list[int] = []
    for line in LINE.finditer(text):
        breaks.append(len(starts))
        for match in TOKEN.finditer(text, line.start(), line.end()):
            starts.append(match.start())
            ends.append(match.end())
    return starts, ends, breaks

"""Span rules from the guidelines, once: range, trimming, overlap. Pure: no database access.

Used by span writes, imports, pre-tagging and the HTTP tagger; the editor page applies the
same whitespace class (``static/articles/trim.js``), proved by one table of characters
(``tests/data/whitespace.json``) tested on both sides.

- A span is ``[start, end)`` in code points over the article text, ``0 <= start < end <= n``.
- It neither begins nor ends with whitespace (``str.isspace``); a range holding only
  whitespace is no span.
- Two spans of one label in one layer never overlap: ``a.start < b.end and b.start < a.end``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Q

from articles.errors import DomainError

T = TypeVar("T")


class SpanRangeError(DomainError):
    """Offsets outside the text, or a selection of whitespace only."""


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so it neither begins nor ends with whitespace.

    Returns an empty range (start == end) when the selection holds only whitespace.
    """
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def check_range(length: int, start: int, end: int, *, where: str = "") -> None:
    """Raise ``SpanRangeError`` unless ``0 <= start < end <= length``."""
    if not 0 <= start < end <= length:
        prefix = f"{where}: offsets" if where else "Offsets"
        raise SpanRangeError(
            f"{prefix} must satisfy 0 <= start < end <= {length} (got {start}, {end}).",
            field="start" if not 0 <= start < length else "end",
        )


def span_bounds(text: str, start: int, end: int, *, where: str = "") -> tuple[int, int]:
    """The checked, trimmed ``(start, end)`` of a selection of ``text``.

    Raises ``SpanRangeError`` for offsets outside the text or a whitespace-only selection.
    """
    check_range(len(text), start, end, where=where)
    start, end = trim_span(text, start, end)
    if start == end:
        prefix = f"{where}: the" if where else "The"
        raise SpanRangeError(f"{prefix} selection holds only whitespace.", field="end")
    return start, end


def overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    """Whether two half-open ranges share at least one code point."""
    return start < other_end and other_start < end


def overlapping(start: int, end: int) -> Q:
    """The same rule as ``overlaps``, as a filter on span rows."""
    return Q(start__lt=end, end__gt=start)


def first_overlap(
    ranges: Iterable[tuple[object, int, int, T]],
) -> tuple[T, T] | None:
    """The first pair of ranges of one group that overlap, in text order; else None.

    ``ranges`` are ``(group, start, end, item)``, e.g. the label as group: one layer's spans
    of one label never overlap.
    """
    by_group: dict[object, list[tuple[int, int, T]]] = {}
    for group, start, end, item in ranges:
        by_group.setdefault(group, []).append((start, end, item))
    found: list[tuple[int, int, T, T]] = []
    for members in by_group.values():
        members.sort(key=lambda member: (member[0], member[1]))
        # The member reaching furthest so far: in start order, whatever overlaps one earlier
        # member overlaps this one.
        reach: tuple[int, int, T] | None = None
        for start, end, item in members:
            if reach is not None and overlaps(reach[0], reach[1], start, end):
                found.append((start, end, reach[2], item))
                break
            if reach is None or end > reach[1]:
                reach = (start, end, item)
    if not found:
        return None
    _, _, before, after = min(found, key=lambda pair: (pair[0], pair[1]))
    return before, after

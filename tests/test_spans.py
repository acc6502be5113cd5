"""The span rules, once: range, trimming, overlap (pure functions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from articles.spans import (
    SpanRangeError,
    check_range,
    first_overlap,
    overlaps,
    span_bounds,
    trim_span,
)

WHITESPACE_TABLE = Path(__file__).with_name("data") / "whitespace.json"


def test_bounds_trim_the_selection():
    text = "  Rain fell.\n"
    assert span_bounds(text, 0, len(text)) == (2, 12)
    assert text[2:12] == "Rain fell."


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(-1, 3, "start"), (3, 3, "end"), (4, 2, "end"), (0, 99, "end"), (20, 21, "start")],
)
def test_out_of_range_offsets_name_the_field(start, end, field):
    with pytest.raises(SpanRangeError, match=r"0 <= start < end <= 12") as caught:
        check_range(12, start, end)
    assert caught.value.field == field


def test_whitespace_only_selection_is_refused_with_its_place():
    with pytest.raises(SpanRangeError, match=r"^line 2: the selection holds only whitespace\.$"):
        span_bounds("a \u3000\u2028 b", 1, 4, where="line 2")


def test_whitespace_is_what_str_isspace_says_for_every_character_in_the_table():
    """The same table is read by the editor's unit tests (tests/js), so the page and the
    server trim alike."""
    rows = json.loads(WHITESPACE_TABLE.read_text(encoding="utf-8"))
    assert len(rows) > 25
    for row in rows:
        char = chr(int(row["code"][2:], 16))
        assert char.isspace() is row["space"], row["code"]
        assert trim_span(f"{char}x{char}", 0, 3) == ((1, 2) if row["space"] else (0, 3))


def test_overlap_is_sharing_a_code_point():
    assert overlaps(0, 5, 4, 9) and overlaps(4, 9, 0, 5) and overlaps(0, 9, 2, 3)
    assert not overlaps(0, 5, 5, 9) and not overlaps(5, 9, 0, 5)


def test_first_overlap_looks_within_each_group_in_text_order():
    ranges = [
        ("claim", 0, 10, "a"),
        ("quote", 5, 15, "b"),  # another label: no clash with "a"
        ("claim", 30, 40, "c"),
        ("claim", 12, 35, "d"),
        ("claim", 2, 3, "e"),  # inside "a"
    ]
    assert first_overlap(ranges) == ("a", "e")
    assert first_overlap([r for r in ranges if r[3] != "e"]) == ("d", "c")
    assert first_overlap([("claim", 0, 5, "x"), ("claim", 5, 9, "y")]) is None

"""Normalisation of incoming text: NFC, LF line endings, decoding."""

import unicodedata

import pytest

from articles.spans import trim_span
from articles.text import content_hash, decode_bytes, normalize_text


def test_crlf_and_cr_become_lf():
    assert normalize_text("one\r\ntwo\rthree\n") == "one\ntwo\nthree\n"


def test_combining_marks_are_composed():
    decomposed = "Cafe\u0301 au lait"  # e + COMBINING ACUTE ACCENT
    assert normalize_text(decomposed) == "Café au lait"
    assert unicodedata.is_normalized("NFC", normalize_text(decomposed))


def test_emoji_and_zwj_sequences_are_kept():
    text = "Family 👨‍👩‍👧 and flag 🇺🇦 stay."
    assert normalize_text(text) == text


def test_same_text_in_other_forms_hashes_alike():
    assert content_hash(normalize_text("e\u0301\r\n")) == content_hash(normalize_text("é\n"))


def test_trim_span_drops_surrounding_whitespace():
    text = "  hello world \n"
    assert trim_span(text, 0, len(text)) == (2, 13)
    assert trim_span(text, 0, 2) == (2, 2)


@pytest.mark.parametrize(
    "data",
    [
        "Grüße 👋".encode(),
        b"\xef\xbb\xbf" + "Grüße 👋".encode(),
        "Grüße 👋".encode("utf-16"),  # with BOM
        b"\xfe\xff" + "Grüße 👋".encode("utf-16-be"),
    ],
)
def test_decode_bytes_accepts_utf8_and_utf16_with_bom(data):
    assert decode_bytes(data) == "Grüße 👋"


def test_decode_bytes_refuses_latin1():
    with pytest.raises(UnicodeDecodeError, match=r"^'utf-8' codec can't decode byte 0xfc"):
        decode_bytes("Grüße".encode("latin-1"))

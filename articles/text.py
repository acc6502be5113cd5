"""Text rules from the guidelines: normalisation, hashing, decoding (span rules: ``spans``).

Offsets everywhere are Unicode code points over the normalised text, which is what Python
string indexing counts, so ``text[start:end]`` is the span text.
"""

from __future__ import annotations

import hashlib
import unicodedata


def normalize_text(raw: str) -> str:
    """NFC-normalise and convert CRLF/CR line endings to LF."""
    unified = raw.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", unified)


def content_hash(text: str) -> str:
    """Hash of already normalised text; the duplicate key within a project."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class UnsupportedEncoding(UnicodeDecodeError):
    """The bytes are in an encoding we recognise and refuse; ``reason`` names it."""


_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


UTF8_BOM = b"\xef\xbb\xbf"


def looks_like_utf16(head: bytes) -> bool:
    """Whether the first bytes of a file are UTF-16/32 without a BOM (NULs between letters)."""
    return bool(head) and head.count(0) * 4 >= len(head)


def decode_bytes(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with a BOM.

    Raises UnicodeDecodeError for anything else, so that mojibake is never imported, and its
    subclass ``UnsupportedEncoding`` for encodings recognised and refused by name: UTF-32
    (whose little-endian BOM starts like UTF-16's), and UTF-16/32 without a BOM, whose ASCII
    text is also valid UTF-8 with a NUL after every letter.
    """
    if data.startswith(_UTF32_BOMS):
        raise UnsupportedEncoding("utf-32", data, 0, 4, "UTF-32")
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16")
    head = data[:1024]
    if looks_like_utf16(head):
        first = head.index(0)
        raise UnsupportedEncoding(
            "utf-16", data, first, first + 1, "UTF-16 or UTF-32 without a byte-order mark"
        )
    return data.decode("utf-8-sig")

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


def decode_bytes(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with a BOM.

    Raises UnicodeDecodeError for anything else, so that mojibake is never imported.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")

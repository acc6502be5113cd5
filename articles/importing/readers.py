"""One reader per format. Each yields ``Record``s that know where they came from.

- ``.jsonl``: one JSON object a line, the shape the JSONL export writes:
  ``{id?, title, text, meta, source_url?, author?, published_at?, language?, spans?}``.
- ``.csv``: a header row with at least ``text``; ``title``, ``id``, ``source_url``,
  ``author``, ``published_at``, ``language`` are read as such, other columns go to ``meta``.
- ``.txt``: one article; the first line is the title when more lines follow.
- ``.md``: one article; a leading ``# Heading`` is the title.
- ``.html``/``.htm``: one article; main text extracted with trafilatura.
- ``.zip``: any of the above inside (folders and hidden files skipped).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from articles.importing.records import ImportFormatError, Record
from articles.importing.web import extract_html
from articles.text import decode_bytes

SUPPORTED_EXTENSIONS = (".jsonl", ".csv", ".txt", ".md", ".html", ".htm", ".zip")
ARTICLE_FIELDS = ("id", "title", "text", "source_url", "author", "published_at", "language")


def _decode(name: str, data: bytes) -> str:
    try:
        return decode_bytes(data)
    except UnicodeDecodeError as error:
        raise ImportFormatError(
            f"{name}: not UTF-8 or UTF-16 with a byte-order mark (byte {error.start}).",
            field="file",
        ) from None


def read_upload(name: str, data: bytes, *, max_bytes: int | None = None) -> Iterator[Record]:
    """Records from one uploaded file, by extension."""
    suffix = PurePosixPath(name.lower()).suffix
    if suffix == ".zip":
        yield from _read_zip(name, data, max_bytes=max_bytes)
    elif suffix == ".jsonl":
        yield from read_jsonl(name, _decode(name, data))
    elif suffix == ".csv":
        yield from read_csv(name, _decode(name, data))
    elif suffix == ".txt":
        yield read_txt(name, _decode(name, data))
    elif suffix == ".md":
        yield read_markdown(name, _decode(name, data))
    elif suffix in (".html", ".htm"):
        yield extract_html(name, _decode(name, data))
    else:
        raise ImportFormatError(
            f"{name}: unsupported file type; use one of {', '.join(SUPPORTED_EXTENSIONS)}.",
            field="file",
        )


def _read_zip(name: str, data: bytes, *, max_bytes: int | None) -> Iterator[Record]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportFormatError(f"{name}: not a valid zip archive.", field="file") from None
    members = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and not any(
            part.startswith((".", "__MACOSX")) for part in PurePosixPath(info.filename).parts
        )
    ]
    # Checked before extracting anything, so a zip bomb is refused cheaply.
    unpacked = sum(info.file_size for info in members)
    if max_bytes is not None and unpacked > max_bytes:
        raise ImportFormatError(
            f"{name}: unpacks to {unpacked} bytes; the limit is {max_bytes} "
            "(IMPORT_MAX_UPLOAD_BYTES).",
            field="file",
        )
    for info in sorted(members, key=lambda i: i.filename):
        if PurePosixPath(info.filename.lower()).suffix not in SUPPORTED_EXTENSIONS[:-1]:
            continue
        yield from read_upload(f"{name}/{info.filename}", archive.read(info))


def read_jsonl(name: str, content: str) -> Iterator[Record]:
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise ImportFormatError(f"{where}: invalid JSON ({error.msg}).", field="file") from None
        if not isinstance(item, dict):
            raise ImportFormatError(f"{where}: expected a JSON object.", field="file")
        if "text" not in item:
            raise ImportFormatError(f"{where}: field 'text' is missing.", field="text")
        yield record_from_object(item, where=where)


def record_from_object(item: dict[str, Any], *, where: str) -> Record:
    """A record from a JSON object in the JSONL shape (missing text is left to validation)."""
    return Record(
        where=where,
        text=item.get("text"),
        title=item.get("title") or "",
        meta=item.get("meta") if item.get("meta") is not None else {},
        source_url=item.get("source_url") or "",
        author=item.get("author") or "",
        published_at=item.get("published_at"),
        language=item.get("language") or "en",
        external_id=item.get("id"),
        spans=item.get("spans"),
    )


def read_csv(name: str, content: str) -> Iterator[Record]:
    reader = csv.DictReader(io.StringIO(content, newline=""))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        raise ImportFormatError(f"{name} line 1: the header needs a 'text' column.", field="text")
    for row in reader:
        where = f"{name} line {reader.line_num}"
        if None in row:
            raise ImportFormatError(f"{where}: more cells than header columns.", field="file")
        meta = {k: v for k, v in row.items() if k not in ARTICLE_FIELDS and v not in (None, "")}
        yield Record(
            where=where,
            text=row.get("text") or "",
            title=row.get("title") or "",
            meta=meta,
            source_url=row.get("source_url") or "",
            author=row.get("author") or "",
            published_at=row.get("published_at") or None,
            language=row.get("language") or "en",
            external_id=row.get("id") or None,
        )


def read_txt(name: str, content: str) -> Record:
    lines = content.lstrip("\ufeff").strip("\r\n").replace("\r\n", "\n").split("\n")
    if len(lines) > 1 and lines[0].strip() and len(lines[0]) <= 300:
        return Record(where=name, title=lines[0].strip(), text="\n".join(lines[1:]).strip("\n"))
    return Record(where=name, title=PurePosixPath(name).stem, text=content.strip())


def read_markdown(name: str, content: str) -> Record:
    stripped = content.replace("\r\n", "\n").strip("\n")
    first, _, rest = stripped.partition("\n")
    if first.startswith("# "):
        return Record(where=name, title=first[2:].strip(), text=rest.strip("\n"))
    return Record(where=name, title=PurePosixPath(name).stem, text=stripped)

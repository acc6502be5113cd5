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

import contextlib
import csv
import io
import json
import lzma
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import IO, Any, NoReturn

from articles.importing.records import ImportFormatError, Record, UploadTooLarge
from articles.importing.web import extract_html
from articles.text import UTF8_BOM, UnsupportedEncoding, decode_bytes, looks_like_utf16

SUPPORTED_EXTENSIONS = (".jsonl", ".csv", ".txt", ".md", ".html", ".htm", ".zip")
ARTICLE_FIELDS = ("id", "title", "text", "source_url", "author", "published_at", "language")

# What reading a damaged or hostile zip member can raise: a bad CRC or header
# (BadZipFile), a corrupt stream (zlib/lzma errors, EOFError for a truncated one), an
# unsupported compression method (NotImplementedError), a size field that lies (ValueError,
# OSError), a password needed (RuntimeError; encrypted members are refused before that).
_ZIP_READ_ERRORS = (
    RuntimeError,
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    NotImplementedError,
    ValueError,
    OSError,
)
_ZIP_ENCRYPTED = 0x1  # general purpose flag bit 0


def _decode(name: str, data: bytes) -> str:
    try:
        return decode_bytes(data)
    except UnsupportedEncoding as error:
        found = f"{error.reason} is not supported"
    except UnicodeDecodeError as error:
        found = f"not UTF-8 or UTF-16 with a byte-order mark ({error.reason} at byte {error.start})"
    raise ImportFormatError(f"{name}: {found}; save the file as UTF-8.", field="file")


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


def read_stored(
    name: str,
    stored: IO[bytes],
    *,
    max_bytes: int | None = None,
    max_whole_bytes: int | None = None,
) -> Iterator[Record]:
    """Records from an upload kept in a (seekable, binary) file, read as a stream where the
    format allows: JSON Lines line by line and CSV row by row in UTF-8, also inside a zip.
    Same records and messages as ``read_upload`` of the file's bytes. What cannot be
    streamed (UTF-16, the one-article formats, and those inside a zip) is read whole, and
    refused past ``max_whole_bytes``: that is what this process then holds in memory."""
    suffix = PurePosixPath(name.lower()).suffix
    if suffix == ".zip":
        yield from _read_zip(name, stored, max_bytes=max_bytes, max_whole_bytes=max_whole_bytes)
        return
    head = stored.read(1024)
    stored.seek(0)
    if suffix in _STREAMED and _streamable(head):
        yield from _stream(name, stored, max_bytes=max_bytes)
    else:
        data = _read_whole(name, stored, _least(max_bytes, max_whole_bytes), max_whole_bytes)
        yield from read_upload(name, data, max_bytes=max_bytes)


_STREAMED = (".jsonl", ".csv")


def _streamable(head: bytes) -> bool:
    return not head.startswith(_WIDE_BOMS) and not looks_like_utf16(head)


def _least(*limits: int | None) -> int | None:
    given = [limit for limit in limits if limit is not None]
    return min(given) if given else None


def _read_whole(name: str, stream: IO[bytes], limit: int | None, max_whole: int | None) -> bytes:
    data = stream.read() if limit is None else stream.read(limit + 1)
    if max_whole is not None and len(data) > max_whole:
        raise UploadTooLarge(
            f"{name}: a file in this format or encoding is read whole, in memory, and it has "
            f"more than {max_whole} bytes (IMPORT_MAX_WHOLE_BYTES); save it as UTF-8 JSON "
            "Lines or CSV, which are read as a stream.",
            field="file",
        )
    return data


def _stream(name: str, binary: IO[bytes], *, max_bytes: int | None) -> Iterator[Record]:
    """JSON Lines or CSV (by ``name``) from a binary stream in UTF-8, record by record."""
    if PurePosixPath(name.lower()).suffix == ".jsonl":
        yield from _stream_jsonl(name, binary)
        return
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        yield from read_csv(name, text, max_bytes=max_bytes)
    except UnicodeDecodeError as error:
        raise ImportFormatError(
            f"{name}: not UTF-8 or UTF-16 with a byte-order mark ({error.reason}); "
            "save the file as UTF-8.",
            field="file",
        ) from None
    finally:
        # The caller closes the file; it may have already when a failed import lets go
        # of this generator.
        with contextlib.suppress(ValueError):
            text.detach()


_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 and UTF-32: decoded whole by decode_bytes


def _stream_jsonl(name: str, stored: IO[bytes]) -> Iterator[Record]:
    offset = 0
    for number, raw in enumerate(stored, start=1):
        start = offset
        offset += len(raw)
        if number == 1 and raw.startswith(UTF8_BOM):
            raw, start = raw[len(UTF8_BOM) :], start + len(UTF8_BOM)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ImportFormatError(
                f"{name}: not UTF-8 or UTF-16 with a byte-order mark ({error.reason} at byte "
                f"{start + error.start}); save the file as UTF-8.",
                field="file",
            ) from None
        if line.strip():
            yield _jsonl_record(f"{name} line {number}", line)


def _too_large(name: str, size: str, max_bytes: int) -> NoReturn:
    raise UploadTooLarge(
        f"{name}: unpacks to {size} bytes; the limit is {max_bytes} (IMPORT_MAX_UPLOAD_BYTES).",
        field="file",
    )


def _read_zip(
    name: str,
    data: bytes | IO[bytes],
    *,
    max_bytes: int | None,
    max_whole_bytes: int | None = None,
) -> Iterator[Record]:
    """Records of each member in name order. From a stored file (not bytes), UTF-8 JSON
    Lines and CSV members are streamed as they unpack; other members are read whole."""
    stream = not isinstance(data, bytes)
    try:
        archive = zipfile.ZipFile(data if stream else io.BytesIO(data))  # type: ignore[arg-type]
    except _ZIP_READ_ERRORS:
        raise ImportFormatError(f"{name}: not a valid zip archive.", field="file") from None
    members = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and not any(
            part.startswith((".", "__MACOSX")) for part in PurePosixPath(info.filename).parts
        )
    ]
    # The sizes the archive declares are checked before extracting anything, so a zip bomb
    # is refused cheaply; they can lie, so each member is also read with what is left of
    # the budget and no more.
    unpacked = sum(info.file_size for info in members)
    if max_bytes is not None and unpacked > max_bytes:
        _too_large(name, str(unpacked), max_bytes)
    budget = max_bytes
    for info in sorted(members, key=lambda i: i.filename):
        suffix = PurePosixPath(info.filename.lower()).suffix
        if suffix not in SUPPORTED_EXTENSIONS[:-1]:
            continue
        where = f"{name}/{info.filename}"
        if info.flag_bits & _ZIP_ENCRYPTED:
            raise ImportFormatError(
                f"{where}: the member is encrypted; zip it again without a password.",
                field="file",
            )
        if stream and suffix in _STREAMED:
            metered = _Metered(
                archive,
                info,
                where,
                budget,
                lambda: _too_large(name, f"more than {max_bytes}", max_bytes or 0),
            )
            with io.BufferedReader(metered) as member:
                if _streamable(member.peek(1024)[:1024]):
                    yield from _stream(where, member, max_bytes=budget)
                else:
                    content = _read_whole(
                        where, member, _least(budget, max_whole_bytes), max_whole_bytes
                    )
                    yield from read_upload(where, content)
            if budget is not None:
                budget -= metered.count
            continue
        content = _read_member(archive, info, where, _least(budget, max_whole_bytes))
        if max_bytes is not None and budget is not None:
            if len(content) > budget:
                _too_large(name, f"more than {max_bytes}", max_bytes)
            budget -= len(content)
        if stream:
            content = _read_whole(where, io.BytesIO(content), None, max_whole_bytes)
        yield from read_upload(where, content)


class _Metered(io.RawIOBase):
    """A zip member as a raw stream: unpacking errors in the import's words, and refused
    as soon as it unpacks to more than ``budget`` bytes (the declared size can lie)."""

    def __init__(
        self,
        archive: zipfile.ZipFile,
        info: zipfile.ZipInfo,
        where: str,
        budget: int | None,
        too_large: Callable[[], NoReturn],
    ) -> None:
        self.where, self.budget, self.too_large, self.count = where, budget, too_large, 0
        try:
            self.member: zipfile.ZipExtFile = archive.open(info)  # type: ignore[assignment]
        except _ZIP_READ_ERRORS as error:
            raise _damaged(where, error) from None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            count = self.member.readinto(buffer)
        except _ZIP_READ_ERRORS as error:
            raise _damaged(self.where, error) from None
        self.count += count
        if self.budget is not None and self.count > self.budget:
            self.too_large()
        return count

    def close(self) -> None:
        self.member.close()
        super().close()


def _damaged(where: str, error: BaseException) -> ImportFormatError:
    return ImportFormatError(
        f"{where}: the member cannot be unpacked ({error}); the archive is damaged.",
        field="file",
    )


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, budget: int | None
) -> bytes:
    """The member's bytes, at most ``budget + 1`` of them (one more tells it is too large)."""
    try:
        with archive.open(info) as member:
            return member.read(-1 if budget is None else budget + 1)
    except _ZIP_READ_ERRORS as error:
        raise _damaged(where, error) from None


def _no_constant(name: str) -> NoReturn:
    # NaN and Infinity are not JSON, and PostgreSQL's jsonb refuses them.
    raise ValueError(f"{name} is not a JSON number")


def read_jsonl(name: str, content: str) -> Iterator[Record]:
    for number, line in enumerate(content.split("\n"), start=1):
        if line.strip():
            yield _jsonl_record(f"{name} line {number}", line)


def _jsonl_record(where: str, line: str) -> Record:
    try:
        item = json.loads(line, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise ImportFormatError(f"{where}: invalid JSON ({error.msg}).", field="file") from None
    except RecursionError:
        raise ImportFormatError(f"{where}: the JSON is nested too deeply.", field="file") from None
    except ValueError as error:  # an integer too long to convert, NaN, Infinity
        raise ImportFormatError(f"{where}: invalid JSON ({error}).", field="file") from None
    if not isinstance(item, dict):
        raise ImportFormatError(f"{where}: expected a JSON object.", field="file")
    if "text" not in item:
        raise ImportFormatError(f"{where}: field 'text' is missing.", field="text")
    return record_from_object(item, where=where)


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


def read_csv(
    name: str, content: str | IO[str], *, max_bytes: int | None = None
) -> Iterator[Record]:
    """Records of a CSV text, given whole or as a stream (opened with ``newline=""``)."""
    # The csv module refuses fields over 128 KiB by default (a process-wide setting); an
    # article may be longer, and the upload limit already bounds every field.
    bound = len(content) if isinstance(content, str) else (max_bytes or 2**31 - 2)
    csv.field_size_limit(max(csv.field_size_limit(), bound + 1))
    stream = io.StringIO(content, newline="") if isinstance(content, str) else content
    # strict: a quote that is never closed is an error, not a field running to the end of
    # the file.
    reader = csv.DictReader(stream, strict=True)
    try:
        header = reader.fieldnames
    except csv.Error as error:
        raise ImportFormatError(f"{name} line 1: {_csv_problem(error)}.", field="file") from None
    if not header or "text" not in header:
        raise ImportFormatError(f"{name} line 1: the header needs a 'text' column.", field="text")
    for line, row in _csv_rows(name, reader):
        where = f"{name} line {line}"
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


def _csv_problem(error: csv.Error) -> str:
    if "unexpected end of data" in str(error):
        return "a quoted field is never closed"
    return f"malformed CSV ({error})"


def _csv_rows(name: str, reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows with the line each starts on; a malformed row is an error naming that line."""
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFormatError(
                f"{name} line {start}: {_csv_problem(error)}.", field="file"
            ) from None
        yield start, row


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

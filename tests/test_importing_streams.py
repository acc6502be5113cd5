"""Reading stored uploads as streams (issue 14: files of 1 GB import with flat memory):
JSON Lines and CSV inside a zip are unpacked as they are read, and what has to be read
whole is bounded by ``IMPORT_MAX_WHOLE_BYTES``."""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from articles.importing import read_stored, read_upload
from articles.importing.records import UploadTooLarge


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _jsonl(count: int, chars: int = 100) -> bytes:
    filler = "Residents gathered outside the hall while reporters waited. "
    body = (filler * (chars // len(filler) + 1))[:chars]
    lines = [json.dumps({"title": f"Article {i}", "text": f"{body} {i}"}) for i in range(count)]
    return ("\n".join(lines) + "\n").encode()


def test_a_zip_read_from_storage_gives_the_records_of_the_same_zip_in_memory(
    tmp_path: Path,
) -> None:
    members = {
        "a.jsonl": _jsonl(3),
        "b.csv": b"title,text,desk\nOne,First text,city\nTwo,Second text,\n",
        "c.txt": b"A title\nThe body of a plain text article.",
        "d.jsonl": "\n".join(json.dumps({"text": f"wide {i}"}) for i in range(2)).encode("utf-16"),
    }
    path = _zip(tmp_path / "batch.zip", members)
    with path.open("rb") as stored:
        streamed = list(read_stored("batch.zip", stored, max_bytes=10**6, max_whole_bytes=10**6))
    whole = list(read_upload("batch.zip", path.read_bytes(), max_bytes=10**6))
    assert streamed == whole
    assert [r.where for r in streamed] == [
        "batch.zip/a.jsonl line 1",
        "batch.zip/a.jsonl line 2",
        "batch.zip/a.jsonl line 3",
        "batch.zip/b.csv line 2",
        "batch.zip/b.csv line 3",
        "batch.zip/c.txt",
        "batch.zip/d.jsonl line 1",
        "batch.zip/d.jsonl line 2",
    ]


def test_a_large_jsonl_member_is_read_with_flat_memory(tmp_path: Path) -> None:
    """About 60 MB unpacked; reading it all allocates no more than a few lines at a time."""
    data = _jsonl(20_000, chars=3_000)
    assert len(data) > 60_000_000
    path = _zip(tmp_path / "large.zip", {"large.jsonl": data})
    del data
    count = 0
    with path.open("rb") as stored:
        tracemalloc.start()
        try:
            for _ in read_stored("large.zip", stored, max_bytes=10**9, max_whole_bytes=10**6):
                count += 1
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert count == 20_000
    assert peak < 2_000_000, f"peak {peak:,} bytes"


def test_a_zip_member_that_unpacks_past_the_upload_limit_stops_the_stream(
    tmp_path: Path,
) -> None:
    path = _zip(tmp_path / "big.zip", {"a.jsonl": _jsonl(1_000), "b.jsonl": _jsonl(1_000)})
    declared = sum(info.file_size for info in zipfile.ZipFile(path).infolist())
    with path.open("rb") as stored, pytest.raises(UploadTooLarge, match="unpacks to"):
        list(read_stored("big.zip", stored, max_bytes=declared - 1))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("one.txt", b"Title\n" + b"word " * 400),
        ("wide.jsonl", json.dumps({"text": "word " * 400}).encode("utf-16")),
    ],
)
def test_what_is_read_whole_is_refused_past_the_whole_limit(name: str, data: bytes) -> None:
    with pytest.raises(UploadTooLarge, match=r"more than 1000 bytes \(IMPORT_MAX_WHOLE_BYTES\)"):
        list(read_stored(name, io.BytesIO(data), max_bytes=10**6, max_whole_bytes=1_000))


def test_a_zip_member_read_whole_is_refused_past_the_whole_limit(tmp_path: Path) -> None:
    path = _zip(tmp_path / "pages.zip", {"long.md": b"# Long\n" + b"word " * 400})
    with path.open("rb") as stored, pytest.raises(UploadTooLarge, match="IMPORT_MAX_WHOLE_BYTES"):
        list(read_stored("pages.zip", stored, max_bytes=10**6, max_whole_bytes=1_000))

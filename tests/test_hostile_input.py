"""Hostile uploads and bodies (issue 9): each fails its import job (a body too large for the
request: a 4xx) with a message naming the file, the line and the field, nothing of it is
stored, and no import job is left running.

Each case here crashed with a 500 before (psycopg ``DataError`` on NUL, ``UnicodeEncodeError``
hashing a lone surrogate, ``RecursionError`` on deep JSON, ``csv.Error`` on a long field,
``BadZipFile``/``RuntimeError`` reading a damaged or encrypted zip member), was imported
(an unterminated CSV quote), or answered in the wrong shape (HTML 400, 400 for a zip bomb).
"""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings

from articles.errors import DomainError
from articles.models import Article, ImportJob
from articles.services import article_create, import_upload
from articles.storable import MAX_JSON_DEPTH
from tests.factories import run_imports

BODY = "The harbour board met on Friday. It may approve the plan in June."


def upload(client, project, name: str, data: bytes):
    return client.post(
        f"/api/projects/{project.pk}/imports/",
        {"file": SimpleUploadedFile(name, data)},
        format="multipart",
    )


def imported(client, project, name: str, data: bytes) -> ImportJob:
    """Upload (202: stored, not yet read), then run the job as the worker would."""
    response = upload(client, project, name, data)
    assert response.status_code == 202, response.content
    [job] = [j for j in run_imports() if j.pk == response.json()["id"]]
    return job


def jsonl_line(record: dict) -> bytes:
    # ensure_ascii keeps NUL and lone surrogates as \u escapes, as a hostile client sends them.
    return (json.dumps(record) + "\n").encode()


def nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"k": value}
    return value


def zipped(name: str, content: str, *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def central_patched(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    """The zip with one field of its (single) central directory entry overwritten."""
    patched = bytearray(data)
    struct.pack_into(fmt, patched, patched.index(b"PK\x01\x02") + offset, value)
    return bytes(patched)


# Offsets in a central directory entry (APPNOTE 4.3.12).
FLAGS, CRC, COMPRESSED_SIZE, SIZE = 8, 16, 20, 24
MEMBER = zipped("a.txt", "Title\n" + "A sentence about the harbour. " * 200)

BAD_FILES = [
    pytest.param(
        "b.jsonl",
        jsonl_line({"text": BODY}) + jsonl_line({"text": "Null \u0000 inside."}),
        "text",
        r"^b\.jsonl line 2: field 'text' contains a NUL character \(at character 6\)",
        id="jsonl-nul-text",
    ),
    pytest.param(
        "b.jsonl",
        jsonl_line({"text": BODY, "title": "T\u0000"}),
        "title",
        r"^b\.jsonl line 1: field 'title' contains a NUL character",
        id="jsonl-nul-title",
    ),
    pytest.param(
        "b.jsonl",
        jsonl_line({"text": "Half a pair: \ud83d."}),
        "text",
        r"^b\.jsonl line 1: field 'text' contains a lone surrogate",
        id="jsonl-lone-surrogate",
    ),
    pytest.param(
        "b.jsonl",
        jsonl_line({"text": BODY, "meta": {"ke\udc00y": 1}}),
        "meta",
        r"^b\.jsonl line 1: field 'meta' has a key that contains a lone surrogate",
        id="jsonl-surrogate-meta-key",
    ),
    pytest.param(
        "b.jsonl",
        b'{"text": "x", "meta": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
        "file",
        r"^b\.jsonl line 1: the JSON is nested too deeply",
        id="jsonl-deeper-than-the-decoder",
    ),
    pytest.param(
        "b.jsonl",
        jsonl_line({"text": BODY, "meta": nested(MAX_JSON_DEPTH + 5)}),
        "meta",
        rf"^b\.jsonl line 1: field 'meta' is nested more than {MAX_JSON_DEPTH} levels deep",
        id="jsonl-deep-meta",
    ),
    pytest.param(
        "b.jsonl",
        b'{"text": "x", "meta": {"n": NaN}}\n',
        "file",
        r"^b\.jsonl line 1: invalid JSON \(NaN is not a JSON number\)",
        id="jsonl-nan",
    ),
    pytest.param(
        "b.jsonl",
        b'{"text": "x", "meta": {"n": ' + b"9" * 5000 + b"}}\n",
        "file",
        r"^b\.jsonl line 1: invalid JSON \(Exceeds the limit",
        id="jsonl-integer-too-long",
    ),
    pytest.param(
        "b.csv",
        b"title,text\nOne," + BODY.encode() + b"\nTwo,Null \x00 inside.\n",
        "text",
        r"^b\.csv line 3: field 'text' contains a NUL character",
        id="csv-nul",
    ),
    pytest.param(
        "b.csv",
        b'title,text\nOne,"An opening quote that never closes.\nMore text.\n',
        "file",
        r"^b\.csv line 2: a quoted field is never closed\.$",
        id="csv-unterminated-quote",
    ),
    pytest.param(
        "b.csv",
        b'title,text\nOne,"quoted" then more\n',
        "file",
        r"^b\.csv line 2: malformed CSV",
        id="csv-text-after-closing-quote",
    ),
    pytest.param(
        "note.txt",
        b"A title\nFirst line.\nSecond \x00 line.\n",
        "text",
        r"^note\.txt: field 'text' contains a NUL character \(at line 2, column 8 of the value\)",
        id="txt-nul",
    ),
    pytest.param(
        "note.txt",
        b"A title\nAn encoded surrogate: \xed\xa0\x80.\n",
        "file",
        r"^note\.txt: not UTF-8 or UTF-16 with a byte-order mark \(invalid continuation byte",
        id="txt-utf8-encoded-surrogate",
    ),
    pytest.param(
        "post.md",
        b"# Heading\n\nBody \x00 here.\n",
        "text",
        r"^post\.md: field 'text' contains a NUL character",
        id="md-nul",
    ),
    pytest.param(
        "note.txt",
        "A title\nPlain ASCII text in UTF-16.".encode("utf-16-le"),
        "file",
        r"^note\.txt: UTF-16 or UTF-32 without a byte-order mark is not supported; save the "
        r"file as UTF-8\.$",
        id="utf16-without-bom",
    ),
    pytest.param(
        "note.txt",
        "A title\nText in UTF-32.".encode("utf-32"),
        "file",
        r"^note\.txt: UTF-32 is not supported",
        id="utf32-with-bom",
    ),
    pytest.param(
        "note.txt",
        "A title\nText in UTF-32.".encode("utf-32-be"),
        "file",
        r"^note\.txt: UTF-16 or UTF-32 without a byte-order mark is not supported",
        id="utf32-without-bom",
    ),
    pytest.param(
        "batch.zip",
        central_patched(MEMBER, SIZE, "<I", 5),
        "file",
        r"^batch\.zip/a\.txt: the member cannot be unpacked \(Bad CRC-32",
        id="zip-size-faked-small",
    ),
    pytest.param(
        "batch.zip",
        central_patched(MEMBER, COMPRESSED_SIZE, "<I", 10),
        "file",
        r"^batch\.zip/a\.txt: the member cannot be unpacked",
        id="zip-compressed-size-faked",
    ),
    pytest.param(
        "batch.zip",
        central_patched(MEMBER, CRC, "<I", 0xDEADBEEF),
        "file",
        r"^batch\.zip/a\.txt: the member cannot be unpacked \(Bad CRC-32",
        id="zip-bad-crc",
    ),
    pytest.param(
        "batch.zip",
        central_patched(MEMBER, FLAGS, "<H", 0x1),
        "file",
        r"^batch\.zip/a\.txt: the member is encrypted",
        id="zip-encrypted-member",
    ),
    pytest.param(
        "batch.zip",
        zipped("inner/b.jsonl", '{"text": "Zipped \\u0000 line."}\n'),
        "text",
        r"^batch\.zip/inner/b\.jsonl line 1: field 'text' contains a NUL character",
        id="zip-member-with-nul",
    ),
]


@pytest.mark.parametrize(("name", "data", "field", "message"), BAD_FILES)
def test_bad_upload_fails_its_job_naming_file_line_and_field(
    client_for, owner, project, name, data, field, message
):
    job = imported(client_for(owner), project, name, data)
    assert (job.state, job.error_field) == ("failed", field)
    assert re.search(message, job.error), job.error
    assert not Article.objects.filter(project=project).exists()


def test_no_job_is_left_running_after_any_bad_upload(client_for, owner, project):
    client = client_for(owner)
    for case in BAD_FILES:
        name, data, _field, _message = case.values
        imported(client, project, name, data)
    states = set(ImportJob.objects.filter(project=project).values_list("state", flat=True))
    assert states == {"failed"}
    assert ImportJob.objects.filter(project=project).count() == len(BAD_FILES)


def test_csv_field_longer_than_the_csv_module_default_is_imported(client_for, owner, project):
    long_text = ("A sentence of a long column about the harbour. " * 4000).strip()
    assert len(long_text) > 131_072
    data = ("title,text\nLong," + long_text + "\n").encode()
    assert imported(client_for(owner), project, "long.csv", data).state == "done"
    assert Article.objects.get(project=project).text == long_text


def test_csv_field_over_the_article_limit_names_line_and_field(client_for, owner, project):
    data = ("title,text\nShort,A short text.\nLong," + "x" * 300 + "\n").encode()
    with override_settings(IMPORT_MAX_ARTICLE_CHARS=200):
        job = imported(client_for(owner), project, "long.csv", data)
    assert (job.error_field, job.error_line, job.error) == (
        "text",
        3,
        "long.csv line 3: field 'text' has 300 characters; the limit is 200 "
        "(IMPORT_MAX_ARTICLE_CHARS).",
    )


def test_zip_bomb_fails_before_anything_is_unpacked(client_for, owner, project):
    bomb = zipped("big.txt", "Title\n" + "a" * 2_000_000)
    assert len(bomb) < 10_000  # it compresses a thousandfold
    with override_settings(IMPORT_MAX_UPLOAD_BYTES=100_000):
        job = imported(client_for(owner), project, "bomb.zip", bomb)
    assert (job.state, job.error_field, job.error) == (
        "failed",
        "file",
        "bomb.zip: unpacks to 2000006 bytes; the limit is 100000 (IMPORT_MAX_UPLOAD_BYTES).",
    )


def test_zip_whose_sizes_lie_is_stopped_at_the_limit(client_for, owner, project):
    # The directory claims a few bytes; the stream holds two megabytes. Reading stops at the
    # declared size (and the CRC no longer matches): never more than the limit is inflated.
    bomb = central_patched(zipped("big.txt", "Title\n" + "a" * 2_000_000), SIZE, "<I", 50)
    with override_settings(IMPORT_MAX_UPLOAD_BYTES=100_000):
        job = imported(client_for(owner), project, "bomb.zip", bomb)
    assert "bomb.zip/big.txt: the member cannot be unpacked" in job.error


def test_body_over_the_limit_is_a_json_413_without_a_job(client_for, owner, project):
    with override_settings(IMPORT_MAX_UPLOAD_BYTES=1_000):
        response = upload(client_for(owner), project, "big.txt", b"Title\n" + b"x" * 80_000)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    [message] = response.json()["body"]
    assert message.startswith("The request body has ")
    assert "the limit is 66536 bytes (IMPORT_MAX_UPLOAD_BYTES plus 65536" in message
    assert not ImportJob.objects.exists()


def test_json_body_over_the_limit_is_413(client_for, owner, project):
    url = f"/api/projects/{project.pk}/articles/"
    client = client_for(owner)
    with override_settings(IMPORT_MAX_UPLOAD_BYTES=100):
        # Every body shares one limit (the upload limit and the multipart allowance).
        assert client.post(url, {"text": "A modest text. " * 300}).status_code == 201
        response = client.post(url, {"text": "y" * 70_000})
    assert response.status_code == 413
    assert list(response.json()) == ["body"]


def test_deeply_nested_json_body_is_400(client_for, owner, project):
    body = '{"text": "A text.", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client_for(owner).post(
        f"/api/projects/{project.pk}/articles/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": ["JSON parse error - nested too deeply."]}


def test_nested_meta_within_the_decoder_is_400_on_its_field(client_for, owner, project):
    body = {"text": "A text.", "meta": nested(MAX_JSON_DEPTH + 1)}
    response = client_for(owner).post(f"/api/projects/{project.pk}/articles/", body)
    assert response.status_code == 400
    assert response.json() == {
        "meta": [f"The value is nested more than {MAX_JSON_DEPTH} levels deep."]
    }
    assert not ImportJob.objects.exists()


def test_upload_name_with_unstorable_characters_is_stored_safely(owner, project):
    # Django's multipart parser already drops NUL from file names; other callers
    # (the command line, a zip's own name) come through the service.
    job = import_upload(
        project=project, name="we\x00ird\udc00.txt", data=b"Title\nA body.\n", actor=owner
    )
    assert (job.state, job.source) == ("done", "we\ufffdird\ufffd.txt")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "Null \x00 inside."}, r"^The article text contains a NUL character"),
        ({"text": "Fine.", "title": "Half \udc00"}, r"^The title contains a lone surrogate"),
        ({"text": "Fine.", "author": "A\x00B"}, r"^The author contains a NUL character"),
    ],
)
def test_article_create_refuses_unstorable_text(project, fields, message):
    with pytest.raises(DomainError, match=message):
        article_create(project=project, **fields)
    assert not Article.objects.filter(project=project).exists()

"""Readers: JSONL, CSV, TXT, MD, HTML and ZIP files, encodings, and pages fetched by URL."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from articles.importing import ImportFormatError, fetch_article, read_upload
from tests.httpserver import serve

PAGE = """<html><head><title>Harbour plans</title></head><body>
<nav>Home | News | Sport</nav>
<article><h1>Harbour plans</h1>
<p>The city council approved a new harbour plan on Tuesday after a long debate.</p>
<p>"We will start building in May," said the mayor, Lena Ortiz, after the vote.</p>
<p>Critics say the plan could cost twice as much as the council expects.</p>
</article>
<footer>Copyright 2024 Example News</footer></body></html>"""


def test_jsonl_records_keep_fields_and_spans():
    line = {"id": 7, "title": "T", "text": "Body text.", "meta": {"a": 1}, "spans": []}
    [record] = list(read_upload("x.jsonl", (json.dumps(line) + "\n\n").encode()))
    assert (record.title, record.text, record.meta, record.external_id) == (
        "T",
        "Body text.",
        {"a": 1},
        7,
    )
    assert record.where == "x.jsonl line 1"


def test_jsonl_bad_line_names_the_line():
    data = b'{"text": "ok"}\n{"text": "broken"\n'
    with pytest.raises(ImportFormatError, match=r"x\.jsonl line 2: invalid JSON"):
        list(read_upload("x.jsonl", data))


def test_jsonl_missing_text_names_field():
    with pytest.raises(ImportFormatError, match="line 1: field 'text' is missing") as caught:
        list(read_upload("x.jsonl", b'{"title": "no body"}\n'))
    assert caught.value.field == "text"


def test_csv_extra_columns_go_to_meta():
    data = 'title,text,section\nOne,First body.,news\nTwo,"Second, quoted body.",opinion\n'
    records = list(read_upload("a.csv", data.encode()))
    assert [r.text for r in records] == ["First body.", "Second, quoted body."]
    assert records[1].meta == {"section": "opinion"}
    assert records[1].where == "a.csv line 3"


def test_csv_without_text_column_is_refused():
    with pytest.raises(ImportFormatError, match="'text' column"):
        list(read_upload("a.csv", b"title,body\nx,y\n"))


@pytest.mark.parametrize(
    "encoded",
    [
        "Title line\nCafé body — with “marks”.".encode(),
        "\ufeffTitle line\nCafé body — with “marks”.".encode(),
        "\ufeffTitle line\nCafé body — with “marks”.".encode("utf-16-le"),
        "\ufeffTitle line\nCafé body — with “marks”.".encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom"],
)
def test_txt_encodings(encoded):
    [record] = list(read_upload("note.txt", encoded))
    assert record.title == "Title line"
    assert record.text == "Café body — with “marks”."


def test_latin1_is_refused_not_guessed():
    with pytest.raises(ImportFormatError, match="not UTF-8"):
        list(read_upload("note.txt", "Caf\u00e9 body".encode("latin-1")))


def test_markdown_heading_is_the_title():
    [record] = list(read_upload("post.md", b"# A heading\n\nParagraph one.\n"))
    assert (record.title, record.text) == ("A heading", "Paragraph one.")


def test_html_main_text_is_extracted():
    [record] = list(read_upload("page.html", PAGE.encode()))
    assert "approved a new harbour plan" in record.text
    assert "Home | News" not in record.text
    assert record.title == "Harbour plans"


def test_zip_of_files_skips_hidden_and_unknown():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "First\nBody one.")
        archive.writestr("nested/b.md", "# Second\nBody two.")
        archive.writestr("__MACOSX/._a.txt", "junk")
        archive.writestr("image.png", b"\x89PNG")
    records = list(read_upload("batch.zip", buffer.getvalue()))
    assert [r.title for r in records] == ["First", "Second"]
    assert records[1].where == "batch.zip/nested/b.md"


def test_zip_that_unpacks_too_large_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", "a" * 100_000)
    with pytest.raises(ImportFormatError, match="unpacks to 100000 bytes"):
        list(read_upload("bomb.zip", buffer.getvalue(), max_bytes=10_000))


def test_unknown_extension():
    with pytest.raises(ImportFormatError, match="unsupported file type"):
        list(read_upload("x.pdf", b"%PDF"))


@pytest.fixture
def page_server():
    def respond(method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
        if path == "/missing":
            return 404, "text/plain", b"Not found"
        return 200, "text/html; charset=utf-8", PAGE.encode()

    with serve(respond) as url:
        yield url


def test_fetch_article_from_local_page(page_server):
    record = fetch_article(page_server + "/harbour")
    assert "We will start building in May" in record.text
    assert record.source_url == page_server + "/harbour"
    assert record.title == "Harbour plans"


def test_fetch_reports_http_errors(page_server):
    with pytest.raises(ImportFormatError, match="answered 404") as caught:
        fetch_article(page_server + "/missing")
    assert caught.value.field == "url"


def test_fetch_refuses_other_schemes():
    with pytest.raises(ImportFormatError, match="Only http"):
        fetch_article("file:///etc/passwd")

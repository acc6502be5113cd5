"""Readers: JSONL, CSV, TXT, MD, HTML and ZIP files, encodings, and pages fetched by URL
(public addresses only)."""

from __future__ import annotations

import io
import ipaddress
import json
import socket
import time
import zipfile
from urllib.parse import quote, unquote

import pytest

from articles.importing import ImportFormatError, fetch_article, read_upload
from articles.importing.fetching import address_is_public
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
def page_server(settings):
    """A local page server (its address allowed, as IMPORT_URL_ALLOWED_HOSTS allows it) that
    records the paths it was asked for."""
    settings.IMPORT_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    asked: list[str] = []

    def respond(method: str, path: str, body: bytes):
        asked.append(path)
        if path == "/missing":
            return 404, "text/plain", b"Not found"
        if path.startswith("/go/"):  # /go/<url-encoded target>
            return 302, "text/plain", b"", {"Location": unquote(path[4:])}
        if path == "/loop":
            return 302, "text/plain", b"", {"Location": "/loop"}
        if path == "/big":
            return 200, "text/html", b"<p>" + b"x" * 5000 + b"</p>"
        return 200, "text/html; charset=utf-8", PAGE.encode()

    with serve(respond) as url:
        yield url, asked


def test_fetch_article_from_local_page(page_server):
    base, _ = page_server
    record = fetch_article(base + "/harbour")
    assert "We will start building in May" in record.text
    assert record.source_url == base + "/harbour"
    assert record.title == "Harbour plans"


def test_fetch_reports_http_errors_of_an_allowed_server(page_server):
    base, _ = page_server
    with pytest.raises(ImportFormatError, match="answered 404") as caught:
        fetch_article(base + "/missing")
    assert caught.value.field == "url"


def test_fetch_refuses_other_schemes():
    with pytest.raises(ImportFormatError, match="Only http"):
        fetch_article("file:///etc/passwd")


def test_fetch_refuses_credentials_in_the_url():
    with pytest.raises(ImportFormatError, match="user name or password"):
        fetch_article("http://admin:secret@127.0.0.1/")


def refusal(url: str) -> str:
    with pytest.raises(ImportFormatError) as caught:
        fetch_article(url)
    assert caught.value.field == "url"
    return caught.value.message.replace(url, "URL")


def test_loopback_is_refused_without_being_asked(page_server, settings):
    base, asked = page_server
    settings.IMPORT_URL_ALLOWED_HOSTS = []
    assert refusal(base + "/harbour") == (
        "URL: the page could not be fetched. Only pages on public addresses are imported; "
        "check the URL."
    )
    assert asked == []  # refused before connecting


@pytest.mark.parametrize(
    "host",
    ["localhost", "127.0.0.2", "[::1]", "[::ffff:127.0.0.1]", "0.0.0.0", "2130706433"],
    ids=["name", "other-loopback", "ipv6", "ipv4-mapped", "unspecified", "decimal"],
)
def test_every_spelling_of_this_machine_is_refused(page_server, host):
    base, asked = page_server
    port = base.rsplit(":", 1)[1]
    refusal(f"http://{host}:{port}/harbour")
    assert asked == []


def test_one_message_for_open_closed_and_refused_ports(page_server, settings):
    """The answer must not tell an attacker whether something listens there."""
    base, _ = page_server
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings.IMPORT_URL_ALLOWED_HOSTS = []
    messages = {
        refusal(base + "/harbour"),  # open, but not public
        refusal(f"http://127.0.0.1:{closed}/"),  # closed, not public
        refusal("http://bad..name/"),  # cannot resolve (refused locally, no DNS query)
    }
    settings.IMPORT_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    messages.add(refusal(f"http://127.0.0.1:{closed}/"))  # allowed, closed
    assert len(messages) == 1


def test_redirects_are_followed_and_checked_at_every_hop(page_server):
    base, asked = page_server
    port = base.rsplit(":", 1)[1]
    followed = fetch_article(base + "/go/" + quote("/harbour", safe=""))
    assert followed.title == "Harbour plans"
    assert asked == ["/go/%2Fharbour", "/harbour"]
    asked.clear()
    for target in (f"http://localhost:{port}/secret", f"http://[::1]:{port}/secret"):
        refusal(base + "/go/" + quote(target, safe=""))
    # Each redirect was asked for; where they pointed never was.
    assert [unquote(path) for path in asked] == [
        f"/go/http://localhost:{port}/secret",
        f"/go/http://[::1]:{port}/secret",
    ]


def test_redirect_loops_stop(page_server):
    base, asked = page_server
    refusal(base + "/loop")
    assert len(asked) == 6  # the first request and five redirects


def test_the_connection_goes_to_the_address_that_was_checked(page_server, settings, monkeypatch):
    """DNS rebinding: the name is resolved once, checked, and the connection is made to that
    address, never by resolving the name again."""
    base, _ = page_server
    port = base.rsplit(":", 1)[1]
    settings.IMPORT_URL_ALLOWED_HOSTS = ["localhost"]
    looked_up: list[str] = []
    real = socket.getaddrinfo

    def spy(host, *args, **kwargs):
        looked_up.append(host)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", spy)
    record = fetch_article(f"http://localhost:{port}/harbour")
    assert record.title == "Harbour plans"
    assert looked_up.count("localhost") == 1
    assert all(host == "localhost" or ipaddress.ip_address(host) for host in looked_up)


def test_page_over_the_limit_is_refused(page_server, settings):
    base, _ = page_server
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ImportFormatError, match="larger than 1000 bytes"):
        fetch_article(base + "/big")


def test_a_server_that_never_answers_times_out(settings):
    settings.IMPORT_URL_ALLOWED_HOSTS = ["127.0.0.1"]

    def slow(method: str, path: str, body: bytes):
        time.sleep(3)
        return 200, "text/html", PAGE.encode()

    with serve(slow) as base:
        started = time.monotonic()
        with pytest.raises(ImportFormatError, match="could not be fetched"):
            fetch_article(base + "/", timeout=0.5)
        assert time.monotonic() - started < 2.5


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",
        "64:ff9b::a00:1",
        "2001:db8::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    ],
)
def test_non_public_addresses(address):
    assert not address_is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "93.184.216.34", "2606:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses(address):
    assert address_is_public(ipaddress.ip_address(address))

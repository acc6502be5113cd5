"""Export writers and the export endpoint: each format read back, filters, roles, streaming."""

import csv
import io
import json
import re

import pytest
from rest_framework.test import APIClient

from articles.exports import WRITERS, tokenize
from articles.exports.claimreview import ClaimReviewWriter
from articles.exports.conll import ConllWriter
from articles.exports.jsonl import JsonlWriter
from articles.exports.spacy import HAS_SPACY, SpacyDocBinWriter, SpacyJsonlWriter
from articles.exports.tabular import CsvWriter
from articles.exports.webanno import WebAnnoWriter
from articles.models import Span
from articles.services import review_set_state
from tests.factories import (
    make_article,
    make_decision,
    make_human_span,
    make_suggestion,
)

TEXT = (
    "Officials said the bridge opened in 2019. It may close next year.\n"
    '"We are ready," said Ana Lima. Prices rose 5% 👨‍👩‍👧 élan.'
)


@pytest.fixture
def dataset(project, owner, teammate):
    """Two articles: accepted, rejected, edited and human spans from two annotators."""
    first = make_article(project, TEXT, title="Bridge")
    second = make_article(project, "The mayor may resign. Nobody knows.", title="Mayor")
    claim = make_suggestion(first, "claim", 0, 40)
    quote = make_suggestion(
        first, "quote", TEXT.index("We"), TEXT.index(',"'), attrs={"speaker": "Ana Lima"}
    )
    spec = make_suggestion(first, "speculation", 42, 65)
    make_decision(claim, teammate)
    make_decision(quote, teammate)
    make_decision(spec, teammate, "reject")
    # Overlaps the claim with another label, and the same claim from a second annotator.
    make_human_span(first, owner, "speculation", 15, 40)
    make_decision(claim, owner)
    make_human_span(second, teammate, "speculation", 0, 21)
    # A span off token boundaries ("ear" inside "year").
    make_human_span(first, owner, "claim", TEXT.index("ear."), TEXT.index("ear.") + 3)
    return first, second


def export(client, project, query):
    response = client.get(f"/api/projects/{project.pk}/export/?{query}")
    assert response.status_code == 200, response.content
    assert response.streaming
    return response, b"".join(response.streaming_content).decode("utf-8")


def test_each_format_has_its_own_file_extension():
    """Both spaCy writers included: without spaCy, its JSONL must not pass for our JSONL."""
    writers = [
        JsonlWriter,
        ConllWriter,
        SpacyDocBinWriter,
        SpacyJsonlWriter,
        WebAnnoWriter,
        CsvWriter,
        ClaimReviewWriter,
    ]
    assert [w.extension for w in writers] == [
        "jsonl",
        "conll",
        "spacy",
        "spacy.jsonl",
        "jsonld",
        "csv",
        "claimreview.jsonld",
    ]


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_download_name_ends_with_the_format_extension(fmt, client_for, viewer, project, dataset):
    response = client_for(viewer).get(f"/api/projects/{project.pk}/export/?format={fmt}")
    assert response.status_code == 200
    extension = re.escape(WRITERS[fmt].extension)
    assert re.fullmatch(
        rf'attachment; filename="project-{project.pk}-\d{{8}}T\d{{6}}Z\.{extension}"',
        response["Content-Disposition"],
    )


def test_jsonl_round_trip(client_for, viewer, project, dataset):
    first, second = dataset
    response, body = export(client_for(viewer), project, "format=jsonl")
    assert response["Content-Type"].startswith("application/jsonl")
    assert 'attachment; filename="project-' in response["Content-Disposition"]
    records = [json.loads(line) for line in body.splitlines()]
    assert [r["id"] for r in records] == [first.pk, second.pk]
    assert records[0]["text"] == first.text and records[0]["title"] == "Bridge"
    expected = {
        (s.pk, s.start, s.end, s.label.name, s.text, s.annotator.username)
        for s in Span.objects.filter(status="accepted", article__project=project)
    }
    got = {
        (s["id"], s["start"], s["end"], s["label"], s["text"], s["annotator"])
        for r in records
        for s in r["spans"]
    }
    assert got == expected
    for record in records:
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["text"]
            assert set(span) == {
                "id",
                "start",
                "end",
                "label",
                "text",
                "attrs",
                "origin",
                "status",
                "annotator",
                "confidence",
                "updated_at",
            }


def test_registry_lists_every_format():
    assert set(WRITERS) == {"jsonl", "conll", "spacy", "webanno", "csv", "claimreview"}


def test_tokenizer_splits_words_and_punctuation():
    text = "Don't stop, 5%!\nNext"
    starts, ends, breaks = tokenize(text)
    assert [text[s:e] for s, e in zip(starts, ends, strict=True)] == [
        "Don",
        "'",
        "t",
        "stop",
        ",",
        "5",
        "%",
        "!",
        "Next",
    ]
    assert breaks == [0, 8]


def test_filters(client_for, owner, project, dataset):
    _, second = dataset
    client = client_for(owner)

    def spans(query):
        _, body = export(client, project, "format=jsonl&" + query)
        return [
            (r["id"], s["label"], s["status"], s["annotator"])
            for r in map(json.loads, body.splitlines())
            for s in r["spans"]
        ]

    assert {status for *_, status, _ in spans("include_rejected=1")} == {"accepted", "rejected"}
    assert {status for *_, status, _ in spans("status=rejected")} == {"rejected"}
    assert {lab for _, lab, *_ in spans("labels=quote")} == {"quote"}
    assert {who for *_, who in spans("annotator=owner")} == {"owner"}
    _, body = export(client, project, f"format=jsonl&ids={second.pk}")
    assert [json.loads(line)["id"] for line in body.splitlines()] == [second.pk]
    _, body = export(client, project, "format=jsonl&updated_since=2999-01-01T00:00:00Z")
    assert body == ""
    bad = client.get(f"/api/projects/{project.pk}/export/?format=xml&status=maybe&ids=a")
    assert bad.status_code == 400 and {"format", "status", "ids"} <= set(bad.json())


def test_permissions_per_role(client_for, owner, teammate, viewer, outsider, project, dataset):
    url = f"/api/projects/{project.pk}/export/?format=csv"
    for user in (owner, teammate, viewer):
        assert client_for(user).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 404
    anonymous = APIClient().get(url)
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Token"


def test_conll_reads_back_with_overlapping_labels(client_for, owner, project, dataset):
    first, _ = dataset
    _, body = export(client_for(owner), project, f"format=conll&annotator=owner&ids={first.pk}")
    header, *lines = body.split("\n")
    columns = header.removeprefix("# columns = ").split()
    assert columns == ["TOKEN", "claim", "quote", "speculation"]
    assert lines[:2] == [f"-DOCSTART- {first.pk}", f"# doc_id = {first.pk}"]
    rows = [line.split("\t") for line in lines[2:] if line]
    # One blank line per line of text: the paragraph break survives.
    assert lines[2:].count("") == first.text.count("\n") + 2
    starts, ends, _ = tokenize(first.text)
    assert [row[0] for row in rows] == [first.text[s:e] for s, e in zip(starts, ends, strict=True)]
    found = set()
    for position, name in enumerate(columns[1:], start=1):
        current = None
        for index, row in enumerate([*rows, ["", "O", "O", "O"]]):
            tag = row[position]
            if tag.startswith("B-") or tag == "O":
                if current:
                    found.add((name, current[0], current[1]))
                current = [starts[index], ends[index]] if tag.startswith("B-") else None
            else:
                assert tag == f"I-{name}" and current is not None
                current[1] = ends[index]
    year = TEXT.index("year")
    assert found == {
        ("claim", 0, 40),
        ("speculation", 15, 40),
        ("claim", year, year + 4),  # "ear" widened to its token
    }


def test_conll_counts_same_label_overlaps():
    from articles.exports.conll import ConllWriter

    writer = ConllWriter(labels=["claim"])
    spans = [
        {"start": 0, "end": 9, "label": "claim"},
        {"start": 4, "end": 15, "label": "claim"},
    ]
    rows = [{"id": 1, "title": "", "text": "Tax rises hurt.\nYes", "meta": {}, "spans": spans}]
    body = b"".join(writer.chunks(rows)).decode()
    assert "Tax\tB-claim\nrises\tI-claim\nhurt\tB-claim\n.\tI-claim\n\nYes\tO\n" in body
    assert writer.stats["overlaps"] == 1


def test_spacy_reports_misaligned(client_for, owner, project, dataset):
    first, _ = dataset
    url = f"/api/projects/{project.pk}/export/?format=spacy&annotator=owner&ids={first.pk}"
    response = client_for(owner).get(url)
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    start = TEXT.index("ear.")
    if HAS_SPACY:  # the DocBin form
        import spacy
        from spacy.tokens import DocBin

        assert response["Content-Type"] == "application/octet-stream"
        (doc,) = DocBin().from_bytes(data).get_docs(spacy.blank("en").vocab)
        found = [(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]]
        assert (0, 40, "claim") in found and (15, 40, "speculation") in found
        assert [list(item) for item in doc.user_data["misaligned"]] == [[start, start + 3, "claim"]]
        return
    (record,) = [json.loads(line) for line in data.decode().splitlines()]
    assert [0, 40, "claim"] in record["spans"] and [15, 40, "speculation"] in record["spans"]
    assert record["misaligned"] == [[start, start + 3, "claim"]]
    starts, ends, _ = tokenize(record["text"])
    for s, e, _label in record["spans"]:
        assert s in starts and e in ends


def test_spacy_jsonl_writer_counts_misaligned():
    writer = SpacyJsonlWriter(labels=["claim"])
    rows = [
        {
            "id": 1,
            "title": "",
            "text": "Tax rises.",
            "meta": {},
            "spans": [
                {"start": 0, "end": 2, "label": "claim"},
                {"start": 0, "end": 9, "label": "claim"},
            ],
        }
    ]
    out = b"".join(writer.chunks(rows)).decode()
    assert json.loads(out)["misaligned"] == [[0, 2, "claim"]]
    assert writer.stats["misaligned"] == 1


def test_webanno_structure(client_for, owner, project, dataset):
    first, second = dataset
    response, body = export(client_for(owner), project, "format=webanno&include_rejected=1")
    assert response["Content-Type"].startswith("application/ld+json")
    document = json.loads(body)
    assert document["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert document["type"] == "AnnotationCollection"
    items = document["first"]["items"]
    assert document["first"]["type"] == "AnnotationPage"
    assert len(items) == Span.objects.filter(status__in=["accepted", "rejected"]).count()
    texts = {first.pk: first.text, second.pk: second.text}
    for item in items:
        assert item["type"] == "Annotation" and item["motivation"] == "tagging"
        assert {b["purpose"] for b in item["body"]} >= {"tagging", "assessing"}
        position, quote = item["target"]["selector"]
        assert position["type"] == "TextPositionSelector"
        assert quote["type"] == "TextQuoteSelector"
        article_id = int(item["target"]["source"].rstrip("/").rsplit("/", 1)[1])
        text = texts[article_id]
        assert text[position["start"] : position["end"]] == quote["exact"]
        assert text[: position["start"]].endswith(quote["prefix"])
        assert text[position["end"] :].startswith(quote["suffix"])
    assert any(b["value"] == "rejected" for item in items for b in item["body"])
    # Targets and ids are the API's own URLs: the source resolves to the article.
    source = client_for(owner).get(items[0]["target"]["source"])
    assert source.status_code == 200 and source.json()["text"] == first.text
    assert client_for(owner).get(items[0]["id"]).status_code == 200


def test_csv_one_span_a_row(client_for, owner, project, dataset):
    response, body = export(client_for(owner), project, "format=csv")
    assert response["Content-Type"].startswith("text/csv")
    everything = list(csv.DictReader(io.StringIO(body)))
    rows = [row for row in everything if row["span_id"]]  # the article rows carry reviews
    assert len(rows) == Span.objects.filter(status="accepted").count()
    assert len(everything) - len(rows) == len(dataset)  # one article row per article
    quote = next(row for row in rows if row["label"] == "quote")
    assert json.loads(quote["attrs"]) == {"speaker": "Ana Lima"}
    assert quote["text"] == "We are ready"


@pytest.mark.parametrize("fmt", ["jsonl", "conll", "csv", "webanno"])
def test_query_count_does_not_grow_with_articles(
    fmt, client_for, owner, project, django_assert_max_num_queries
):
    client = client_for(owner)

    def run(count):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for n in range(project.articles.count(), count):
            article = make_article(project, f"Article {n} says the tax may rise soon.")
            make_suggestion(article, "claim", 0, 10)
            review_set_state(article=article, actor=owner, state="done")
        with CaptureQueriesContext(connection) as captured:
            export(client, project, f"format={fmt}&status=suggested")
        return len(captured)

    small = run(10)
    with django_assert_max_num_queries(small):
        export(client, project, f"format={fmt}&status=suggested")
    assert run(100) == small


def test_spacy_docbin_reads_back_where_spacy_is_installed():
    spacy_module = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    from articles.exports.spacy import SpacyDocBinWriter

    text = "Taxes may rise. Ana Lima said so."
    spans = [
        {"start": 0, "end": 15, "label": "speculation"},
        {"start": 16, "end": 24, "label": "claim"},
        {"start": 1, "end": 4, "label": "claim"},  # inside "Taxes": off token boundaries
    ]
    writer = SpacyDocBinWriter(labels=["claim", "speculation"])
    data = b"".join(
        writer.chunks([{"id": 9, "title": "", "text": text, "meta": {}, "spans": spans}])
    )
    (doc,) = DocBin().from_bytes(data).get_docs(spacy_module.blank("en").vocab)
    assert doc.text == text
    assert [(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]] == [
        (0, 15, "speculation"),
        (16, 24, "claim"),
    ]
    assert [list(item) for item in doc.user_data["misaligned"]] == [[1, 4, "claim"]]
    assert writer.stats["misaligned"] == 1

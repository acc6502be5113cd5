"""Rejected spans, asked for with include_rejected=1, read back from every format: each one is
marked as rejected, and a reader that looks only at labels sees none of them as a positive."""

from __future__ import annotations

import csv
import io
import json

import pytest

from articles.exports import WRITERS
from articles.exports.conll import ConllWriter
from articles.exports.spacy import SpacyDocBinWriter, SpacyJsonlWriter
from articles.models import Span
from articles.selectors.exports import export_filters, export_labels, export_rows
from articles.services import span_decide
from tests.factories import make_article, make_suggestion

TEXT = "Officials said the bridge opened in 2019. It may close next year.\nTaxes rose again."


@pytest.fixture
def decided(project, owner, teammate):
    """Accepted and rejected decisions, one region accepted by one editor and rejected by
    the other, and a rejected span off token boundaries ("ear" inside "year")."""
    article = make_article(project, TEXT, title="Bridge")
    claim = make_suggestion(article, "claim", 0, 40)
    speculation = make_suggestion(article, "speculation", 42, 65)
    quote = make_suggestion(article, "quote", 66, 83)
    year = TEXT.index("ear.")
    fragment = make_suggestion(article, "claim", year, year + 3)
    span_decide(span=claim, actor=teammate, decision="accept")
    span_decide(span=speculation, actor=teammate, decision="reject")
    span_decide(span=speculation, actor=owner, decision="accept")
    span_decide(span=quote, actor=owner, decision="reject")
    span_decide(span=fragment, actor=teammate, decision="reject")
    return article


def _expected(article):
    """{(start, end, label, status)} of the decisions: what the exports must say."""
    return set(
        Span.objects.filter(article=article, status__in=["accepted", "rejected"]).values_list(
            "start", "end", "label__name", "status"
        )
    )


def _body(client, project, query):
    response = client.get(f"/api/projects/{project.pk}/export/?{query}")
    assert response.status_code == 200, response.content
    return response, b"".join(response.streaming_content)


def test_the_fixture_has_both_kinds(decided):
    statuses = {status for *_, status in _expected(decided)}
    assert statuses == {"accepted", "rejected"}


def test_jsonl_spans_say_rejected(client_for, viewer, project, decided):
    _, body = _body(client_for(viewer), project, "format=jsonl&include_rejected=1")
    (record,) = [json.loads(line) for line in body.decode().splitlines()]
    got = {(s["start"], s["end"], s["label"], s["status"]) for s in record["spans"]}
    assert got == _expected(decided)


def test_csv_rows_say_rejected(client_for, viewer, project, decided):
    _, body = _body(client_for(viewer), project, "format=csv&include_rejected=1")
    rows = [r for r in csv.DictReader(io.StringIO(body.decode())) if r["span_id"]]
    got = {(int(r["start"]), int(r["end"]), r["label"], r["status"]) for r in rows}
    assert got == _expected(decided)


def test_webanno_assessing_body_says_rejected(client_for, viewer, project, decided):
    _, body = _body(client_for(viewer), project, "format=webanno&include_rejected=1")
    items = json.loads(body)["first"]["items"]
    got = set()
    for item in items:
        assert item["motivation"] == "tagging"
        position = item["target"]["selector"][0]
        (label,) = [b["value"] for b in item["body"] if b["purpose"] == "tagging"]
        (status,) = [b["value"] for b in item["body"] if b["purpose"] == "assessing"]
        got.add((position["start"], position["end"], label, status))
    assert got == _expected(decided)


def read_conll(body: str, text: str, starts: list[int], ends: list[int]) -> dict[str, set]:
    """{column name: {(start, end)}} of one CoNLL document, by its BIO tags."""
    lines = body.split("\n")
    columns = lines[0].removeprefix("# columns = ").split()[1:]
    rows = [line.split("\t") for line in lines if line and not line.startswith(("#", "-DOC"))]
    assert [row[0] for row in rows] == [text[s:e] for s, e in zip(starts, ends, strict=True)]
    found: dict[str, set] = {name: set() for name in columns}
    for position, name in enumerate(columns, start=1):
        current = None
        for index, row in enumerate([*rows, [""] + ["O"] * len(columns)]):
            tag = row[position]
            if tag.startswith("I-"):
                assert tag == f"I-{name}" and current is not None, (name, index, tag)
                current[1] = ends[index]
                continue
            if current:
                found[name].add(tuple(current))
            current = None
            if tag.startswith("B-"):
                assert tag == f"B-{name}"
                current = [starts[index], ends[index]]
    return found


def _widened(start: int, end: int, starts: list[int], ends: list[int]) -> tuple[int, int]:
    """The token-aligned stretch CoNLL tags for a span: every token it overlaps."""
    inside = [i for i, (s, e) in enumerate(zip(starts, ends, strict=True)) if s < end and e > start]
    return starts[inside[0]], ends[inside[-1]]


def test_conll_rejected_spans_have_their_own_columns(client_for, viewer, project, decided):
    from articles.exports import tokenize

    _, raw = _body(client_for(viewer), project, "format=conll&include_rejected=1")
    body = raw.decode()
    header, note = body.split("\n")[:2]
    assert header == (
        "# columns = TOKEN claim quote speculation"
        " claim:rejected quote:rejected speculation:rejected"
    )
    assert note.startswith("# rejected = ") and "never" in note
    starts, ends, _ = tokenize(decided.text)
    found = read_conll(body, decided.text, starts, ends)
    expected: dict[str, set] = {name: set() for name in found}
    for start, end, label, status in _expected(decided):
        column = label if status == "accepted" else f"{label}:rejected"
        expected[column].add(_widened(start, end, starts, ends))
    assert found == expected
    # A reader of the label columns alone: only the accepted spans, never a rejected one.
    positives = {(s, e, name) for name in ("claim", "quote", "speculation") for s, e in found[name]}
    assert positives == {
        (*_widened(s, e, starts, ends), label)
        for s, e, label, status in _expected(decided)
        if status == "accepted"
    }
    assert ("quote" not in {name for *_, name in positives}) and found["quote:rejected"]


def test_conll_without_rejected_keeps_one_column_per_label(client_for, viewer, project, decided):
    _, raw = _body(client_for(viewer), project, "format=conll")
    lines = raw.decode().split("\n")
    assert lines[0] == "# columns = TOKEN claim quote speculation"
    assert lines[1].startswith("-DOCSTART- ")
    assert ":rejected" not in raw.decode()


def test_conll_writer_refuses_rejected_spans_it_has_no_column_for():
    writer = ConllWriter(labels=["claim"])  # statuses default to accepted only
    row = {
        "id": 1,
        "title": "",
        "text": "Taxes rose.",
        "meta": {},
        "reviews": [],
        "spans": [{"start": 0, "end": 5, "label": "claim", "status": "rejected"}],
    }
    with pytest.raises(ValueError, match="statuses leave rejected out"):
        b"".join(writer.chunks([row]))


def _spacy_expected(article, starts, ends):
    """(positives, rejected, misaligned positives, misaligned rejected) as triples."""
    start_set, end_set = set(starts), set(ends)
    out: dict[tuple[bool, str], set] = {
        (aligned, status): set() for aligned in (True, False) for status in ("accepted", "rejected")
    }
    for start, end, label, status in _expected(article):
        aligned = start in start_set and end in end_set
        out[(aligned, status)].add((start, end, label))
    return out


def test_spacy_docbin_puts_rejected_spans_in_their_own_group(client_for, viewer, project, decided):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    assert WRITERS["spacy"] is SpacyDocBinWriter
    _, data = _body(client_for(viewer), project, "format=spacy&include_rejected=1")
    (doc,) = DocBin().from_bytes(data).get_docs(spacy.blank("en").vocab)
    tokens = list(doc)
    starts = [t.idx for t in tokens]
    ends = [t.idx + len(t.text) for t in tokens]
    expected = _spacy_expected(decided, starts, ends)

    def group(name):
        return {(s.start_char, s.end_char, s.label_) for s in doc.spans[name]}

    assert group("sc") == expected[(True, "accepted")]
    assert group("sc_rejected") == expected[(True, "rejected")] and group("sc_rejected")
    assert {tuple(x) for x in doc.user_data["misaligned"]} == expected[(False, "accepted")]
    misaligned_rejected = {tuple(x) for x in doc.user_data["misaligned_rejected"]}
    year = TEXT.index("ear.")
    assert misaligned_rejected == expected[(False, "rejected")] == {(year, year + 3, "claim")}


def test_spacy_jsonl_fallback_keeps_rejected_apart(project, decided):
    """The writer used without spaCy, fed the real export rows of the database."""
    from articles.exports import tokenize

    filters = export_filters(project=project, include_rejected=True)
    writer = SpacyJsonlWriter(labels=export_labels(project, filters), statuses=filters.statuses)
    body = b"".join(writer.chunks(export_rows(project, filters))).decode()
    (record,) = [json.loads(line) for line in body.splitlines()]
    starts, ends, _ = tokenize(record["text"])
    expected = _spacy_expected(decided, starts, ends)
    assert {tuple(x) for x in record["spans"]} == expected[(True, "accepted")]
    assert {tuple(x) for x in record["spans_rejected"]} == expected[(True, "rejected")]
    assert {tuple(x) for x in record["misaligned"]} == expected[(False, "accepted")]
    assert {tuple(x) for x in record["misaligned_rejected"]} == expected[(False, "rejected")]
    assert record["misaligned_rejected"] and record["spans_rejected"]
    assert writer.stats["misaligned"] == len(record["misaligned"]) + len(
        record["misaligned_rejected"]
    )


def test_only_rejected_spans_come_out_marked_too(client_for, viewer, project, decided):
    """status=rejected alone: every exported span is a negative, and says so."""
    _, raw = _body(client_for(viewer), project, "format=conll&status=rejected")
    found_columns = raw.decode().split("\n")[0].split()[4:]
    assert found_columns == [
        "claim",
        "quote",
        "speculation",
        "claim:rejected",
        "quote:rejected",
        "speculation:rejected",
    ]
    rows = [
        line.split("\t")
        for line in raw.decode().split("\n")
        if line and not line.startswith(("#", "-DOC"))
    ]
    assert {tag for row in rows for tag in row[1:4]} == {"O"}  # no rejected span as positive
    assert {tag for row in rows for tag in row[4:]} == {
        "O",
        "B-claim:rejected",  # "ear" tags its one token, "year"
        "B-quote:rejected",
        "I-quote:rejected",
        "B-speculation:rejected",
        "I-speculation:rejected",
    }

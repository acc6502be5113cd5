"""Each exported article carries its review state per annotator, in every format; exports
filter on it; every timestamp has one ISO 8601 form, whatever the database."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC

import pytest

from articles.exports.spacy import SpacyJsonlWriter
from articles.models import Review, Span
from articles.selectors.exports import ExportFilters, export_filters, export_labels, export_rows
from articles.services import review_set_state, snapshot_build, snapshot_request, span_decide
from tests.factories import make_article, make_suggestion

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def iso(moment) -> str:
    """The one export form of a timestamp, worked out in Python from the stored value."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.fixture
def reviewed(project, owner, teammate):
    """finished: done by teammate, kept nothing; opened: in progress by teammate and done by
    owner, one span kept; untouched: never opened by anyone."""
    finished = make_article(project, "The council may raise taxes. Nobody objected.")
    opened = make_article(project, "Officials said the bridge opened in 2019.")
    untouched = make_article(project, "Prices rose again in May, the office said.")
    span_decide(
        span=make_suggestion(finished, "speculation", 0, 27), actor=teammate, decision="reject"
    )
    review_set_state(article=finished, actor=teammate, state="done")
    span_decide(span=make_suggestion(opened, "claim", 0, 41), actor=teammate, decision="accept")
    review_set_state(article=opened, actor=teammate, state="in_progress")
    review_set_state(article=opened, actor=owner, state="done")
    make_suggestion(untouched, "claim", 0, 24)
    return finished, opened, untouched


def _reviews(article) -> list[dict[str, str]]:
    return [
        {"annotator": r.annotator.username, "state": r.state, "updated_at": iso(r.updated_at)}
        for r in Review.objects.filter(article=article).order_by("annotator__username")
    ]


def _body(client, project, query):
    response = client.get(f"/api/projects/{project.pk}/export/?{query}")
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def test_jsonl_lists_reviews_per_annotator(client_for, viewer, project, reviewed):
    finished, opened, untouched = reviewed
    body = _body(client_for(viewer), project, "format=jsonl")
    records = {r["id"]: r for r in map(json.loads, body.decode().splitlines())}
    assert records[finished.pk]["reviews"] == [
        {
            "annotator": "teammate",
            "state": "done",
            "updated_at": iso(finished.reviews.get().updated_at),
        }
    ]
    assert records[finished.pk]["spans"] == []  # reviewed, nothing kept ...
    assert records[untouched.pk]["reviews"] == []  # ... is told apart from never opened
    assert [r["annotator"] for r in records[opened.pk]["reviews"]] == ["owner", "teammate"]
    for article in reviewed:
        assert records[article.pk]["reviews"] == _reviews(article)
    # Key order: the JSONL importer's fields first, spans last (as PostgreSQL builds it).
    assert list(records[opened.pk]) == ["id", "title", "text", "meta", "reviews", "spans"]


def test_conll_review_comment_lines(client_for, viewer, project, reviewed):
    body = _body(client_for(viewer), project, "format=conll").decode()
    documents = body.split("-DOCSTART- ")[1:]
    comments = {}
    for document in documents:
        lines = document.split("\n")
        comments[int(lines[0])] = [line for line in lines[1:] if line.startswith("# review = ")]
    for article in reviewed:
        assert comments[article.pk] == [
            f"# review = {r['annotator']} {r['state']} {r['updated_at']}" for r in _reviews(article)
        ]


def test_csv_article_rows_carry_the_reviews(client_for, viewer, project, reviewed):
    finished, opened, untouched = reviewed
    body = _body(client_for(viewer), project, "format=csv&include_rejected=1")
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    # Per article: its article row (no span id), then its span rows.
    assert [(int(r["article_id"]), bool(r["span_id"])) for r in rows] == [
        (finished.pk, False),
        (finished.pk, True),
        (opened.pk, False),
        (opened.pk, True),
        (untouched.pk, False),
    ]
    articles = [r for r in rows if not r["span_id"]]
    spans = [r for r in rows if r["span_id"]]
    for row, article in zip(articles, reviewed, strict=True):
        assert json.loads(row["article_reviews"]) == _reviews(article)
        assert row["article_title"] == article.title
        assert {row[c] for c in ("start", "end", "label", "text", "status", "updated_at")} == {""}
    assert [r["status"] for r in spans] == ["rejected", "accepted"]
    assert {r["article_reviews"] for r in spans} == {""}  # said once, on the article row
    # Reviewed with nothing kept, and never opened: both span-less, told apart by the reviews.
    body = _body(client_for(viewer), project, "format=csv")
    rows = {int(r["article_id"]): r for r in csv.DictReader(io.StringIO(body.decode()))}
    assert json.loads(rows[finished.pk]["article_reviews"])[0]["state"] == "done"
    assert json.loads(rows[untouched.pk]["article_reviews"]) == []


def test_webanno_reviews_are_assessing_annotations(client_for, viewer, project, reviewed):
    body = _body(client_for(viewer), project, "format=webanno")
    items = json.loads(body)["first"]["items"]
    assessments = [item for item in items if item["motivation"] == "assessing"]
    got = [
        (
            int(item["target"]["source"].rstrip("/").rsplit("/", 1)[1]),
            item["creator"]["nickname"],
            item["body"]["value"],
            item["modified"],
        )
        for item in assessments
    ]
    assert got == [
        (article.pk, r["annotator"], r["state"], r["updated_at"])
        for article in reviewed
        for r in _reviews(article)
    ]
    assert len({item["id"] for item in items}) == len(items)
    # The target is the article itself, as the API serves it.
    source = client_for(viewer).get(assessments[0]["target"]["source"])
    assert source.status_code == 200 and source.json()["id"] == reviewed[0].pk


def test_spacy_reviews_in_user_data(client_for, viewer, project, reviewed):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    data = _body(client_for(viewer), project, "format=spacy")
    docs = list(DocBin().from_bytes(data).get_docs(spacy.blank("en").vocab))
    assert [doc.user_data["id"] for doc in docs] == [a.pk for a in reviewed]
    for doc, article in zip(docs, reviewed, strict=True):
        # msgpack gives sequences back as tuples
        assert list(doc.user_data["reviews"]) == _reviews(article)


def test_spacy_fallback_carries_reviews(project, reviewed):
    filters = ExportFilters()
    writer = SpacyJsonlWriter(labels=export_labels(project, filters))
    body = b"".join(writer.chunks(export_rows(project, filters))).decode()
    records = [json.loads(line) for line in body.splitlines()]
    assert [r["reviews"] for r in records] == [_reviews(article) for article in reviewed]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("review_state=done&reviewed_by=teammate", ["finished"]),
        ("review_state=in_progress&reviewed_by=teammate", ["opened"]),
        ("review_state=new&reviewed_by=teammate", ["untouched"]),
        ("review_state=done&reviewed_by=owner", ["opened"]),
        ("review_state=new&reviewed_by=owner", ["finished", "untouched"]),
        ("review_state=new&reviewed_by=reviewer", ["finished", "opened", "untouched"]),
        ("review_state=done", ["finished", "opened"]),
        ("review_state=in_progress", ["opened"]),
        ("review_state=new", ["untouched"]),
    ],
)
def test_review_state_filter(client_for, viewer, project, reviewed, query, expected):
    names = dict(zip(("finished", "opened", "untouched"), reviewed, strict=True))
    body = _body(client_for(viewer), project, f"format=jsonl&{query}")
    assert [json.loads(line)["id"] for line in body.decode().splitlines()] == [
        names[name].pk for name in expected
    ]


def test_review_filter_walks_every_chunk(project, reviewed):
    finished, opened, _ = reviewed
    filters = export_filters(project=project, review_state="done")
    assert [row["id"] for row in export_rows(project, filters, chunk_size=1)] == [
        finished.pk,
        opened.pk,
    ]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("review_state=finished", "review_state", "is not a valid choice"),
        ("reviewed_by=teammate", "reviewed_by", "reviewed_by needs a review_state"),
        ("review_state=done&reviewed_by=ghost", "reviewed_by", "No user named 'ghost'"),
    ],
)
def test_bad_review_filters_are_400(client_for, viewer, project, query, field, message):
    response = client_for(viewer).get(f"/api/projects/{project.pk}/export/?format=jsonl&{query}")
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field] and message in body[field][0]


def test_snapshot_keeps_the_review_filter(project, owner, reviewed, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    finished, _, _ = reviewed
    filters = export_filters(project=project, review_state="done", reviewed_by="teammate")
    pending = snapshot_request(project=project, actor=owner, format="jsonl", filters=filters)
    assert (pending.filters["review_state"], pending.filters["reviewed_by"]) == ("done", "teammate")
    built = snapshot_build(snapshot_id=pending.pk)
    records = [json.loads(line) for line in built.file.read().splitlines()]
    assert [r["id"] for r in records] == [finished.pk] and built.article_count == 1
    assert records[0]["reviews"] == _reviews(finished)


def test_snapshot_api_refuses_a_state_without_whose(client_for, viewer, project):
    response = client_for(viewer).post(
        f"/api/projects/{project.pk}/snapshots/",
        {"format": "csv", "reviewed_by": "teammate"},
        format="json",
    )
    assert response.status_code == 400
    assert "reviewed_by needs a review_state" in response.json()["reviewed_by"][0]


def test_old_snapshot_filters_read_without_review_keys():
    old = {"statuses": ["accepted"], "labels": [], "annotator": None, "gold": None}
    filters = ExportFilters.from_json(old)
    assert (filters.review_state, filters.reviewed_by) == (None, None)
    assert (
        ExportFilters.from_json(ExportFilters(review_state="new").as_json()).review_state == "new"
    )


def test_timestamps_have_one_form_in_every_format(client_for, viewer, project, reviewed):
    """Span and review times as the database gives them, in each format that carries them."""
    _, opened, _ = reviewed
    span = Span.objects.get(article=opened, status="accepted")
    span_time = iso(span.updated_at)
    review_times = {iso(r.updated_at) for r in Review.objects.all()}
    client = client_for(viewer)

    jsonl = [json.loads(line) for line in _body(client, project, "format=jsonl").splitlines()]
    assert {s["updated_at"] for r in jsonl for s in r["spans"]} == {span_time}
    assert {v["updated_at"] for r in jsonl for v in r["reviews"]} == review_times

    rows = list(csv.DictReader(io.StringIO(_body(client, project, "format=csv").decode())))
    assert {r["updated_at"] for r in rows if r["span_id"]} == {span_time}
    assert {
        v["updated_at"] for r in rows if not r["span_id"] for v in json.loads(r["article_reviews"])
    } == review_times

    items = json.loads(_body(client, project, "format=webanno"))["first"]["items"]
    assert {i["modified"] for i in items if i["motivation"] == "tagging"} == {span_time}
    assert {i["modified"] for i in items if i["motivation"] == "assessing"} == review_times

    conll = _body(client, project, "format=conll").decode()
    stamps = {line.rsplit(" ", 1)[1] for line in conll.splitlines() if line.startswith("# review")}
    assert stamps == review_times

    for stamp in review_times | {span_time}:
        assert ISO.match(stamp), stamp

"""Import service: bulk insert, duplicates, atomic failure with location, spans, limits."""

from __future__ import annotations

import json

import pytest
from django.test.utils import override_settings

from articles.errors import DomainError, NotAllowed
from articles.importing import Record
from articles.models import Article, ImportJob, Span, SpanEvent
from articles.selectors.imports import import_progress
from articles.services import articles_import, articles_import_unchecked, import_upload

BODY = "The council met on Monday. It may vote again next week."


def jsonl(*records: dict) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()


def test_import_creates_articles_and_job(project, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        job = import_upload(
            project=project,
            name="batch.jsonl",
            data=jsonl(
                {"title": "One", "text": BODY}, {"title": "Two", "text": "Another text.\r\n"}
            ),
            actor=owner,
        )
    assert (job.state, job.total, job.created_count, job.duplicate_count) == ("done", 2, 2, 0)
    articles = list(Article.objects.filter(import_job=job))
    assert [a.text for a in articles] == [BODY, "Another text.\n"]
    assert all(a.pretag_state == "pending" for a in articles)
    assert len(callbacks) == 1  # one batch queued for pre-tagging, after commit
    assert import_progress(job) == {"pending": 2, "running": 0, "done": 0, "failed": 0}


def test_text_is_nfc_normalised_and_dedupe_uses_it(project, owner):
    decomposed = "Cafe\u0301 owners said the rent doubled."
    composed = "Caf\u00e9 owners said the rent doubled."
    job = import_upload(
        project=project,
        name="b.jsonl",
        data=jsonl({"text": decomposed}, {"text": composed}),
        actor=owner,
    )
    assert job.created_count == 1 and job.duplicate_count == 1
    assert job.duplicates[0]["where"] == "b.jsonl line 2"
    assert Article.objects.get(import_job=job).text == composed


def test_duplicates_of_existing_articles_are_reported_not_created(project, owner, article):
    job = import_upload(
        project=project, name="b.jsonl", data=jsonl({"text": article.text}), actor=owner
    )
    assert job.created_count == 0
    assert job.duplicates == [{"where": "b.jsonl line 1", "title": "", "article": article.pk}]


def test_bad_record_stops_import_and_writes_nothing(project, owner):
    data = jsonl({"text": "Good one."}, {"text": "Fine too."}, {"title": "x", "text": 5})
    with pytest.raises(
        DomainError, match=r"b\.jsonl line 3: field 'text' must be a string"
    ) as caught:
        import_upload(project=project, name="b.jsonl", data=data, actor=owner)
    assert caught.value.field == "text"
    assert not Article.objects.filter(project=project, text__in=["Good one.", "Fine too."]).exists()
    job = ImportJob.objects.get(project=project)
    assert (job.state, job.error) == ("failed", caught.value.message)


def test_machine_spans_are_kept_as_suggestions(project, owner, django_capture_on_commit_callbacks):
    spans = [
        {"start": 0, "end": 26, "label": "claim", "text": BODY[:26], "confidence": 0.7},
        {
            "start": 27,
            "end": 55,
            "label": "speculation",
            "text": BODY[27:],
            "attrs": {"cue": "may"},
        },
    ]
    with django_capture_on_commit_callbacks() as callbacks:
        job = import_upload(
            project=project, name="e.jsonl", data=jsonl({"text": BODY, "spans": spans}), actor=owner
        )
    article = Article.objects.get(import_job=job)
    rows = list(article.spans.order_by("start"))
    assert [(s.kind, s.label.name, s.text) for s in rows] == [
        ("suggested", "claim", BODY[:26]),
        ("suggested", "speculation", BODY[27:]),
    ]
    assert rows[1].attrs == {"cue": "may"}
    # Imported suggestions stand in for the tagger: nothing is queued to replace them.
    assert article.pretag_state == "done" and callbacks == []


def test_human_spans_go_to_importers_layer_trimmed(project, owner):
    spans = [{"start": 0, "end": 27, "label": "claim"}]  # includes the trailing space
    job = import_upload(
        project=project,
        name="e.jsonl",
        data=jsonl({"text": BODY, "spans": spans}),
        actor=owner,
        spans_as="human",
    )
    [span] = Span.objects.filter(article__import_job=job)
    assert (span.kind, span.annotator, span.start, span.end) == ("human", owner, 0, 26)
    # Every create is in the history, imported layers included.
    [event] = SpanEvent.objects.filter(span=span)
    assert (event.action, event.actor, event.before) == ("create", owner, None)
    assert (event.after["start"], event.after["end"], event.after["label"]) == (0, 26, "claim")


def test_human_spans_that_overlap_are_refused(project, owner):
    spans = [{"start": 0, "end": 20, "label": "claim"}, {"start": 10, "end": 26, "label": "claim"}]
    with pytest.raises(DomainError, match=r"line 1: spans\[1\]: it overlaps"):
        import_upload(
            project=project,
            name="e.jsonl",
            data=jsonl({"text": BODY, "spans": spans}),
            actor=owner,
            spans_as="human",
        )
    assert not Article.objects.filter(project=project).exists()


@pytest.mark.parametrize(
    ("span", "message"),
    [
        (
            {"start": 0, "end": 5, "label": "claim", "text": "Wrong"},
            "does not match the article text",
        ),
        ({"start": 0, "end": 500, "label": "claim"}, "offsets must satisfy"),
        ({"start": 0, "end": 5, "label": "opinion"}, "label 'opinion' does not exist"),
    ],
)
def test_span_errors_name_line_and_index(project, owner, span, message):
    with pytest.raises(DomainError, match=message) as caught:
        import_upload(
            project=project,
            name="e.jsonl",
            data=jsonl({"text": BODY, "spans": [span]}),
            actor=owner,
        )
    assert "e.jsonl line 1: spans[0]" in caught.value.message


def test_ignore_spans(project, owner):
    job = import_upload(
        project=project,
        name="e.jsonl",
        data=jsonl({"text": BODY, "spans": [{"start": 0, "end": 5, "label": "nope"}]}),
        actor=owner,
        spans_as="ignore",
    )
    assert job.created_count == 1 and not Span.objects.exists()


def test_limits_are_reported(project, owner):
    with (
        override_settings(IMPORT_MAX_ARTICLE_CHARS=10),
        pytest.raises(DomainError, match=r"limit is 10 \(IMPORT_MAX_ARTICLE_CHARS\)"),
    ):
        import_upload(project=project, name="a.jsonl", data=jsonl({"text": BODY}), actor=owner)
    with override_settings(IMPORT_MAX_ARTICLES=1):
        with pytest.raises(DomainError, match="more than 1 articles") as caught:
            import_upload(
                project=project,
                name="a.jsonl",
                data=jsonl({"text": "a b"}, {"text": "c d"}),
                actor=owner,
            )
        assert caught.value.status_code == 400
    with override_settings(IMPORT_MAX_UPLOAD_BYTES=5):
        with pytest.raises(DomainError, match="IMPORT_MAX_UPLOAD_BYTES") as caught:
            import_upload(project=project, name="a.jsonl", data=jsonl({"text": BODY}), actor=owner)
        assert caught.value.status_code == 413


def test_viewer_and_outsider_cannot_import(project, viewer, outsider):
    for user in (viewer, outsider):
        with pytest.raises(NotAllowed, match="does not allow you to import articles"):
            articles_import(project=project, records=[Record(where="x", text=BODY)], actor=user)
    assert not ImportJob.objects.exists() and not Article.objects.exists()


def test_large_batch_is_bulk_inserted(project, owner, django_assert_max_num_queries):
    records = [Record(where=f"r{i}", text=f"{BODY} Variant {i}.") for i in range(300)]
    # (Up to 20 for the import itself, 10 for giving its articles their editors.)
    with django_assert_max_num_queries(30):
        job = articles_import_unchecked(
            project=project, records=records, importer=None, pretag=False
        )
    assert job.created_count == 300

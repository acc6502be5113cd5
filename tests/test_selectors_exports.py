"""Export reads: one set of filters, read as plain rows or as JSON built by PostgreSQL."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection

from articles.errors import DomainError
from articles.models import Span
from articles.selectors.exports import (
    ExportFilters,
    _chunk_spans,
    export_filters,
    export_rows,
    spans_as_json,
    spans_as_rows,
)
from articles.services import review_set_state
from tests.factories import make_article, make_decision, make_human_span, make_suggestion

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


@pytest.fixture
def spans(project, article, teammate, owner):
    """Accepted, rejected and gold rows of two layers, with and without attributes."""
    quote = make_suggestion(article, "quote", 0, 20, attrs={"speaker": "Ana", "direct": True})
    claim = make_suggestion(article, "claim", 0, 41)
    make_decision(quote, teammate)
    make_decision(claim, teammate, "reject")
    make_human_span(article, owner, "speculation", 42, 65, gold=True, note="checked")
    other = make_article(project, "Second text. It may rain.")
    make_suggestion(other, "speculation", 13, 25)
    return article, other


FILTERS = [
    ExportFilters(),
    ExportFilters(statuses=("accepted", "rejected")),
    ExportFilters(statuses=("suggested",), labels=("claim", "speculation")),
    ExportFilters(statuses=("accepted",), annotator="teammate"),
    ExportFilters(statuses=("accepted", "rejected"), gold=True),
    ExportFilters(statuses=("accepted", "rejected"), gold=False),
]


@pytest.mark.parametrize("filters", FILTERS)
def test_rows_follow_the_filters_in_text_order(spans, filters):
    article, other = spans
    rows = spans_as_rows(_chunk_spans([article.pk, other.pk], filters))
    expected = Span.objects.filter(article__in=[article, other], status__in=filters.statuses)
    if filters.labels:
        expected = expected.filter(label__name__in=filters.labels)
    if filters.annotator:
        expected = expected.filter(annotator__username=filters.annotator)
    if filters.gold is not None:
        expected = expected.filter(gold=filters.gold)
    assert expected.exists(), "each filter keeps something, or the comparison proves nothing"
    got = [(span["id"], span["label"]) for spans in rows.values() for span in spans]
    assert sorted(got) == sorted(expected.values_list("id", "label__name"))
    for spans_of_article in rows.values():
        keys = [(s["start"], -s["end"]) for s in spans_of_article]
        assert keys == sorted(keys)
        assert all(ISO.match(s["updated_at"]) for s in spans_of_article)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL builds the JSON")
@pytest.mark.parametrize("filters", FILTERS)
def test_both_readers_return_the_same_rows(spans, filters):
    article, other = spans
    queryset = _chunk_spans([article.pk, other.pk], filters)
    as_rows = spans_as_rows(queryset)
    as_json = {pk: json.loads(text) for pk, (text, _) in spans_as_json(queryset).items()}
    assert as_json == as_rows
    # Key order is the same too, so the JSONL export is byte for byte the same.
    for pk, spans_of_article in as_json.items():
        assert [list(s) for s in spans_of_article] == [list(s) for s in as_rows[pk]]


def test_export_rows_carry_every_article_in_id_order(project, spans):
    article, other = spans
    rows = list(export_rows(project, ExportFilters(), chunk_size=1))
    assert [row["id"] for row in rows] == [article.pk, other.pk]
    assert [s["label"] for s in rows[0]["spans"]] == ["quote", "speculation"]  # gold too
    assert rows[1]["spans"] == []


def test_filters_refuse_names_that_do_not_exist(project):
    with pytest.raises(DomainError, match="No label named opinion in this project") as caught:
        export_filters(project=project, labels=["claim", "opinion"])
    assert caught.value.field == "labels"
    with pytest.raises(DomainError, match="No user named 'ghost'"):
        export_filters(project=project, annotator="ghost")
    filters = export_filters(project=project, include_rejected=True)
    assert filters.statuses == ("accepted", "rejected")


def test_review_filters_are_checked(project):
    with pytest.raises(DomainError, match="Unknown review state 'finished'") as caught:
        export_filters(project=project, review_state="finished")
    assert caught.value.field == "review_state"
    with pytest.raises(DomainError, match="reviewed_by needs a review_state") as caught:
        export_filters(project=project, reviewed_by="teammate")
    assert caught.value.field == "reviewed_by"
    with pytest.raises(DomainError, match="No user named 'ghost'") as caught:
        export_filters(project=project, review_state="new", reviewed_by="ghost")
    assert caught.value.field == "reviewed_by"
    filters = export_filters(project=project, review_state="new", reviewed_by="teammate")
    assert (filters.review_state, filters.reviewed_by) == ("new", "teammate")


def test_three_queries_a_chunk_with_reviews(project, spans, teammate, owner):
    """Articles, their reviews and their spans: the review rows cost one query per chunk."""
    from django.test.utils import CaptureQueriesContext

    article, _ = spans
    for extra in range(3):
        made = make_article(project, f"Extra article {extra}. It may rain.")
        review_set_state(article=made, actor=teammate, state="in_progress")
    review_set_state(article=article, actor=teammate, state="done")
    review_set_state(article=article, actor=owner, state="in_progress")
    for raw in (False, True):
        with CaptureQueriesContext(connection) as captured:
            rows = list(export_rows(project, ExportFilters(), chunk_size=2, raw_spans=raw))
        # 5 articles: chunks of 2, 2 and 1 (the short one ends the walk).
        assert len(captured) == 3 * 3 and len(rows) == 5
    assert [r["annotator"] for r in rows[0]["reviews"]] == ["owner", "teammate"]
    assert rows[1]["reviews"] == []
    assert [r["state"] for row in rows[2:] for r in row["reviews"]] == ["in_progress"] * 3

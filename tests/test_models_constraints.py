"""Invariants enforced by the database itself: rows that break them are refused even when
Python's checks are bypassed (QuerySet.update and raw inserts skip services)."""

import re

import pytest
from django.db import IntegrityError, connection, transaction

from articles.models import Article, Label, Membership, Span
from tests.factories import label, make_decision, make_human_span, make_suggestion


def check(name: str) -> str:
    """The error of a failed CHECK constraint, as SQLite or PostgreSQL words it."""
    return rf'(CHECK constraint failed: |violates check constraint "){name}\b'


def unique(name: str, table: str, *columns: str) -> str:
    """PostgreSQL names a failed unique constraint; SQLite lists its columns instead."""
    if connection.vendor == "sqlite":
        listed = ", ".join(f"articles_{table}.{column}" for column in columns)
        return re.escape(f"UNIQUE constraint failed: {listed}") + "$"
    return f'violates unique constraint "{name}"'


def refused(queryset, constraint, **changes):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        queryset.update(**changes)


@pytest.fixture
def suggestion(article):
    return make_suggestion(article, "claim", 0, 40)


def test_rows_of_every_kind_the_services_write_are_stored(suggestion, article, teammate, reviewer):
    make_decision(suggestion, teammate)
    make_human_span(article, teammate, "quote", 42, 65, speaker="Ana Lima")
    make_human_span(article, reviewer, "claim", 0, 40, gold=True)
    assert sorted((span.kind, span.gold) for span in Span.objects.all()) == [
        ("accepted", False),
        ("human", False),
        ("human", True),
        ("suggested", False),
    ]
    assert Span.objects.get(pk=suggestion.pk).text == "Officials said the bridge opened in 2019"


def test_start_must_precede_end(suggestion):
    spans = Span.objects.filter(pk=suggestion.pk)
    refused(spans, check("span_start_before_end"), start=40, end=40, text="")
    refused(spans, check("span_start_before_end"), start=41, end=40)


def test_start_is_not_negative(suggestion):
    # The column's own check (a positive integer field) fires before span_start_nonnegative.
    refused(
        Span.objects.filter(pk=suggestion.pk), check("(articles_span_)?start(_check)?"), start=-1
    )


def test_text_length_matches_offsets(suggestion):
    refused(
        Span.objects.filter(pk=suggestion.pk), check("span_text_length_matches"), text="too short"
    )


def test_status_and_origin_values(suggestion):
    refused(Span.objects.filter(pk=suggestion.pk), check("span_status_valid"), status="maybe")
    refused(Span.objects.filter(pk=suggestion.pk), check("span_origin_valid"), origin="alien")


def test_suggestion_has_no_annotator_and_decision_has_one(suggestion, owner):
    spans = Span.objects.filter(pk=suggestion.pk)
    rule = check("span_suggestion_iff_no_annotator")
    refused(spans, rule, annotator=owner)
    refused(spans, rule, status="accepted")
    refused(spans, rule, origin="human")


def test_confidence_in_unit_interval(suggestion):
    refused(
        Span.objects.filter(pk=suggestion.pk),
        check("span_confidence_unit_interval"),
        confidence=1.5,
    )


def test_one_decision_per_suggestion_per_layer(suggestion, owner, article):
    common = dict(
        article=article,
        label=suggestion.label,
        start=0,
        end=40,
        text=suggestion.text,
        origin="machine",
        status="accepted",
        annotator=owner,
        derived_from=suggestion,
    )
    Span.objects.create(**common)
    rule = unique("span_one_decision_per_layer", "span", "derived_from_id", "annotator_id", "gold")
    with pytest.raises(IntegrityError, match=rule), transaction.atomic():
        Span.objects.create(**common)


def test_duplicate_machine_suggestion_refused(suggestion, article):
    rule = unique("span_suggestion_unique", "span", "article_id", "label_id", "start", "end")
    with pytest.raises(IntegrityError, match=rule), transaction.atomic():
        make_suggestion(article, "claim", 0, 40)


def test_same_text_twice_in_a_project_refused(article):
    rule = unique("article_text_unique_in_project", "article", "project_id", "content_hash")
    with pytest.raises(IntegrityError, match=rule), transaction.atomic():
        Article.objects.create(
            project=article.project, text=article.text, content_hash=article.content_hash
        )


def test_article_hash_required(project):
    with pytest.raises(IntegrityError, match=check("article_hash_set")), transaction.atomic():
        Article.objects.create(project=project, text="x", content_hash="")


def test_label_colour_and_hotkey(project):
    claim = Label.objects.filter(pk=label(project, "claim").pk)
    refused(claim, check("label_color_hex"), color="blue")
    refused(claim, unique("label_hotkey_unique", "label", "project_id", "hotkey"), hotkey="2")


def test_membership_role_values(project, teammate):
    refused(
        Membership.objects.filter(project=project, user=teammate),
        check("membership_role_valid"),
        role="king",
    )


def test_raw_insert_with_broken_offsets_refused(article, project):
    claim = label(project, "claim")
    with (
        pytest.raises(IntegrityError, match=check("span_start_before_end")),
        transaction.atomic(),
    ):
        Span.objects.bulk_create(
            [
                Span(
                    article=article,
                    label=claim,
                    start=10,
                    end=5,
                    text="",
                    origin="machine",
                    status="suggested",
                )
            ]
        )

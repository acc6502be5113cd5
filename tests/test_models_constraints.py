"""Invariants enforced by the database itself: rows that break them are refused even when
Python's checks are bypassed (QuerySet.update and raw inserts skip services)."""

import pytest
from django.db import IntegrityError, transaction

from articles.models import Article, Label, Membership, Span
from tests.factories import label, make_suggestion


def refused(queryset, **changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**changes)


@pytest.fixture
def suggestion(article):
    return make_suggestion(article, "claim", 0, 40)


def test_valid_suggestion_is_stored(suggestion, article):
    assert Span.objects.get(pk=suggestion.pk).text == article.text[0:40]


def test_start_must_precede_end(suggestion):
    refused(Span.objects.filter(pk=suggestion.pk), start=40, end=40, text="")
    refused(Span.objects.filter(pk=suggestion.pk), start=41, end=40)


def test_start_is_not_negative(suggestion):
    refused(Span.objects.filter(pk=suggestion.pk), start=-1)


def test_text_length_matches_offsets(suggestion):
    refused(Span.objects.filter(pk=suggestion.pk), text="too short")


def test_status_and_origin_values(suggestion):
    refused(Span.objects.filter(pk=suggestion.pk), status="maybe")
    refused(Span.objects.filter(pk=suggestion.pk), origin="alien")


def test_suggestion_has_no_annotator_and_decision_has_one(suggestion, owner):
    refused(Span.objects.filter(pk=suggestion.pk), annotator=owner)
    refused(Span.objects.filter(pk=suggestion.pk), status="accepted")
    refused(Span.objects.filter(pk=suggestion.pk), origin="human")


def test_confidence_in_unit_interval(suggestion):
    refused(Span.objects.filter(pk=suggestion.pk), confidence=1.5)


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
    with pytest.raises(IntegrityError), transaction.atomic():
        Span.objects.create(**common)


def test_duplicate_machine_suggestion_refused(suggestion, article):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_suggestion(article, "claim", 0, 40)


def test_same_text_twice_in_a_project_refused(article):
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            project=article.project, text=article.text, content_hash=article.content_hash
        )


def test_article_hash_required(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(project=project, text="x", content_hash="")


def test_label_colour_and_hotkey(project):
    claim = label(project, "claim")
    refused(Label.objects.filter(pk=claim.pk), color="blue")
    refused(Label.objects.filter(pk=claim.pk), hotkey="2")


def test_membership_role_values(project, teammate):
    refused(Membership.objects.filter(project=project, user=teammate), role="king")


def test_raw_insert_with_broken_offsets_refused(article, project):
    claim = label(project, "claim")
    with pytest.raises(IntegrityError), transaction.atomic():
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

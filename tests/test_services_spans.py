"""Span writes: offsets, layers, decisions, optimistic locking, history."""

import pytest

from articles.errors import Conflict, DomainError, NotAllowed
from articles.models import Span, SpanEvent
from articles.services import (
    article_set_text,
    span_create,
    span_decide,
    span_delete,
    span_update,
    spans_bulk_decide,
)
from tests.factories import label, make_article, make_suggestion


def test_create_trims_whitespace_and_snapshots_text(article, owner, project):
    span = span_create(article=article, label=label(project, "claim"), start=0, end=42, actor=owner)
    assert article.text[span.start] != " " and article.text[span.end - 1] != " "
    assert span.text == article.text[span.start : span.end]
    assert (span.origin, span.status, span.kind) == ("human", "accepted", "human")
    assert SpanEvent.objects.get(span=span).action == "create"


def test_outsider_and_viewer_cannot_create(article, outsider, viewer, project):
    for user in (outsider, viewer):
        with pytest.raises(NotAllowed):
            span_create(article=article, label=label(project, "claim"), start=0, end=5, actor=user)


def test_offsets_out_of_range_refused(article, owner, project):
    with pytest.raises(DomainError) as error:
        span_create(
            article=article, label=label(project, "claim"), start=5, end=10_000, actor=owner
        )
    assert error.value.field == "end"


def test_whitespace_only_selection_refused(project, owner):
    article = make_article(project, "Word.   Another word.")
    with pytest.raises(DomainError):
        span_create(article=article, label=label(project, "claim"), start=5, end=8, actor=owner)


def test_offsets_count_code_points_after_emoji(project, owner):
    text = 'Crowds 👨‍👩‍👧 cheered. e\u0301lan: "Prices rose 5%," she said.'
    article = make_article(project, text)
    start = article.text.index("Prices")
    end = article.text.index(',"')
    span = span_create(
        article=article, label=label(project, "quote"), start=start, end=end, actor=owner
    )
    assert span.text == "Prices rose 5%"
    # the ZWJ family is 5 code points; é is one after NFC
    assert article.text.index("cheered") == 7 + 5 + 1


def test_same_label_overlap_refused_in_one_layer_but_allowed_across(article, owner, teammate):
    claim = label(article.project, "claim")
    span_create(article=article, label=claim, start=0, end=20, actor=owner)
    with pytest.raises(DomainError):
        span_create(article=article, label=claim, start=10, end=30, actor=owner)
    span_create(article=article, label=claim, start=10, end=30, actor=teammate)
    span_create(
        article=article, label=label(article.project, "quote"), start=10, end=30, actor=owner
    )


def test_two_editors_decide_one_suggestion_independently(article, owner, teammate):
    suggestion = make_suggestion(article, "claim", 0, 40)
    mine = span_decide(span=suggestion, actor=owner, decision="accept")
    theirs = span_decide(span=suggestion, actor=teammate, decision="reject")
    assert (mine.status, theirs.status) == ("accepted", "rejected")
    assert mine.derived_from == theirs.derived_from == suggestion
    suggestion.refresh_from_db()
    assert suggestion.status == "suggested"
    assert mine.kind == "accepted"


def test_second_decision_on_suggestion_is_a_conflict(article, owner):
    suggestion = make_suggestion(article, "claim", 0, 40)
    first = span_decide(span=suggestion, actor=owner, decision="accept")
    with pytest.raises(Conflict) as error:
        span_decide(span=suggestion, actor=owner, decision="reject")
    assert error.value.current.pk == first.pk
    first.refresh_from_db()
    assert first.status == "accepted"


def test_changing_own_decision_needs_current_version(article, owner):
    suggestion = make_suggestion(article, "claim", 0, 40)
    row = span_decide(span=suggestion, actor=owner, decision="accept")
    with pytest.raises(Conflict):
        span_decide(span=row, actor=owner, decision="reject", version=row.version + 1)
    changed = span_decide(span=row, actor=owner, decision="reject", version=row.version)
    assert (changed.status, changed.version) == ("rejected", 2)


def test_stale_update_loses_and_nothing_is_lost(article, owner):
    span = span_create(
        article=article, label=label(article.project, "claim"), start=0, end=20, actor=owner
    )
    span_update(span=span, actor=owner, version=1, note="first")
    with pytest.raises(Conflict) as error:
        span_update(span=span, actor=owner, version=1, note="second")
    assert error.value.current.note == "first"
    assert error.value.current.version == 2


def test_editing_suggestion_creates_edited_human_span(article, owner):
    suggestion = make_suggestion(article, "claim", 0, 40)
    edited = span_update(
        span=suggestion, actor=owner, version=1, label=label(article.project, "speculation")
    )
    assert edited.pk != suggestion.pk
    assert (edited.origin, edited.status, edited.kind) == ("human", "accepted", "edited")
    assert edited.derived_from_id == suggestion.pk
    assert Span.objects.get(pk=suggestion.pk).label.name == "claim"


def test_boundary_change_on_accepted_suggestion_marks_it_edited(article, owner):
    suggestion = make_suggestion(article, "claim", 0, 40)
    row = span_decide(span=suggestion, actor=owner, decision="accept")
    row = span_update(span=row, actor=owner, version=row.version, end=30)
    assert row.kind == "edited" and row.text == article.text[0:30].rstrip()
    events = list(SpanEvent.objects.filter(span=row).values_list("action", flat=True))
    assert events == ["accept", "update"]
    assert SpanEvent.objects.filter(span=row, action="update").get().before["end"] == 40


def test_cannot_touch_another_layer(article, owner, teammate):
    span = span_create(
        article=article, label=label(article.project, "claim"), start=0, end=20, actor=owner
    )
    with pytest.raises(NotAllowed):
        span_update(span=span, actor=teammate, version=1, note="mine now")
    with pytest.raises(NotAllowed):
        span_delete(span=span, actor=teammate, version=1)


def test_delete_undoes_a_decision_and_is_recorded(article, owner):
    suggestion = make_suggestion(article, "claim", 0, 40)
    row = span_decide(span=suggestion, actor=owner, decision="reject")
    span_delete(span=row, actor=owner, version=row.version)
    assert not Span.objects.filter(pk=row.pk).exists()
    assert SpanEvent.objects.filter(span_ref=row.pk, action="delete").exists()
    with pytest.raises(NotAllowed):
        span_delete(span=suggestion, actor=owner, version=1)


def test_bulk_decide_skips_already_decided(article, owner):
    first = make_suggestion(article, "claim", 0, 40)
    second = make_suggestion(article, "speculation", 41, 66)
    span_decide(span=first, actor=owner, decision="reject")
    done, skipped = spans_bulk_decide(spans=[first, second], actor=owner, decision="accept")
    assert [row.derived_from_id for row in done] == [second.pk]
    assert [span.pk for span, _ in skipped] == [first.pk]


def test_gold_layer_needs_reviewer(article, owner, teammate):
    claim = label(article.project, "claim")
    with pytest.raises(NotAllowed):
        span_create(article=article, label=claim, start=0, end=20, actor=teammate, gold=True)
    gold = span_create(article=article, label=claim, start=0, end=20, actor=owner, gold=True)
    assert gold.gold


def test_text_is_immutable_once_spanned(article, owner):
    article_set_text(article=article, text=article.text + " More.")
    span_create(
        article=article, label=label(article.project, "claim"), start=0, end=20, actor=owner
    )
    with pytest.raises(DomainError):
        article_set_text(article=article, text="Something else entirely.")

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
from tests.factories import (
    label,
    make_article,
    make_decision,
    make_human_span,
    make_suggestion,
)


def test_create_trims_whitespace_and_snapshots_text(article, owner, project):
    span = span_create(article=article, label=label(project, "claim"), start=0, end=42, actor=owner)
    # [0, 42) ends with the space after "2019."
    assert (span.start, span.end, span.text) == (0, 41, "Officials said the bridge opened in 2019.")
    assert (span.origin, span.status, span.kind) == ("human", "accepted", "human")
    assert SpanEvent.objects.get(span=span).action == "create"


def test_outsider_and_viewer_cannot_create(article, outsider, viewer, project):
    for user in (outsider, viewer):
        with pytest.raises(
            NotAllowed, match=r"^Your role in this project does not allow you to edit spans\.$"
        ):
            span_create(article=article, label=label(project, "claim"), start=0, end=5, actor=user)
    assert not Span.objects.exists()


def test_offsets_out_of_range_refused(article, owner, project):
    with pytest.raises(
        DomainError, match=r"^Offsets must satisfy 0 <= start < end <= 96 \(got 5, 10000\)\.$"
    ) as error:
        span_create(
            article=article, label=label(project, "claim"), start=5, end=10_000, actor=owner
        )
    assert error.value.field == "end"


def test_whitespace_only_selection_refused(project, owner):
    article = make_article(project, "Word.   Another word.")
    with pytest.raises(DomainError, match=r"^The selection holds only whitespace\.$"):
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
    first = span_create(article=article, label=claim, start=0, end=20, actor=owner)
    with pytest.raises(
        DomainError, match=rf"^It overlaps your claim span {first.pk} \[0, 20\); spans of one label"
    ) as error:
        span_create(article=article, label=claim, start=10, end=30, actor=owner)
    assert error.value.field == "start"
    theirs = span_create(article=article, label=claim, start=10, end=30, actor=teammate)
    quote = span_create(
        article=article, label=label(article.project, "quote"), start=10, end=30, actor=owner
    )
    assert set(Span.objects.values_list("pk", flat=True)) == {first.pk, theirs.pk, quote.pk}


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
    with pytest.raises(Conflict, match=r"^You already decided on this suggestion\.$") as error:
        span_decide(span=suggestion, actor=owner, decision="reject")
    assert error.value.current.pk == first.pk
    first.refresh_from_db()
    assert first.status == "accepted"


def test_changing_own_decision_needs_current_version(article, owner):
    suggestion = make_suggestion(article, "claim", 0, 40)
    row = make_decision(suggestion, owner)
    with pytest.raises(Conflict, match=r"\(your version 2, now 1\)\.$"):
        span_decide(span=row, actor=owner, decision="reject", version=row.version + 1)
    with pytest.raises(Conflict, match=r"\(your version None, now 1\)\.$"):
        span_decide(span=row, actor=owner, decision="reject")
    changed = span_decide(span=row, actor=owner, decision="reject", version=row.version)
    assert (changed.status, changed.version) == ("rejected", 2)


def test_stale_update_loses_and_nothing_is_lost(article, owner):
    span = make_human_span(article, owner, "claim", 0, 20)
    span_update(span=span, actor=owner, version=1, note="first")
    with pytest.raises(Conflict, match=r"^The span changed since you loaded it") as error:
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
    row = make_decision(suggestion, owner)
    row = span_update(span=row, actor=owner, version=row.version, end=30)
    assert row.kind == "edited" and row.text == article.text[0:30].rstrip()
    events = list(SpanEvent.objects.filter(span=row).values_list("action", flat=True))
    assert events == ["accept", "update"]
    assert SpanEvent.objects.filter(span=row, action="update").get().before["end"] == 40


def test_cannot_touch_another_layer(article, owner, teammate):
    span = make_human_span(article, owner, "claim", 0, 20)
    elsewhere = r"^This span belongs to another annotator's layer\.$"
    with pytest.raises(NotAllowed, match=elsewhere):
        span_update(span=span, actor=teammate, version=1, note="mine now")
    with pytest.raises(NotAllowed, match=elsewhere):
        span_delete(span=span, actor=teammate, version=1)
    span.refresh_from_db()
    assert (span.note, span.version) == ("", 1)


def test_delete_undoes_a_decision_and_is_recorded(article, owner):
    suggestion = make_suggestion(article, "claim", 0, 40)
    row = make_decision(suggestion, owner, "reject")
    span_delete(span=row, actor=owner, version=row.version)
    assert not Span.objects.filter(pk=row.pk).exists()
    assert SpanEvent.objects.filter(span_ref=row.pk, action="delete").exists()
    with pytest.raises(NotAllowed, match=r"^Suggestions are rejected, not deleted\.$"):
        span_delete(span=suggestion, actor=owner, version=1)
    assert Span.objects.filter(pk=suggestion.pk).exists()


def test_bulk_decide_skips_already_decided(article, owner):
    first = make_suggestion(article, "claim", 0, 40)
    second = make_suggestion(article, "speculation", 41, 66)
    make_decision(first, owner, "reject")
    done, skipped = spans_bulk_decide(spans=[first, second], actor=owner, decision="accept")
    assert [row.derived_from_id for row in done] == [second.pk]
    assert [(span.pk, reason) for span, reason in skipped] == [
        (first.pk, "You already decided on this suggestion.")
    ]


def test_gold_layer_needs_reviewer(article, reviewer, teammate):
    claim = label(article.project, "claim")
    with pytest.raises(NotAllowed, match="does not allow you to edit the gold layer"):
        span_create(article=article, label=claim, start=0, end=20, actor=teammate, gold=True)
    gold = span_create(article=article, label=claim, start=0, end=20, actor=reviewer, gold=True)
    assert list(Span.objects.filter(gold=True)) == [gold]
    assert (gold.annotator, gold.status) == (reviewer, "accepted")


def test_text_is_immutable_once_spanned(article, owner):
    longer = article.text + " More."
    assert article_set_text(article=article, text=longer).text == longer
    make_human_span(article, owner, "claim", 0, 20)
    with pytest.raises(DomainError, match=r"^This article has spans; its text cannot change\."):
        article_set_text(article=article, text="Something else entirely.")
    article.refresh_from_db()
    assert article.text == longer

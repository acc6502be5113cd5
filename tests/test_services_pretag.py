"""Pre-tagging service: suggestions stored, re-runs keep every decision and rejected ones away."""

from __future__ import annotations

import pytest

from articles.errors import DomainError, NotAllowed
from articles.models import Article, Span
from articles.services import article_pretag, articles_pretag, span_update
from articles.services.pretag import project_pretag
from articles.tagging import Suggestion, register
from articles.tagging.base import TaggerError
from articles.tagging.rules import RulesTagger
from tests.factories import make_article, make_decision, make_human_span

RULES_ID = f"rules@{RulesTagger.version}"


class FixedTagger:
    """Returns whatever the test puts in ``output``; version bumps simulate an upgrade."""

    name = "fixed"
    version = "1"
    output: list[Suggestion] = []

    def tag(self, text: str) -> list[Suggestion]:
        if text.startswith("FAIL"):
            raise TaggerError("cannot tag this text")
        return list(self.output)


@pytest.fixture
def fixed():
    tagger = FixedTagger()
    register("fixed", lambda: tagger)
    return tagger


def keys(article: Article) -> set[tuple[str, int, int]]:
    return {
        (s.label.name, s.start, s.end) for s in Span.objects.suggestions().filter(article=article)
    }


def test_rules_tagger_stores_suggestions(article):
    result = article_pretag(article=article)
    article.refresh_from_db()
    assert article.pretag_state == "done" and article.pretag_tagger == RULES_ID
    rows = list(Span.objects.filter(article=article))
    assert result.created == len(rows) > 0
    assert all(r.kind == "suggested" and r.tagger_version == RULES_ID for r in rows)
    assert all(r.text == article.text[r.start : r.end] for r in rows)
    quote = next(r for r in rows if r.label.name == "quote" and r.attrs["direct"])
    assert (quote.text, quote.attrs["speaker"]) == ("We are ready", "Ana Lima")


def test_rerun_replaces_only_undecided_suggestions(article, owner, teammate, fixed):
    fixed.output = [
        Suggestion("claim", 0, 9),
        Suggestion("claim", 10, 14),
        Suggestion("claim", 15, 18),
        Suggestion("claim", 19, 25),
    ]
    article_pretag(article=article, tagger="fixed")
    by_start = {s.start: s for s in Span.objects.suggestions().filter(article=article)}
    accepted = make_decision(by_start[0], owner)
    rejected = make_decision(by_start[10], teammate, "reject")
    edited = span_update(span=by_start[15], actor=owner, version=1, end=17)
    human = make_human_span(article, teammate, "claim", 26, 32)
    # Upgrade: the tagger now proposes the rejected span again, and something new.
    fixed.version = "2"
    fixed.output = [
        Suggestion("claim", 10, 14),
        Suggestion("claim", 0, 9),
        Suggestion("claim", 33, 35),
    ]
    result = article_pretag(article=article, tagger="fixed")

    assert result.removed == 1  # only "bridge": nobody decided on it
    assert keys(article) == {
        ("claim", 0, 9),
        ("claim", 10, 14),
        ("claim", 15, 18),
        ("claim", 33, 35),
    }
    assert result.skipped_decided == 2  # the accepted one and the rejected one are not re-added
    for row in (accepted, rejected, edited, human):
        assert Span.objects.filter(pk=row.pk).exists()
    assert Span.objects.get(start=33, annotator__isnull=True).tagger_version == "fixed@2"


def test_rejected_suggestion_stays_away_even_after_it_is_gone(article, owner, fixed):
    """A rejection's suggestion key is blocked even if the suggestion row changed version."""
    fixed.output = [Suggestion("claim", 0, 10)]
    article_pretag(article=article, tagger="fixed")
    suggestion = Span.objects.suggestions().get(article=article)
    make_decision(suggestion, owner, "reject")
    article_pretag(article=article, tagger="fixed")
    article_pretag(article=article, tagger="fixed")
    assert Span.objects.suggestions().filter(article=article).count() == 1


def test_invalid_suggestions_are_skipped(article, fixed):
    fixed.output = [
        Suggestion("claim", 0, 10),
        Suggestion("nonexistent", 0, 10),
        Suggestion("claim", 5, 5000),
        Suggestion("quote", 10, 12),
        Suggestion("claim", 0, 10),  # repeat
    ]
    result = article_pretag(article=article, tagger="fixed")
    assert result.created == 2 and result.skipped_invalid == 3
    # [0, 10) is "Officials " and is stored trimmed of its space.
    assert keys(article) == {("claim", 0, 9), ("quote", 10, 12)}


def test_batch_records_failure_on_the_article_and_goes_on(project, fixed):
    bad = make_article(project, "FAIL this text cannot be tagged.")
    good = make_article(project, "This one is fine and gets tagged.")
    fixed.output = [Suggestion("claim", 0, 8)]
    results = articles_pretag(article_ids=[bad.pk, good.pk], tagger="fixed")
    bad.refresh_from_db()
    good.refresh_from_db()
    assert [r.article_id for r in results] == [good.pk]
    assert (bad.pretag_state, bad.pretag_error) == ("failed", "cannot tag this text")
    assert good.pretag_state == "done"


def test_unknown_tagger_is_a_field_error(project, owner):
    with pytest.raises(DomainError, match="Unknown tagger 'nope'") as caught:
        project_pretag(project=project, actor=owner, tagger="nope")
    assert caught.value.field == "tagger"


def test_project_pretag_marks_pending_and_queues(
    project, owner, viewer, article, django_capture_on_commit_callbacks
):
    Article.objects.filter(pk=article.pk).update(pretag_state="done")
    with pytest.raises(NotAllowed, match="does not allow you to pre-tag"):
        project_pretag(project=project, actor=viewer)
    with django_capture_on_commit_callbacks() as callbacks:
        assert project_pretag(project=project, actor=owner) == 1
    article.refresh_from_db()
    assert article.pretag_state == "pending" and len(callbacks) == 1

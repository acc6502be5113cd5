"""The editor's hot calls: their answers are built by hand-written ``to_representation``
methods that must give what the declared fields give, and their query counts are pinned
(signed in with a real session, as the browser is: session and user lookups included) so a
change that adds a query to every decision shows up here."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from rest_framework.serializers import Serializer

from articles.api.articles import ArticleListOut, ArticleOut
from articles.api.serializers import LabelOut
from articles.models import Article, Label
from articles.selectors.articles import article_get
from tests.factories import make_article, make_decision, make_human_span, make_suggestion


def generic(serializer: Serializer, instance: object) -> dict:
    """What DRF's own field-by-field path gives."""
    return dict(Serializer.to_representation(serializer, instance))


def test_article_and_label_outputs_match_their_fields(teammate, article):
    Article.objects.filter(pk=article.pk).update(
        published_at=datetime.date(2026, 3, 1),
        pretagged_at=datetime.datetime(2026, 3, 2, 10, 30, 1, 5, tzinfo=datetime.UTC),
        pretag_tagger="rules@1.7",
        meta={"desk": "city"},
    )
    Label.objects.filter(project=article.project, name="quote").update(hotkey="q")
    loaded = article_get(user=teammate, article_id=article.pk)
    bare = make_article(article.project, "Other.")
    bare.refresh_from_db()
    for instance in (loaded, bare):
        for serializer_class in (ArticleListOut, ArticleOut):
            serializer = serializer_class(instance)
            assert serializer.data == generic(serializer, instance)
    assert ArticleOut(loaded).data["published_at"] == "2026-03-01"
    assert ArticleOut(loaded).data["pretagged_at"] == "2026-03-02T10:30:01.000005Z"
    labels = list(article.project.labels.all())
    assert len(labels) >= 3
    for label in labels:
        assert LabelOut(label).data == generic(LabelOut(label), label)


@pytest.fixture
def browser(teammate):
    """A real session, as the editor page's scripts have."""
    client = Client()
    client.force_login(teammate)
    return client


def test_decision_queries(browser, article, django_assert_num_queries):
    suggestion = make_suggestion(article, "claim", 0, 9)
    # Session, user, the span with its access; in the transaction the article lock, the
    # suggestion still there and the refusals (one query), the insert and its history. (The
    # training counter's UPDATE runs after commit, which a test's transaction never reaches.)
    with django_assert_num_queries(9):
        response = browser.post(
            f"/api/spans/{suggestion.pk}/decision/",
            {"decision": "accept"},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content


def test_span_update_queries(browser, teammate, article, django_assert_num_queries):
    row = make_human_span(article, teammate, "claim", 0, 9)
    # Session, user, the span with its access; in the transaction (a savepoint in a test) the
    # lock, the locked row, the overlap check, the update and its history.
    with django_assert_num_queries(10):
        response = browser.patch(
            f"/api/spans/{row.pk}/", {"version": 1, "note": "x"}, content_type="application/json"
        )
    assert response.status_code == 200, response.content


def test_span_create_queries(browser, article, django_assert_num_queries):
    # Session, user, the article with its access and its labels; in the transaction (a
    # savepoint in a test) the lock, the overlap check, the insert and its history.
    with django_assert_num_queries(10):
        response = browser.post(
            f"/api/articles/{article.pk}/spans/",
            {"label": "claim", "start": 0, "end": 9},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content


def test_span_list_queries_do_not_grow_with_spans(
    browser, teammate, article, django_assert_num_queries
):
    for start in range(0, 60, 10):
        make_decision(make_suggestion(article, "claim", start, start + 5), teammate)
    make_suggestion(article, "quote", 70, 90)
    with django_assert_num_queries(5):
        response = browser.get(f"/api/articles/{article.pk}/spans/")
    assert response.status_code == 200 and len(response.json()) == 7


def test_every_layer_names_each_annotator_in_one_more_query(
    teammate, reviewer, owner, article, django_assert_num_queries
):
    make_decision(make_suggestion(article, "claim", 0, 9), teammate)
    make_human_span(article, owner, "quote", 40, 50)
    make_suggestion(article, "speculation", 20, 30)
    client = Client()
    client.force_login(reviewer)
    # Session, user, article, labels, spans; then the two other annotators at once.
    with django_assert_num_queries(6):
        response = client.get(f"/api/articles/{article.pk}/spans/?layer=all")
    assert response.status_code == 200, response.content
    named = sorted((s["label"], s["annotator"] or "") for s in response.json())
    assert named == [
        ("claim", ""),
        ("claim", teammate.username),
        ("quote", owner.username),
        ("speculation", ""),
    ]


def test_article_read_queries(browser, article, django_assert_num_queries):
    with django_assert_num_queries(4):
        response = browser.get(f"/api/articles/{article.pk}/")
    assert response.status_code == 200 and len(response.json()["labels"]) >= 3


def test_editor_page_queries(browser, teammate, article, django_assert_num_queries):
    make_decision(make_suggestion(article, "claim", 0, 9), teammate)
    with django_assert_num_queries(5):
        response = browser.get(f"/articles/{article.pk}/")
    assert response.status_code == 200

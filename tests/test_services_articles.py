"""Articles come in normalised, deduplicated and within limits."""

import pytest

from articles.errors import DomainError, Duplicate
from articles.models import Article
from articles.services import article_create
from tests.factories import make_project


def test_text_normalised_on_the_way_in(project):
    article = article_create(
        project=project, title="Cafe\u0301\r\n", text="Line one\r\nCafe\u0301\r"
    )
    assert article.text == "Line one\nCafé\n"
    assert article.title == "Café"


def test_duplicate_after_normalisation_reported(project):
    first = article_create(project=project, text="Same text.\r\n")
    with pytest.raises(Duplicate, match=rf"^The same text is already article {first.pk}\.$"):
        article_create(project=project, text="Same text.\n")
    assert Article.objects.filter(project=project).count() == 1


def test_same_text_allowed_in_another_project(project, owner):
    here = article_create(project=project, text="Shared text.")
    there = article_create(project=make_project(owner), text="Shared text.")
    assert here.pk != there.pk and here.content_hash == there.content_hash
    assert Article.objects.filter(content_hash=here.content_hash).count() == 2


def test_empty_and_oversized_texts_refused(project, settings):
    settings.IMPORT_MAX_ARTICLE_CHARS = 10
    with pytest.raises(DomainError, match=r"^The article text is empty\.$") as error:
        article_create(project=project, text=" \n ")
    assert error.value.field == "text"
    with pytest.raises(
        DomainError,
        match=r"^The article text has 11 characters; the limit is 10 \(IMPORT_MAX_ARTICLE_CHARS\)",
    ):
        article_create(project=project, text="x" * 11)
    assert not Article.objects.exists()


def test_new_project_gets_default_labels(project):
    labels = {lab.name: lab.hotkey for lab in project.labels.all()}
    assert labels == {"claim": "1", "quote": "2", "speculation": "3"}
    assert "speculation" in project.guidelines

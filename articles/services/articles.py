from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from articles.errors import DomainError, Duplicate
from articles.models import Article, ImportJob, Project
from articles.storable import text_problem
from articles.text import content_hash, normalize_text


def article_prepare_text(raw: str) -> str:
    """Normalise an incoming text and check it against the configured limits."""
    problem = text_problem(raw)
    if problem:
        raise DomainError(f"The article text {problem}.", field="text")
    text = normalize_text(raw)
    if not text.strip():
        raise DomainError("The article text is empty.", field="text")
    if len(text) > settings.IMPORT_MAX_ARTICLE_CHARS:
        raise DomainError(
            f"The article text has {len(text)} characters; the limit is "
            f"{settings.IMPORT_MAX_ARTICLE_CHARS} (IMPORT_MAX_ARTICLE_CHARS).",
            field="text",
        )
    return text


def article_create(
    *,
    project: Project,
    text: str,
    title: str = "",
    source_url: str = "",
    author: str = "",
    published_at: dt.date | None = None,
    language: str = "en",
    meta: dict[str, Any] | None = None,
    import_job: ImportJob | None = None,
) -> Article:
    """One article; a text already in the project raises ``Duplicate``.

    Pre-tagging is not queued here: callers enqueue after commit for the articles they made.
    """
    normalized = article_prepare_text(text)
    for name, value in (("title", title), ("source_url", source_url), ("author", author)):
        if problem := text_problem(value):
            raise DomainError(f"The {name} {problem}.", field=name)
    digest = content_hash(normalized)
    existing = Article.objects.filter(project=project, content_hash=digest).first()
    if existing is not None:
        raise Duplicate(f"The same text is already article {existing.pk}.", field="text")
    try:
        with transaction.atomic():
            return Article.objects.create(
                project=project,
                title=normalize_text(title).strip(),
                text=normalized,
                source_url=source_url,
                author=author,
                published_at=published_at,
                language=language,
                meta=meta or {},
                content_hash=digest,
                import_job=import_job,
            )
    except IntegrityError:
        # Another request stored the same text between our check and our insert.
        raise Duplicate("The same text is already in this project.", field="text") from None


@transaction.atomic
def article_set_text(*, article: Article, text: str) -> Article:
    """Replace the text of an article that has no spans yet.

    Once spans exist their offsets point into this text: a changed text is a new article.
    """
    locked = Article.objects.select_for_update().get(pk=article.pk)
    normalized = article_prepare_text(text)
    if normalized == locked.text:
        return locked
    if locked.spans.exists():
        raise DomainError(
            "This article has spans; its text cannot change. Import the new text as a new article.",
            field="text",
        )
    digest = content_hash(normalized)
    if Article.objects.filter(project=locked.project_id, content_hash=digest).exists():
        raise Duplicate("The same text is already in this project.", field="text")
    locked.text = normalized
    locked.content_hash = digest
    locked.pretag_state = Article.PretagState.PENDING
    locked.save(update_fields=["text", "content_hash", "pretag_state", "updated_at"])
    return locked

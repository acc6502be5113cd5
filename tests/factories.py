"""Builders for test data, going through the services like the app does."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from articles.models import Article, ImportJob, Label, Project, Span
from articles.services import article_create, project_create, span_create, span_decide
from articles.services.spans import Decision
from articles.types import User

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_user(username: str | None = None, **extra: Any) -> AbstractBaseUser:
    name = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(username=name, password=PASSWORD, **extra)


def make_project(owner: AbstractBaseUser | None, name: str | None = None) -> Project:
    return project_create(name=name or f"Project {next(_counter)}", created_by=owner)


def make_article(project: Project, text: str | None = None, **fields: Any) -> Article:
    body = text or f"Article number {next(_counter)}. The council met on Monday."
    return article_create(
        project=project, text=body, title=fields.pop("title", "A title"), **fields
    )


def label(project: Project, name: str) -> Label:
    return project.labels.get(name=name)


def make_suggestion(
    article: Article,
    name: str,
    start: int,
    end: int,
    *,
    confidence: float = 0.9,
    attrs: dict[str, Any] | None = None,
) -> Span:
    """A machine suggestion as the pre-tagger stores it."""
    return Span.objects.create(
        article=article,
        label=label(article.project, name),
        start=start,
        end=end,
        text=article.text[start:end],
        attrs=attrs or {},
        origin=Span.Origin.MACHINE,
        status=Span.Status.SUGGESTED,
        confidence=confidence,
        tagger_version="test@1",
    )


def make_decision(
    span: Span, user: User, decision: Decision = "accept", *, gold: bool = False
) -> Span:
    """``user``'s decision on a suggestion: a row of their layer, as the editor makes it."""
    return span_decide(span=span, actor=user, decision=decision, gold=gold)


def make_human_span(
    article: Article,
    user: User,
    label: str | Label,
    start: int,
    end: int,
    *,
    gold: bool = False,
    note: str = "",
    **attrs: Any,
) -> Span:
    """A span ``user`` drew in their layer (trimmed and checked like the editor's);
    keyword arguments other than ``gold`` and ``note`` are the span's attributes."""
    chosen = label if isinstance(label, Label) else article.project.labels.get(name=label)
    return span_create(
        article=article,
        label=chosen,
        start=start,
        end=end,
        actor=user,
        attrs=attrs,
        note=note,
        gold=gold,
    )


def run_imports() -> list[ImportJob]:
    """Run every pending import job now, in this thread, as a worker would: for tests that
    do not start one. Returns the jobs as they ended."""
    from articles.services.import_jobs import import_job_run

    pending = ImportJob.objects.filter(state="pending").order_by("pk").values_list("pk", flat=True)
    return [import_job_run(job_id=job_id) for job_id in list(pending)]

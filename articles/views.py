"""Server-rendered pages: parse, check access, read through a selector, render."""

from __future__ import annotations

import re
from functools import lru_cache

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from articles.api.serializers import LabelOut
from articles.guidelines import guidelines_text
from articles.models import Article, Role
from articles.selectors import articles as article_selectors
from articles.selectors import projects as project_selectors
from articles.selectors import spans as span_selectors
from articles.types import SignedInHttpRequest

QUEUE_PAGE_SIZE = 100
REVIEW_CHOICES = [("", "Any"), ("new", "New"), ("in_progress", "In progress"), ("done", "Done")]


@login_required
@require_safe
def project_list(request: SignedInHttpRequest) -> HttpResponse:
    projects = project_selectors.project_list(user=request.user, counts=True)
    return render(request, "articles/project_list.html", {"projects": projects})


@login_required
@require_safe
def article_list(request: SignedInHttpRequest, project_id: int) -> HttpResponse:
    project = project_selectors.project_get(user=request.user, project_id=project_id)
    review = request.GET.get("review") or ""
    pretag = request.GET.get("pretag") or ""
    search = (request.GET.get("q") or "").strip()
    queue = article_selectors.article_queue(
        user=request.user,
        project=project,
        review_state=review if review in article_selectors.REVIEW_STATES else None,
        pretag_state=pretag if pretag in Article.PretagState.values else None,
        search=search or None,
    )
    page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/article_list.html",
        {
            "project": project,
            "page": page,
            "review": review,
            "pretag": pretag,
            "q": search,
            "review_choices": REVIEW_CHOICES,
            "pretag_choices": [("", "Any"), *Article.PretagState.choices],
        },
    )


@login_required
@require_safe
def article_detail(request: SignedInHttpRequest, article_id: int) -> HttpResponse:
    article = article_selectors.article_get(user=request.user, article_id=article_id)
    labels = list(article.project.labels.all())
    data = {
        "article": {
            "id": article.pk,
            "title": str(article),
            "text": article.text,
            "project": article.project_id,
            "review": getattr(article, "my_review", None),
            "pretag_state": article.pretag_state,
        },
        "labels": LabelOut(labels, many=True).data,
        "spans": span_selectors.editor_rows(article=article, user=request.user, labels=labels),
        "can_edit": Role(getattr(article, "my_role", Role.VIEWER)).covers(Role.EDITOR),
        "user": request.user.get_username(),
        "csrf": get_token(request),
        "urls": {
            "api": "/api/",
            "next": reverse("articles:article_next", args=[article.pk]),
            "queue": reverse("articles:article_list", args=[article.project_id]),
        },
    }
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "labels": labels,
            "editor_data": data,
            "guidelines_html": _guidelines_html(article.project.guidelines),
        },
    )


@login_required
@require_safe
def article_next(request: SignedInHttpRequest, article_id: int) -> HttpResponse:
    """Go to the next article of the user's queue, or back to the queue when none is left."""
    article = article_selectors.article_get(
        user=request.user, article_id=article_id, with_text=False
    )
    following = article_selectors.next_article(user=request.user, article=article)
    if following is None:
        return redirect("articles:article_list", project_id=article.project_id)
    return redirect("articles:article_detail", article_id=following.pk)


@login_required
@require_safe
def guidelines(request: SignedInHttpRequest) -> HttpResponse:
    return render(request, "articles/guidelines.html", {"guidelines_html": _guidelines_html("")})


def _guidelines_html(project_guidelines: str) -> SafeString:
    """The project's own guidelines when it has them, else the shipped ones."""
    return markdown_to_html(project_guidelines.strip() or guidelines_text())


_INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"<em>\1</em>"),
]


def _inline(text: str) -> str:
    html: str = escape(text)
    for pattern, replacement in _INLINE:
        html = pattern.sub(replacement, html)
    return html


@lru_cache(maxsize=32)
def markdown_to_html(source: str) -> SafeString:
    """A small Markdown subset (headings, paragraphs, bullet lists, bold, italic, code),
    enough for guidelines; every character of the source is escaped first."""
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in source.splitlines():
        line = raw.rstrip()
        heading = re.match(r"^(#{1,4})\s+(.*)$", line)
        if heading:
            flush()
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif re.match(r"^\s*[-*]\s+", line):
            if paragraph:
                flush()
            items.append(re.sub(r"^\s*[-*]\s+", "", line))
        elif not line.strip():
            flush()
        elif items and raw.startswith((" ", "\t")):
            items[-1] += " " + line.strip()
        else:
            if items:
                flush()
            paragraph.append(line.strip())
    flush()
    return mark_safe("\n".join(out))  # built from escaped text only

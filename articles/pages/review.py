"""The reviewer's adjudication page: every finished editor layer of an article, keyboard
first; the page reads and writes through ``/api/articles/{id}/adjudication/``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from articles.api.serializers import LabelOut
from articles.models import Role
from articles.selectors import articles as article_selectors
from articles.selectors.adjudication import adjudication_view
from articles.types import SignedInHttpRequest


@login_required
@require_safe
def review_page(request: SignedInHttpRequest, article_id: int) -> HttpResponse:
    article = article_selectors.article_get(
        user=request.user,
        article_id=article_id,
        at_least=Role.REVIEWER,
        action="adjudicate (reviewers)",
    )
    labels = list(article.project.labels.all())
    data = {
        "article": {"id": article.pk, "title": str(article), "text": article.text},
        "labels": LabelOut(labels, many=True).data,
        "view": adjudication_view(article=article),
        "csrf": get_token(request),
        "urls": {
            "adjudication": f"/api/articles/{article.pk}/adjudication/",
            "spans": "/api/spans/",
            "history": reverse("teams:history", args=[article.project_id])
            + f"?article={article.pk}",
        },
    }
    return render(request, "articles/review/review.html", {"article": article, "review_data": data})

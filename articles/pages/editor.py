"""The editor page, the way to the next article, and the guidelines page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from articles.api.serializers import LabelOut
from articles.attributes import FACT_CHECK_URL, OFF_SCALE, VERDICT, VERDICT_NOTE
from articles.guidelines import CLAIM_LABEL
from articles.models import Role
from articles.pages.markdown import guidelines_html
from articles.selectors import articles as article_selectors
from articles.selectors import spans as span_selectors
from articles.types import SignedInHttpRequest

# The similar-claims panel: which label's spans it is for, the attributes holding the verdict,
# its explanation and fact-check URL, those that "copy the verdict" carries over, and the
# verdicts off the rating scale. The page's modules know no label or attribute by name.
SIMILAR_PANEL = {
    "label": CLAIM_LABEL,
    "verdict": VERDICT["name"],
    "note": VERDICT_NOTE["name"],
    "url": FACT_CHECK_URL["name"],
    "copy": [VERDICT["name"], VERDICT_NOTE["name"], FACT_CHECK_URL["name"]],
    "off_scale": sorted(OFF_SCALE),
}


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
        "similar": SIMILAR_PANEL,
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
            "guidelines_html": guidelines_html(article.project.guidelines),
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
    return render(request, "articles/guidelines.html", {"guidelines_html": guidelines_html("")})

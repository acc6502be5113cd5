"""The queue's skip and flag buttons: a plain form POST, then back to the queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from articles.errors import DomainError
from articles.models import Role
from articles.selectors import articles as article_selectors
from articles.services.assignments import assignment_flag, assignment_skip
from articles.types import SignedInHttpRequest


@login_required
@require_POST
def assignment_action(request: SignedInHttpRequest, article_id: int) -> HttpResponse:
    article = article_selectors.article_get(
        user=request.user,
        article_id=article_id,
        at_least=Role.EDITOR,
        action="skip or flag articles",
        with_text=False,
    )
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")[:2000]
    try:
        if action == "skip":
            assignment_skip(article=article, actor=request.user, reason=reason)
            messages.success(request, f"Skipped “{article}”: it goes to someone else.")
        elif action == "flag":
            assignment_flag(article=article, actor=request.user, reason=reason)
            messages.success(request, f"Flagged “{article}” for the project's admins.")
        else:
            messages.error(request, "Choose Skip or Flag.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("articles:article_list", project_id=article.project_id)

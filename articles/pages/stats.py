"""A project's figures: articles per pre-tag state, each annotator's articles per review
state, and spans per label and status."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles.models import Span
from articles.pages.common import project_context
from articles.selectors import projects as project_selectors
from articles.selectors.stats import project_stats
from articles.types import SignedInHttpRequest


@login_required
@require_safe
def stats_page(request: SignedInHttpRequest, project_id: int) -> HttpResponse:
    project = project_selectors.project_get(user=request.user, project_id=project_id)
    context = project_context(
        project, "stats", stats=project_stats(project), span_statuses=Span.Status.values
    )
    return render(request, "articles/manage/stats.html", context)

"""Server-rendered pages: parse, check access, read through a selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from articles.guidelines import guidelines_text
from articles.models import Article, Project


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.visible_to(request.user)
    return render(request, "articles/project_list.html", {"projects": projects})


@login_required
def article_list(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=project_id)
    articles = project.articles.order_by("id")
    return render(request, "articles/article_list.html", {"project": project, "articles": articles})


@login_required
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.visible_to(request.user).select_related("project"), pk=article_id
    )
    spans = article.spans.select_related("label").in_text_order()
    return render(request, "articles/article_detail.html", {"article": article, "spans": spans})


@login_required
def guidelines(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    return render(request, "articles/guidelines.html", {"guidelines": guidelines_text()})

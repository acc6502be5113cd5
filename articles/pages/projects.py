"""Projects: the list, a new project, its settings, and deleting it after a confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from articles import services
from articles.access import can_create_projects, remember_role, require_project_creator
from articles.errors import DomainError
from articles.guidelines import guidelines_text
from articles.models import Project, Role
from articles.pages.common import PageForm, form_error, project_context
from articles.selectors import projects as project_selectors
from articles.selectors.stats import project_contents
from articles.tagging.registry import available_taggers
from articles.types import SignedInHttpRequest


class ProjectForm(PageForm):
    name = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="One or two lines."
    )
    guidelines = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "class": "mono"}),
        help_text="Markdown (# headings, - lists, **bold**, `code`), shown to editors beside "
        "the text. Left empty, editors see the shipped guidelines.",
    )
    tagger = forms.ChoiceField(
        required=False,
        help_text="What pre-tags new articles before anyone reads them.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tagger = self.fields["tagger"]
        assert isinstance(tagger, forms.ChoiceField)
        tagger.choices = [
            ("", f"Default ({settings.DEFAULT_TAGGER})"),
            *((name, name) for name in available_taggers()),
        ]


@login_required
@require_safe
def project_list(request: SignedInHttpRequest) -> HttpResponse:
    projects = project_selectors.project_list(user=request.user, counts=True)
    return render(
        request,
        "articles/project_list.html",
        {"projects": projects, "can_create": can_create_projects(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: SignedInHttpRequest) -> HttpResponse:
    require_project_creator(request.user)
    if request.method != "POST":
        form = ProjectForm(initial={"guidelines": guidelines_text()})
        return render(request, "articles/manage/project_form.html", {"form": form})
    form = ProjectForm(request.POST)
    if form.is_valid():
        try:
            project = services.project_create(created_by=request.user, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            remember_role(project, request.user, Role.ADMIN)
            messages.success(
                request, f"Created the project “{project.name}”. Import articles next."
            )
            return redirect("articles:project_import", project_id=project.pk)
    return render(request, "articles/manage/project_form.html", {"form": form}, status=400)


def _admin_project(request: SignedInHttpRequest, project_id: int, action: str) -> Project:
    return project_selectors.project_get(
        user=request.user, project_id=project_id, at_least=Role.ADMIN, action=action
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_settings(request: SignedInHttpRequest, project_id: int) -> HttpResponse:
    project = _admin_project(request, project_id, "change its settings")
    if request.method != "POST":
        form = ProjectForm(
            initial={
                "name": project.name,
                "description": project.description,
                "guidelines": project.guidelines,
                "tagger": project.tagger,
            }
        )
        return render(
            request,
            "articles/manage/project_settings.html",
            project_context(project, "settings", form=form),
        )
    form = ProjectForm(request.POST)
    if form.is_valid():
        try:
            services.project_update(project=project, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            project.refresh_from_db()  # the page's name and crumbs stay the stored ones
            form_error(form, error)
        else:
            messages.success(request, "Saved the project's settings.")
            return redirect("articles:project_settings", project_id=project.pk)
    return render(
        request,
        "articles/manage/project_settings.html",
        project_context(project, "settings", form=form),
        status=400,
    )


class DeleteForm(PageForm):
    confirm = forms.CharField(label="Type the project's name to confirm", strip=False)

    def __init__(self, *args: Any, name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = name
        self.fields["confirm"].help_text = f"Type “{name}”, as written here."

    def clean_confirm(self) -> str:
        typed: str = self.cleaned_data["confirm"]
        if typed != self.name:
            raise forms.ValidationError(f"Type the name exactly as it is, {self.name}, to delete.")
        return typed


@login_required
@require_http_methods(["GET", "POST"])
def project_delete(request: SignedInHttpRequest, project_id: int) -> HttpResponse:
    project = _admin_project(request, project_id, "delete it")
    form = DeleteForm(request.POST if request.method == "POST" else None, name=project.name)
    if request.method == "POST" and form.is_valid():
        deleted = services.project_delete(project=project, actor=request.user)
        articles = deleted.get("articles.Article", 0)
        spans = deleted.get("articles.Span", 0)
        messages.success(
            request,
            f"Deleted the project “{form.name}” with {articles} article{'s' * (articles != 1)} "
            f"and {spans} span{'s' * (spans != 1)}.",
        )
        return redirect("articles:project_list")
    context = project_context(project, "settings", form=form, contents=project_contents(project))
    status = 400 if request.method == "POST" else 200
    return render(request, "articles/manage/project_delete.html", context, status=status)

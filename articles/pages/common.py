"""What the page modules share: form errors from domain errors, the project page context."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from articles.errors import DomainError
from articles.models import Project, Role

# The sections every project page links to, in the order the navigation shows them, with
# the least role that can use each (links a role cannot use are left out).
SECTIONS: tuple[tuple[str, str, str, Role], ...] = (
    ("queue", "Articles", "articles:article_list", Role.VIEWER),
    ("search", "Search", "articles:project_search", Role.VIEWER),
    ("import", "Import", "articles:project_import", Role.EDITOR),
    ("export", "Export", "articles:project_export", Role.VIEWER),
    ("members", "Members", "articles:project_members", Role.VIEWER),
    ("labels", "Labels", "articles:project_labels", Role.VIEWER),
    ("stats", "Stats", "articles:project_stats", Role.VIEWER),
    ("settings", "Settings", "articles:project_settings", Role.ADMIN),
)


class PageForm(forms.Form):
    """A form of our pages: labels without a trailing colon (the layout sets them apart)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


# Roles as the pages' menus name them (what each allows is said beside them).
ROLE_CHOICES = [(role.value, role.value.capitalize()) for role in Role]


def role_of(project: Project) -> Role:
    """The role an ``access_*`` call remembered on the project (pages always make one)."""
    return Role(getattr(project, "my_role", None) or Role.VIEWER)


def project_context(project: Project, section: str, **extra: Any) -> dict[str, Any]:
    """The context every project page's template needs: the project, the caller's role and
    what it allows, and the navigation with the current section marked."""
    role = role_of(project)
    return {
        "project": project,
        "role": role,
        "can_edit": role.covers(Role.EDITOR),
        "can_admin": role.covers(Role.ADMIN),
        "section": section,
        "sections": [
            (key, title, reverse(name, args=[project.pk]))
            for key, title, name, needed in SECTIONS
            if role.covers(needed)
        ],
        **extra,
    }


def form_error(form: forms.BaseForm, error: DomainError) -> None:
    """Put a service's refusal on the field it names, or above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def refused(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 400
) -> HttpResponse:
    """The page again, with its forms' errors, answered with a 4xx status."""
    return render(request, template, context, status=status)

"""A project's front page: the caller's queue of articles, filtered.

The filters carry the API's names (``review_state``, ``pretag_state``, ``q``); an unknown
filter or value is reported on the page with 400, never ignored.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles.models import Article
from articles.pages.common import PageForm, project_context
from articles.selectors import articles as article_selectors
from articles.selectors import projects as project_selectors
from articles.types import SignedInHttpRequest

QUEUE_PAGE_SIZE = 100
REVIEW_NAMES = {"new": "New", "in_progress": "In progress", "done": "Done"}


class QueueFilters(PageForm):
    review_state = forms.ChoiceField(
        label="Your review",
        required=False,
        choices=[("", "Any"), *((s, REVIEW_NAMES[s]) for s in article_selectors.REVIEW_STATES)],
    )
    pretag_state = forms.ChoiceField(
        label="Pre-tag", required=False, choices=[("", "Any"), *Article.PretagState.choices]
    )
    q = forms.CharField(label="Search", required=False, max_length=200, strip=True)

    # Not a filter: the pager's position.
    OTHER_PARAMETERS = ("page",)

    def clean(self) -> dict[str, str]:
        cleaned = super().clean() or {}
        known = {*self.fields, *self.OTHER_PARAMETERS}
        unknown = sorted(set(self.data) - known)
        if unknown:
            names = ", ".join(repr(name) for name in unknown)
            raise forms.ValidationError(
                f"Unknown filter {names}: the filters are review_state, pretag_state and q."
            )
        return cleaned


@login_required
@require_safe
def article_list(request: SignedInHttpRequest, project_id: int) -> HttpResponse:
    project = project_selectors.project_get(user=request.user, project_id=project_id)
    filters = QueueFilters(request.GET)
    context = project_context(project, "queue", filters=filters, page=None, filtered=False)
    if not filters.is_valid():
        return render(request, "articles/article_list.html", context, status=400)
    values = filters.cleaned_data
    queue = article_selectors.article_queue(
        user=request.user,
        project=project,
        review_state=values["review_state"] or None,
        pretag_state=values["pretag_state"] or None,
        search=values["q"] or None,
    )
    context["page"] = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    context["filtered"] = any(values.values())
    # The pager keeps the filters (and only those).
    context["pager_query"] = urlencode({name: value for name, value in values.items() if value})
    return render(request, "articles/article_list.html", context)

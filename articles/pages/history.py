"""The audit trail page: the project's history, filtered, with CSV and JSONL downloads."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles.api.history import HistoryFilterIn, history_filters
from articles.errors import DomainError
from articles.models import Role, SpanEvent
from articles.selectors import projects as project_selectors
from articles.selectors.history import event_row, history_events
from articles.types import SignedInHttpRequest

PAGE_SIZE = 100


@login_required
@require_safe
def history_page(request: SignedInHttpRequest, project_id: int) -> HttpResponse:
    project = project_selectors.project_get(
        user=request.user,
        project_id=project_id,
        at_least=Role.REVIEWER,
        action="read the audit trail (reviewers)",
    )
    fields = HistoryFilterIn().fields
    query_dict = request.GET.copy()
    for key in list(query_dict):
        if key not in fields or not query_dict.get(key):
            del query_dict[key]
    given = query_dict.dict()
    # A query string: text values, read as the API reads its query strings.
    form = HistoryFilterIn(data=given, context={"from_text": True})
    errors: dict[str, list[str]] = {}
    events = SpanEvent.objects.none()
    if form.is_valid():
        try:
            events = history_events(project=project, filters=history_filters(form.validated_data))
        except DomainError as error:
            errors = error.as_dict()
    else:
        errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode(given)
    return render(
        request,
        "articles/history/history.html",
        {
            "project": project,
            "page": page,
            "rows": [event_row(event) for event in page],
            "given": given,
            "errors": errors,
            "actions": SpanEvent.Action.values,
            "query": query,
            "api": f"/api/projects/{project.pk}/history/export/",
        },
    )

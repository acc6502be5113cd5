"""The search page: the project's spans found by text and filters (the API's search and its
parameter names), each shown in its paragraph with the match highlighted and a link into
the editor. A plain GET form; pages are the API's cursors."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles.api.search import SearchIn, span_search_of
from articles.errors import DomainError
from articles.models import Span
from articles.pages.common import project_context
from articles.selectors import projects as project_selectors
from articles.selectors.search import Cursor, SearchPage, span_search, verdict_choices
from articles.types import SignedInHttpRequest

PAGE_SIZE = 20
FILTERS = ("q", "label", "speaker", "verdict", "status", "layer", "annotator", "article")


@login_required
@require_safe
def search_page(request: SignedInHttpRequest, project_id: int) -> HttpResponse:
    project = project_selectors.project_get(user=request.user, project_id=project_id)
    # An empty field of the form means "any", as leaving the parameter out does.
    given = {key: str(value) for key, value in request.GET.items() if str(value).strip()}
    form = SearchIn(data=given, context={"from_text": True})
    errors: dict[str, list[str]] = {}
    page = SearchPage()
    if form.is_valid():
        values = {**form.validated_data, "page_size": PAGE_SIZE}
        try:
            cursor = Cursor.decode(values["cursor"]) if "cursor" in values else None
            page = span_search(
                user=request.user,
                project=project,
                search=span_search_of(values),
                cursor=cursor,
                page_size=PAGE_SIZE,
            )
        except DomainError as error:
            errors = error.as_dict()
    else:
        errors = {
            key: [str(message) for message in messages] for key, messages in form.errors.items()
        }
    filters = {key: value for key, value in given.items() if key in FILTERS}
    styles = {
        name: (color, pattern)
        for name, color, pattern in project.labels.order_by("order", "name").values_list(
            "name", "color", "pattern"
        )
    }
    context = project_context(
        project,
        "search",
        given=filters,
        errors=errors,
        searched=bool(filters),
        rows=[_shown(row, styles) for row in page.rows],
        method=page.method,
        next_url=_page_url(filters, page.next),
        previous_url=_page_url(filters, page.previous),
        labels=list(styles),
        verdicts=verdict_choices(project),
        statuses=Span.Status.values,
        members=list(
            project.memberships.order_by("user__username").values_list("user__username", flat=True)
        ),
    )
    return render(request, "articles/manage/search.html", context, status=400 if errors else 200)


def _page_url(filters: dict[str, str], cursor: Cursor | None) -> str | None:
    if cursor is None:
        return None
    return "?" + urlencode({**filters, "cursor": cursor.encode()})


def _shown(row: dict[str, Any], styles: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """The row with its label's colour and pattern and its snippet cut into the parts the
    template marks up: the context before, the span as (text, matched) pieces, the context
    after."""
    snippet = row["snippet"]
    text, (start, end) = snippet["text"], snippet["span"]
    pieces: list[tuple[str, bool]] = []
    at = start
    for match_start, match_end in snippet["matches"]:
        if match_start > at:
            pieces.append((text[at:match_start], False))
        pieces.append((text[match_start:match_end], True))
        at = match_end
    if at < end:
        pieces.append((text[at:end], False))
    color, pattern = styles.get(row["label"], ("#6b7280", "solid"))
    return {
        **row,
        "color": color,
        "pattern": pattern,
        "before": text[:start],
        "pieces": pieces,
        "after": text[end:],
    }

"""``/api/projects/{id}/spans/search/``: the project's spans found by text, label, speaker,
verdict, status, layer, annotator and article; best match first, keyset pages.

Under the project, not ``/api/spans/``: a search is of one project (label names and the
rating scale are the project's, and an outsider gets the project's 404 before anything is
searched), as the search page is.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from articles.api.serializers import ERRORS, StrictInput, csv_list, id_field, validated
from articles.models import Span
from articles.selectors import projects as project_selectors
from articles.selectors.search import (
    MAX_PAGE_SIZE,
    Cursor,
    SearchPage,
    SpanSearch,
    span_search,
)
from articles.types import SignedInRequest

DEFAULT_PAGE_SIZE = 20


class SearchFilterIn(StrictInput):
    """The filters; the search page's form has the same names."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text='Words in the span text (all of them; "a phrase", -not, or). '
        "Stemmed full text on PostgreSQL, substrings on SQLite.",
    )
    label = serializers.CharField(  # type: ignore[assignment]  # a field named like Field.label
        required=False, allow_blank=True, max_length=500, help_text="Label name; comma-separated."
    )
    speaker = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="Part of the span's speaker attribute (any case).",
    )
    verdict = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="The claim's verdict, e.g. `false` (any case).",
    )
    status = serializers.ChoiceField(choices=Span.Status.choices, required=False, allow_blank=True)
    layer = serializers.ChoiceField(
        choices=[("machine", "machine"), ("human", "human")],
        required=False,
        allow_blank=True,
        help_text="machine: the shared suggestions; human: people's layers.",
    )
    annotator = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text="Username of the layer."
    )
    article = id_field(required=False)


class SearchIn(SearchFilterIn):
    cursor = serializers.CharField(
        required=False,
        max_length=500,
        help_text="Opaque position from a `next` or `previous` link.",
    )
    page_size = serializers.IntegerField(
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        required=False,
        default=DEFAULT_PAGE_SIZE,
        help_text=f"Rows per page, at most {MAX_PAGE_SIZE}.",
    )


def span_search_of(values: dict[str, Any]) -> SpanSearch:
    """The selector's query from validated filters (the API's and the page's)."""
    return SpanSearch(
        q=values.get("q", ""),
        labels=tuple(csv_list(values.get("label", ""))),
        speaker=values.get("speaker", "").strip(),
        verdict=values.get("verdict", "").strip(),
        status=values.get("status", ""),
        layer=values.get("layer") or None,
        annotator=values.get("annotator", "").strip(),
        article_id=values.get("article"),
    )


class SnippetOut(serializers.Serializer):
    text = serializers.CharField(help_text="The span with its paragraph's text around it.")
    span = serializers.ListField(
        child=serializers.IntegerField(), help_text="[start, end) of the span in `text`."
    )
    matches = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="[start, end) ranges in `text` where the query's words are.",
    )
    cut_before = serializers.BooleanField(help_text="The paragraph starts before `text`.")
    cut_after = serializers.BooleanField(help_text="The paragraph goes on after `text`.")


class SearchRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    status = serializers.ChoiceField(choices=Span.Status.choices)
    origin = serializers.ChoiceField(choices=Span.Origin.choices)
    annotator = serializers.CharField(allow_null=True, help_text="Null: a shared suggestion.")
    attrs = serializers.JSONField()
    rank = serializers.FloatField(allow_null=True, help_text="Full-text rank; null unranked.")
    article = inline_serializer(
        "SearchArticle",
        fields={"id": serializers.IntegerField(), "title": serializers.CharField()},
    )
    editor_url = serializers.CharField(help_text="The span in the editor.")
    snippet = SnippetOut()


SearchPageOut = inline_serializer(
    "SpanSearchPage",
    fields={
        "method": serializers.ChoiceField(
            choices=["full_text", "substring"],
            help_text="How the text was matched: full_text (PostgreSQL) or substring.",
        ),
        "next": serializers.URLField(allow_null=True, help_text="The next page, or null."),
        "previous": serializers.URLField(allow_null=True, help_text="The previous page."),
        "results": SearchRowOut(many=True),
    },
)


def _link(url: str, cursor: Cursor | None) -> str | None:
    return None if cursor is None else replace_query_param(url, "cursor", cursor.encode())


def page_body(page: SearchPage, url: str) -> dict[str, Any]:
    """The answer: rows and the links to the pages around (``url`` is this page's)."""
    url = remove_query_param(url, "cursor")
    return {
        "method": page.method,
        "next": _link(url, page.next),
        "previous": _link(url, page.previous),
        "results": page.rows,
    }


class SpanSearchView(APIView):
    @extend_schema(
        operation_id="project_spans_search",
        parameters=[SearchIn],
        responses={200: SearchPageOut, **ERRORS},
        summary="Search the project's spans (best match first, then by article and start)",
    )
    def get(self, request: SignedInRequest, project_id: int) -> Response:
        project = project_selectors.project_get(user=request.user, project_id=project_id)
        values = validated(SearchIn, request.query_params)
        cursor = Cursor.decode(values["cursor"]) if "cursor" in values else None
        page = span_search(
            user=request.user,
            project=project,
            search=span_search_of(values),
            cursor=cursor,
            page_size=values["page_size"],
        )
        return Response(page_body(page, request.build_absolute_uri()))


urlpatterns = [
    path(
        "projects/<int:project_id>/spans/search/",
        SpanSearchView.as_view(),
        name="api-span-search",
    ),
]

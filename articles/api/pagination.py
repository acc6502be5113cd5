"""Cursor pagination by primary key: indexed, stable under inserts, no COUNT(*)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.api.serializers import StrictInput


class ById(CursorPagination):
    ordering = "id"
    page_size_query_param = "page_size"
    max_page_size = 500


def paginated(
    request: Request,
    view: APIView,
    queryset: QuerySet[Any],
    serializer: Any,
    paginator_class: type[CursorPagination] = ById,
) -> Response:
    paginator = paginator_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


class PageQuery(StrictInput):
    """The query parameters of every paginated list (filters extend it)."""

    cursor = serializers.CharField(
        required=False, help_text="Opaque position from a `next` or `previous` link."
    )
    page_size = serializers.IntegerField(
        min_value=1, required=False, help_text=f"Rows per page, at most {ById.max_page_size}."
    )


def page_of(serializer_class: type[serializers.Serializer]) -> Any:
    """The schema of what ``paginated`` answers: cursor links and the page's rows."""
    name = serializer_class.__name__.removesuffix("Out")
    return inline_serializer(
        f"{name}Page",
        fields={
            "next": serializers.URLField(allow_null=True, help_text="The next page, or null."),
            "previous": serializers.URLField(allow_null=True, help_text="The previous page."),
            "results": serializer_class(many=True),
        },
    )


class ByArticle(ById):
    """Spans in article order: indexed by article, and what a reader of a dataset expects."""

    ordering = ("article_id", "id")  # type: ignore[assignment]  # DRF takes a tuple too

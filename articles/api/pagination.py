"""Cursor pagination by primary key: indexed, stable under inserts, no COUNT(*)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


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


class ByArticle(ById):
    """Spans in article order: indexed by article, and what a reader of a dataset expects."""

    ordering = ("article_id", "id")  # type: ignore[assignment]  # DRF takes a tuple too

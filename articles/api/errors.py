"""One exception handler: every error leaves the API as ``{field: [messages]}`` JSON.

Domain errors raised by services keep their own status (400/403/409); a version conflict also
carries the fresh row under ``current`` so the client can redraw without another request.
"""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from articles.api.serializers import SpanOut
from articles.errors import Conflict, DomainError


def _as_lists(data: Any) -> Any:
    if isinstance(data, dict):
        return {
            key: value if isinstance(value, list | dict) else [value] for key, value in data.items()
        }
    if isinstance(data, list):
        return {"non_field_errors": data}
    return {"detail": [data]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = exc.as_dict()
        if isinstance(exc, Conflict):
            body["current"] = SpanOut(exc.current).data
        return Response(body, status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = _as_lists(response.data)
    return response

"""Request limits answered as JSON, before any view or parser reads the body.

A body larger than the upload limit is refused from its ``Content-Length`` alone, so nothing
of it is read, spooled to disk or parsed; Django's own limits (form fields in memory, number
of fields), which it raises as exceptions that would otherwise become an HTML error page,
are answered in the API's error shape too.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse

# A multipart upload wraps the file in boundaries and part headers: a file just under the
# limit must still get through to the import, whose own check names the file.
MULTIPART_ENVELOPE_BYTES = 64 * 1024


def body_limit() -> int:
    return settings.IMPORT_MAX_UPLOAD_BYTES + MULTIPART_ENVELOPE_BYTES


def too_large(size: int | None = None) -> JsonResponse:
    limit = body_limit()
    what = f"has {size} bytes" if size is not None else "is too large"
    message = (
        f"The request body {what}; the limit is {limit} bytes (IMPORT_MAX_UPLOAD_BYTES "
        f"plus {MULTIPART_ENVELOPE_BYTES} for a multipart envelope)."
    )
    return JsonResponse({"body": [message]}, status=413)


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"body": ["Content-Length is not a number."]}, status=400)
        if size > body_limit():
            return too_large(size)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return too_large()
        if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
            return JsonResponse({"body": [str(exception)]}, status=400)
        return None

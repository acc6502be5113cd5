"""API authentication that counts failures towards the lock-out of the client's address.

A wrong or malformed ``Authorization: Token …`` and a session cookie that names no live
session (expired, signed out elsewhere, or guessed) are failures. While the address is locked
out every token is refused with 429 and ``Retry-After``, the right one too, or guessing would
go on; a live session keeps working (it was opened by a sign-in that passed the lock-out).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import (
    SessionAuthentication,
    TokenAuthentication,
    get_authorization_header,
)
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.request import Request

from articles import lockout

THROTTLED = "Too many failed authentication attempts from this address."


def _throttled(request: HttpRequest) -> Throttled:
    # Counting flagged the request for axes' lock-out page; the API answers in its own format.
    request.axes_locked_out = False  # type: ignore[attr-defined]
    return Throttled(wait=lockout.retry_after(request) or 1, detail=THROTTLED)


def _refuse_while_locked(request: HttpRequest) -> None:
    if lockout.is_locked(request):
        raise _throttled(request)


def _count(request: HttpRequest) -> None:
    if lockout.count_failure(request):
        raise _throttled(request)


class CountedTokenAuthentication(TokenAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        _refuse_while_locked(request._request)
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            _count(request._request)
            raise


class CountedSessionAuthentication(SessionAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        found = super().authenticate(request)
        if found is None and _stale_session_cookie(request._request):
            _refuse_while_locked(request._request)
            _count(request._request)
        return found


def _stale_session_cookie(request: HttpRequest) -> bool:
    """A session cookie was sent, and the session store knows no such session (it forgets
    the key on load when the row is missing or expired)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return request.session.session_key is None


class CountedSessionScheme(SessionScheme):
    """The API schema describes the counted session like DRF's (a cookie); the token class
    is matched by drf-spectacular as a subclass of DRF's already."""

    target_class = "articles.authentication.CountedSessionAuthentication"

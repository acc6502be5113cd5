"""Type aliases shared by the app, for annotations only (at run time they are ``Any``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.auth.models import User as AuthUser

    User: TypeAlias = AuthUser
    """A signed-in person acting: ``request.user`` once authentication is required."""
    AnyUser: TypeAlias = AuthUser | AnonymousUser
    """``request.user`` before authentication is known."""
else:
    User = AnyUser = Any


if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request

    class SignedInRequest(Request):
        """An API request past ``IsAuthenticated`` (the default permission)."""

        user: AuthUser

    class SignedInHttpRequest(HttpRequest):
        """A page request past ``login_required``."""

        user: AuthUser
else:
    SignedInRequest = SignedInHttpRequest = Any

"""Type aliases shared by the app (annotations only; nothing here runs)."""

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

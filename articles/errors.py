"""Domain errors raised by services; the API turns them into 4xx JSON with field messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

if TYPE_CHECKING:
    from articles.models import Span


class DomainError(Exception):
    """A rule of the domain refused the request. ``field`` names the offending input."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, list[str]]:
        return {self.field or "non_field_errors": [self.message]}


class NotFound(DomainError, Http404):
    """Not there, or not visible to the caller: outsiders learn nothing about a project."""

    status_code = 404

    def __init__(self, message: str) -> None:
        super().__init__(message, field="detail")


class NotAllowed(DomainError, PermissionDenied):
    """The caller's role does not allow the action (pages answer 403 as well)."""

    status_code = 403

    def __init__(self, message: str, *, field: str | None = "detail") -> None:
        super().__init__(message, field=field)


class Duplicate(DomainError):
    status_code = 409


class Replaced(DomainError):
    """What the caller acted on is gone since they loaded it: a tagger re-run replaced the
    undecided suggestion they were deciding on."""

    status_code = 409

    def __init__(self, message: str) -> None:
        super().__init__(message, field="span")


class Conflict(DomainError):
    """The caller's version is stale, or the decision it would make already exists."""

    status_code = 409

    def __init__(self, message: str, *, current: Span) -> None:
        super().__init__(message, field="version")
        self.current = current

"""Domain errors raised by services; the API turns them into 4xx JSON with field messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

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


class NotAllowed(DomainError):
    status_code = 403


class Duplicate(DomainError):
    status_code = 409


class Conflict(DomainError):
    """The caller's version is stale, or the decision it would make already exists."""

    status_code = 409

    def __init__(self, message: str, *, current: Span) -> None:
        super().__init__(message, field="version")
        self.current = current

"""Lock-outs after failed authentication, per username and per client address (django-axes).

django-axes records each failure in the database (``axes.AccessAttempt``), so every web
process of a deployment reads the same counters, on SQLite as on PostgreSQL, with no cache
service. Its handler is specialised here for two things it lacks:

- a limit of its own for each counter (``AUTH_FAILURE_LIMITS``): an office behind one
  address may mistype more often than anyone guesses one person's password;
- a failure without a username (a bad API token, a stale session cookie) counts against the
  address only, instead of against one shared "no username" counter that would lock every
  token user out at once.

The lock ends ``AXES_COOLOFF_TIME`` after the failure that reached the limit; ``retry_after``
says how long is left, for the ``Retry-After`` header.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

LOCKED_MESSAGE = "Too many failed sign-in attempts from this address or for this username."


def failure_limit(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    """The largest limit: axes' own check, which compares its count with this, never locks
    before ours does (``LockoutHandler.is_locked`` applies each counter's limit)."""
    return max(settings.AUTH_FAILURE_LIMITS.values())


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` proxies the
    address the outermost one saw (each proxy appends to ``X-Forwarded-For``, so the entries
    left of that one are the client's to invent)."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies == 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [part for part in forwarded if part] + ([remote] if remote else [])
    if len(chain) <= proxies:
        return remote
    candidate = chain[-(proxies + 1)]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # the column is an IP address; garbage would fail the insert
        return remote


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with a limit per counter and address-only anonymous failures."""

    def counters(
        self, request: HttpRequest, credentials: dict[str, Any] | None
    ) -> list[tuple[QuerySet[AccessAttempt], int]]:
        """The recent attempts that each applicable counter sums, with that counter's limit."""
        values = {
            "username": get_client_username(request, credentials),
            "ip_address": request.axes_ip_address,  # type: ignore[attr-defined]
        }
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        return [
            (recent.filter(**{parameter: values[parameter]}), limit)
            for parameter, limit in settings.AUTH_FAILURE_LIMITS.items()
            if values[parameter]
        ]

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        totals = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts, _ in self.counters(request, credentials)
        ]
        return max(totals, default=0)

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        return self.locked_until(request, credentials) is not None

    def locked_until(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> datetime | None:
        """When the last counter at its limit drops below it, or None when none is at it.

        A counter sums the failures of its recent attempt rows, and a row stops counting a
        cool-off after its latest failure: the lock lasts until the row that, newest first,
        brings the sum to the limit expires.
        """
        cool_off = get_cool_off(request)
        until: datetime | None = None
        for attempts, limit in self.counters(request, credentials):
            total = 0
            newest_first = attempts.order_by("-attempt_time").values_list(
                "attempt_time", "failures_since_start"
            )
            for attempt_time, failures in newest_first:
                total += failures
                if total >= limit:
                    ends = attempt_time + cool_off
                    until = ends if until is None else max(until, ends)
                    break
        return until

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        # axes compared the largest count with the largest limit; a smaller limit may be
        # reached first.
        if request is None or request.axes_locked_out:  # type: ignore[attr-defined]
            return
        if self.is_locked(request, credentials):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
            )


class LockoutBackend(AxesStandaloneBackend):
    """Refuses any sign-in, right or wrong, while its username or address is locked out.

    ``authenticate()`` without a request comes from our own code (the test client, a
    management command), never from the network: there is no address to count it by.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        return None


def _credentials(username: str | None) -> dict[str, Any]:
    return {settings.AXES_USERNAME_FORM_FIELD: username}


def retry_after(request: HttpRequest, username: str | None = None) -> int | None:
    """Seconds until ``request``'s address (and ``username``, if given) may sign in again,
    or None when neither is locked out."""
    AxesProxyHandler.update_request(request)
    handler = AxesProxyHandler.get_implementation()
    until = handler.locked_until(request, _credentials(username))
    if until is None:
        return None
    return max(1, math.ceil((until - timezone.now()).total_seconds()))


def is_locked(request: HttpRequest, username: str | None = None) -> bool:
    return not AxesProxyHandler.is_allowed(request, _credentials(username))


def flag_locked(request: HttpRequest, username: str | None = None) -> None:
    """Have ``AxesMiddleware`` answer this request with the lock-out page."""
    request.axes_locked_out = True  # type: ignore[attr-defined]
    request.axes_credentials = _credentials(username)  # type: ignore[attr-defined]


def count_failure(request: HttpRequest, username: str | None = None) -> bool:
    """Count a failed authentication that did not go through ``authenticate()``; True when
    it reached a limit (the request is then flagged for the lock-out answer)."""
    user_login_failed.send(sender=__name__, credentials=_credentials(username), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any]
) -> HttpResponse:
    """The page a locked-out sign-in gets (``AXES_LOCKOUT_CALLABLE``): 429 with
    ``Retry-After``, in the site's look."""
    seconds = retry_after(request, get_client_username(request, credentials))
    if seconds is None:  # expired between the check and this answer: ask for one more try
        seconds = 1
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": math.ceil(seconds / 60), "message": LOCKED_MESSAGE},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response

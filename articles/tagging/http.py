"""A tagger that asks an ML backend over HTTP.

Request: ``POST settings.PRETAG_HTTP_URL`` with JSON ``{"text": "..."}``.
Response: JSON ``{"suggestions": [{"label": "claim",
"start": 0, "end": 10, "attrs": {...}, "confidence": 0.8}, ...]}`` with code-point offsets.
Timeouts and 5xx answers are retried ``PRETAG_HTTP_RETRIES`` times with backoff, then raise
``TaggerUnavailable`` (the Celery task retries that later); a malformed answer raises
``TaggerError``.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from articles.spans import SpanRangeError, check_range
from articles.tagging.base import Suggestion, TaggerError, TaggerUnavailable


class HttpTagger:
    name = "http"

    def __init__(self, url: str | None = None, timeout: float | None = None) -> None:
        self.url = url if url is not None else getattr(settings, "PRETAG_HTTP_URL", "")
        self.timeout = timeout or float(getattr(settings, "PRETAG_HTTP_TIMEOUT", 10))
        self.retries = int(getattr(settings, "PRETAG_HTTP_RETRIES", 2))
        self.version = getattr(settings, "PRETAG_HTTP_VERSION", "") or "1"

    def tag(self, text: str) -> list[Suggestion]:
        if not self.url:
            raise TaggerError("PRETAG_HTTP_URL is not set; the http tagger has no backend.")
        body = json.dumps({"text": text}).encode("utf-8")
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(
                self.url, data=body, headers={"Content-Type": "application/json"}, method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    payload = json.loads(response.read().decode("utf-8"))
                return _parse(payload, len(text))
            except urllib.error.HTTPError as error:
                if error.code < 500:
                    raise TaggerError(f"The tagging backend refused the text: {error}") from None
                failure: Exception = error
            except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
                failure = error
            except ValueError as error:
                raise TaggerError(f"The tagging backend sent invalid JSON: {error}") from None
            if attempt < self.retries:
                time.sleep(min(0.2 * 2**attempt, 2.0))
        raise TaggerUnavailable(f"The tagging backend did not answer: {failure}")


def _parse(payload: Any, length: int) -> list[Suggestion]:
    if not isinstance(payload, dict) or not isinstance(payload.get("suggestions"), list):
        raise TaggerError("The tagging backend's answer has no 'suggestions' list.")
    result = []
    for index, item in enumerate(payload["suggestions"]):
        try:
            start, end = int(item["start"]), int(item["end"])
            label = str(item["label"])
            attrs = dict(item.get("attrs") or {})
            confidence = item.get("confidence")
            confidence = None if confidence is None else float(confidence)
        except (KeyError, TypeError, ValueError) as error:
            raise TaggerError(f"Suggestion {index} is malformed: {error!r}") from None
        try:
            check_range(length, start, end, where=f"Suggestion {index}")
        except SpanRangeError as error:
            raise TaggerError(error.message) from None
        result.append(Suggestion(label, start, end, attrs, confidence))
    return result

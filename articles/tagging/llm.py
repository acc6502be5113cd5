# ruff: noqa: RUF001  (typographic quote marks are the point here)
"""A tagger that asks a large language model, through any OpenAI-compatible chat-completions
endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp's server).

Configured by ``LLM_TAGGER_URL`` (the base ``.../v1`` or the full ``.../chat/completions``
URL), ``LLM_TAGGER_MODEL`` and ``LLM_TAGGER_KEY`` (sent as ``Authorization: Bearer`` or, with
``LLM_TAGGER_AUTH=api-key``, as Azure's ``api-key`` header). The system message holds the
label guidelines (``articles/guidelines.md``) and the answer's JSON schema (``SCHEMA``); the
user message one batch of the article's paragraphs (at most ``LLM_TAGGER_BATCH_CHARS``
characters). The model answers ``{"spans": [{"label", "text", "speaker"?, "direct"?,
"cue"?}]}``, validated against the schema; each span's text is located in its batch by exact
matching, then by normalised matching (case, whitespace, quotation marks, dashes), which
gives code-point offsets into the article. Spans found in neither way are reported
(``LlmResult.unmatched``), not guessed.

Each request waits for the rate limit (``LLM_TAGGER_RATE_LIMIT`` requests a minute, per
process) and has ``LLM_TAGGER_TIMEOUT`` seconds; timeouts, connection errors, 5xx and 429
answers (after their ``Retry-After``) are retried ``LLM_TAGGER_RETRIES`` times with backoff,
then raise ``TaggerUnavailable`` (the Celery task retries later). An answer that is not the
schema's JSON is asked again as many times, then raises ``TaggerError``, as does a refusal
(4xx). Tokens come from each answer's ``usage`` and are summed per article (``LlmUsage``).
"""

from __future__ import annotations

import json
import re
import threading
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator

from articles.tagging.base import Suggestion, TaggerError, TaggerUnavailable

PROMPT_VERSION = "1"
LABELS = ("claim", "quote", "speculation")
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "spans": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "label": {"type": "string", "enum": list(LABELS)},
                    "text": {"type": "string", "minLength": 1},
                    "speaker": {"type": ["string", "null"]},
                    "direct": {"type": ["boolean", "null"]},
                    "cue": {"type": ["string", "null"]},
                },
                "required": ["label", "text"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["spans"],
    "additionalProperties": False,
}
_VALIDATOR = Draft202012Validator(SCHEMA)
_MAX_RETRY_AFTER = 60.0
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)
_QUOTE_MARKS = "\"“”«»„‘’'"

INSTRUCTIONS = """You annotate opinion articles for a dataset, following the guidelines below.

Mark every claim, quote and speculation in the passage the user sends. Answer with JSON only,
one object of this JSON schema:
{schema}

- "text" is copied from the passage exactly, character for character (same spelling,
  punctuation and quotation marks), so it can be found in it; never paraphrase or shorten.
- quote: the quoted words without their quotation marks, or the content clause after a
  reporting verb; "speaker" as written in the passage; "direct" true for words in
  quotation marks.
- speculation: "cue" is the word or phrase that marks the uncertainty (may, perhaps, ...).
- List the spans in the order they appear. No span of a label overlaps another of it.

Guidelines:
{guidelines}
"""


@dataclass
class LlmUsage:
    requests: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "requests": self.requests,
            "retries": self.retries,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
        }


@dataclass
class LlmResult:
    suggestions: list[Suggestion]
    unmatched: list[dict[str, str]] = field(default_factory=list)
    usage: LlmUsage = field(default_factory=LlmUsage)

    def report(self) -> dict[str, Any]:
        return {**self.usage.as_dict(), "unmatched": self.unmatched}


class RateLimiter:
    """At most ``per_minute`` request starts a minute, spaced evenly; shared by threads."""

    def __init__(self, per_minute: int) -> None:
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self, sleep: Callable[[float], None]) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            sleep(start - now)


_LIMITERS: dict[tuple[str, int], RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def _limiter(url: str, per_minute: int) -> RateLimiter:
    with _LIMITERS_LOCK:
        return _LIMITERS.setdefault((url, per_minute), RateLimiter(per_minute))


def completions_url(url: str) -> str:
    """The chat-completions URL from a base URL (``.../v1``) or the full one."""
    path, _, query = url.partition("?")
    if not path.rstrip("/").endswith("/chat/completions"):
        path = path.rstrip("/") + "/chat/completions"
    return f"{path}?{query}" if query else path


def batches(text: str, limit: int) -> list[tuple[int, int]]:
    """``[start, end)`` of runs of whole paragraphs of at most ``limit`` characters (a longer
    paragraph is a batch of its own)."""
    found: list[tuple[int, int]] = []
    start = end = None
    position = 0
    for line in text.split("\n"):
        line_start, position = position, position + len(line) + 1
        if not line.strip():
            continue
        line_end = line_start + len(line)
        if start is not None and end is not None and line_end - start > limit:
            found.append((start, end))
            start = None
        if start is None:
            start = line_start
        end = line_end
    if start is not None and end is not None:
        found.append((start, end))
    return found


class _Normalised:
    """A passage folded for loose matching, with each folded character's source offset."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        sources: list[int] = []
        for index, char in enumerate(text):
            folded = _fold(char)
            if folded == " " and chars and chars[-1] == " ":
                continue  # runs of whitespace count as one space
            for piece in folded:
                chars.append(piece)
                sources.append(index)
        self.text = "".join(chars)
        self.sources = sources

    def find(self, wanted: str, start: int = 0) -> tuple[int, int] | None:
        needle = "".join(_fold(c) for c in wanted)
        needle = re.sub(" +", " ", needle).strip()
        if not needle:
            return None
        at = self.text.find(needle, start)
        if at < 0:
            return None
        return self.sources[at], self.sources[at + len(needle) - 1] + 1


def _fold(char: str) -> str:
    if char.isspace():
        return " "
    if char in '“”«»„"':
        return '"'
    if char in "‘’'`":
        return "'"
    if unicodedata.category(char) == "Pd":
        return "-"
    return unicodedata.normalize("NFKC", char).casefold()


def locate(passage: str, wanted: str, after: int = 0) -> tuple[int, int] | None:
    """Code-point ``[start, end)`` of ``wanted`` in ``passage``: exact first (from ``after``,
    then from the start), then normalised; quotation marks around it may be left out."""
    candidates = [wanted, wanted.strip().strip(_QUOTE_MARKS).strip()]
    for text in candidates:
        if not text:
            continue
        for start in (after, 0):
            at = passage.find(text, start)
            if at >= 0:
                return at, at + len(text)
    folded = _Normalised(passage)
    for text in candidates:
        for start in (after, 0):
            position = _folded_position(folded, start)
            found = folded.find(text, position)
            if found is not None:
                return found
    return None


def _folded_position(folded: _Normalised, source_offset: int) -> int:
    for index, source in enumerate(folded.sources):
        if source >= source_offset:
            return index
    return len(folded.sources)


def parse_answer(content: str) -> list[dict[str, Any]]:
    """The spans of one answer; ``ValueError`` naming the problem when it is not the
    schema's JSON."""
    match = _FENCE.match(content)
    if match:
        content = match.group(1)  # some servers wrap JSON in a Markdown fence
    try:
        data = json.loads(content)
    except json.JSONDecodeError as error:
        raise ValueError(f"the answer is not JSON ({error})") from None
    problems = sorted(_VALIDATOR.iter_errors(data), key=lambda e: list(e.absolute_path))
    if problems:
        first = problems[0]
        where = "/".join(str(p) for p in first.absolute_path) or "the answer"
        raise ValueError(f"the answer does not match the schema at {where}: {first.message}")
    return list(data["spans"])


class LlmTagger:
    name = "llm"

    def __init__(
        self,
        *,
        url: str | None = None,
        model: str | None = None,
        key: str | None = None,
        auth: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        rate_limit: int | None = None,
        batch_chars: int | None = None,
        max_tokens: int | None = None,
        response_format: str | None = None,
        guidelines: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url if url is not None else settings.LLM_TAGGER_URL
        self.model = model if model is not None else settings.LLM_TAGGER_MODEL
        self.key = key if key is not None else settings.LLM_TAGGER_KEY
        self.auth = auth or settings.LLM_TAGGER_AUTH
        self.timeout = float(timeout or settings.LLM_TAGGER_TIMEOUT)
        self.retries = settings.LLM_TAGGER_RETRIES if retries is None else retries
        rate = settings.LLM_TAGGER_RATE_LIMIT if rate_limit is None else rate_limit
        self.batch_chars = batch_chars or settings.LLM_TAGGER_BATCH_CHARS
        self.max_tokens = max_tokens or settings.LLM_TAGGER_MAX_TOKENS
        self.response_format = response_format or settings.LLM_TAGGER_RESPONSE_FORMAT
        if guidelines is None:
            from articles.guidelines import guidelines_text

            guidelines = guidelines_text()
        self.system = INSTRUCTIONS.format(schema=json.dumps(SCHEMA), guidelines=guidelines)
        self.sleep = sleep
        self.limiter = _limiter(self.url, rate)
        self.version = f"{self.model or 'unset'}.p{PROMPT_VERSION}"

    def tag(self, text: str) -> list[Suggestion]:
        return self.tag_detailed(text).suggestions

    def tag_report(self, text: str) -> tuple[list[Suggestion], dict[str, Any]]:
        """The suggestions and what to record of the run (tokens, unmatched spans)."""
        result = self.tag_detailed(text)
        return result.suggestions, result.report()

    def tag_detailed(self, text: str) -> LlmResult:
        if not self.url or not self.model:
            raise TaggerError("Set LLM_TAGGER_URL and LLM_TAGGER_MODEL to use the llm tagger.")
        result = LlmResult([])
        for start, end in batches(text, self.batch_chars):
            passage = text[start:end]
            spans = self._ask(passage, result.usage)
            self._place(text, start, passage, spans, result)
        result.suggestions.sort(key=lambda s: (s.start, -s.end, s.label))
        return result

    def _place(
        self,
        text: str,
        base: int,
        passage: str,
        spans: list[dict[str, Any]],
        result: LlmResult,
    ) -> None:
        cursor: dict[str, int] = {}
        for span in spans:
            label = span["label"]
            found = locate(passage, span["text"], cursor.get(label, 0))
            if found is None:
                result.unmatched.append({"label": label, "text": span["text"]})
                continue
            start, end = found
            cursor[label] = end
            attrs: dict[str, Any] = {}
            if label == "quote":
                speaker = (span.get("speaker") or "").strip()
                attrs = {"speaker": speaker, "direct": bool(span.get("direct"))}
                offsets = _nearest(passage, speaker, start) if speaker else None
                if offsets is not None:
                    attrs["speaker_start"] = base + offsets
                    attrs["speaker_end"] = base + offsets + len(speaker)
            elif label == "speculation" and span.get("cue"):
                attrs = {"cue": str(span["cue"])}
            result.suggestions.append(
                Suggestion(label, base + start, base + end, attrs, rule=f"llm.{label}")
            )

    def _ask(self, passage: str, usage: LlmUsage) -> list[dict[str, Any]]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": self.system},
                {"role": "user", "content": passage},
            ],
            "temperature": 0,
            "max_tokens": self.max_tokens,
        }
        if self.response_format == "json_object":
            body["response_format"] = {"type": "json_object"}
        elif self.response_format == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "spans", "schema": SCHEMA},
            }
        payload = json.dumps(body).encode("utf-8")
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                usage.retries += 1
            answer, wait = self._post(payload, usage)
            if answer is None:
                problem = wait[1]
                if attempt < self.retries:
                    self.sleep(wait[0] if wait[0] is not None else min(0.5 * 2**attempt, 8.0))
                continue
            try:
                return self._spans_of(answer)
            except ValueError as error:
                problem = f"invalid answer: {error}"
                if attempt == self.retries:
                    raise TaggerError(
                        f"The model's answer was not valid after {attempt + 1} tries: {error}"
                    ) from None
        raise TaggerUnavailable(f"The LLM endpoint did not answer: {problem}")

    def _post(
        self, payload: bytes, usage: LlmUsage
    ) -> tuple[dict[str, Any] | None, tuple[float | None, str]]:
        """One request: (the decoded answer, _) or (None, (seconds to wait or None, why))."""
        headers = {"Content-Type": "application/json"}
        if self.key:
            if self.auth == "api-key":
                headers["api-key"] = self.key
            else:
                headers["Authorization"] = f"Bearer {self.key}"
        request = urllib.request.Request(
            completions_url(self.url), data=payload, headers=headers, method="POST"
        )
        self.limiter.wait(self.sleep)
        usage.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            if error.code == 429:
                return None, (_retry_after(error.headers.get("Retry-After")), "429 rate limited")
            if error.code >= 500:
                return None, (None, f"HTTP {error.code}")
            detail = error.read()[:300].decode("utf-8", "replace")
            raise TaggerError(f"The LLM endpoint refused the request: {error} {detail}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            return None, (None, f"{error}")
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None, (None, "the endpoint's reply is not JSON")
        if not isinstance(answer, dict):
            return None, (None, "the endpoint's reply is not a JSON object")
        tokens = answer.get("usage") or {}
        if isinstance(tokens, dict):
            usage.prompt_tokens += int(tokens.get("prompt_tokens") or 0)
            usage.completion_tokens += int(tokens.get("completion_tokens") or 0)
        return answer, (None, "")

    def _spans_of(self, answer: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            choice = answer["choices"][0]
            content = choice["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise ValueError("no choices[0].message.content") from None
        if choice.get("finish_reason") == "length":
            raise ValueError(
                "the answer was cut off at max_tokens (raise LLM_TAGGER_MAX_TOKENS or lower "
                "LLM_TAGGER_BATCH_CHARS)"
            )
        if not isinstance(content, str):
            raise ValueError("the message content is not text")
        return parse_answer(content)


def _retry_after(value: str | None) -> float | None:
    try:
        return min(_MAX_RETRY_AFTER, max(0.0, float(value))) if value else None
    except ValueError:
        return None  # an HTTP date: fall back to backoff


def _nearest(passage: str, speaker: str, near: int) -> int | None:
    """Offset of the occurrence of ``speaker`` closest to ``near``, if any."""
    best: int | None = None
    at = passage.find(speaker)
    while at >= 0:
        if best is None or abs(at - near) < abs(best - near):
            best = at
        at = passage.find(speaker, at + 1)
    return best

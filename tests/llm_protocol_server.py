"""A small local server of ours that speaks the OpenAI chat-completions protocol and answers
canned completions, for the LLM tagger's protocol tests (no key, no network).

``POST /v1/chat/completions`` (any path ending in ``/chat/completions``) takes the usual
body and answers ``{"choices": [{"message": {"role": "assistant", "content": ...},
"finish_reason": "stop"}], "usage": {...}}``. What it answers comes from ``script``, one
``Reply`` per request in order (then ``answer``, a function of the user message giving the
spans): a reply can be spans, raw content (invalid JSON, say), an HTTP error status with
headers (429 with ``Retry-After``), or a delay before answering (a timeout). Every request
is recorded (time, headers, body). Token counts in ``usage`` are the server's own:
``count_tokens`` (OpenAI's o200k encoding through the ``bpe-openai`` package when it is
installed, else one token per word or punctuation mark).

``python -m tests.llm_protocol_server GOLD.jsonl`` runs the LLM tagger over the texts of a
gold file against this server, answering each batch with the gold spans inside it, and
prints the tokens per article.
"""

from __future__ import annotations

import http.server
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

_ROUGH_TOKEN = re.compile(r"\w+|[^\w\s]")


def _encoder() -> Callable[[str], int] | None:
    try:
        import bpe_openai  # type: ignore[import-not-found]
    except ImportError:
        return None
    encoding = bpe_openai.get_encoding("o200k_base")
    return lambda text: len(encoding.encode(text))


_ENCODE = _encoder()
TOKENIZER = "o200k_base (bpe-openai)" if _ENCODE else "words and punctuation marks"


def count_tokens(text: str) -> int:
    return _ENCODE(text) if _ENCODE else len(_ROUGH_TOKEN.findall(text))


@dataclass
class Reply:
    spans: list[dict[str, Any]] | None = None
    content: str | None = None  # raw message content, instead of spans
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    finish_reason: str = "stop"


@dataclass
class Seen:
    at: float
    path: str
    headers: dict[str, str]  # names in lower case
    body: dict[str, Any]

    @property
    def passage(self) -> str:
        return str(self.body["messages"][-1]["content"])


class ProtocolServer:
    def __init__(
        self,
        script: list[Reply] | None = None,
        answer: Callable[[str], list[dict[str, Any]]] | None = None,
    ) -> None:
        self.script = list(script or [])
        self.answer = answer or (lambda passage: [])
        self.seen: list[Seen] = []
        self._lock = threading.Lock()

    def reply_to(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[Reply, str]:
        body = json.loads(raw.decode("utf-8"))
        with self._lock:
            self.seen.append(Seen(time.monotonic(), path, headers, body))
            reply = self.script.pop(0) if self.script else None
        if reply is None:
            reply = Reply(spans=self.answer(str(body["messages"][-1]["content"])))
        content = reply.content
        if content is None:
            content = json.dumps({"spans": reply.spans or []}, ensure_ascii=False)
        return reply, content

    def completion(self, body: dict[str, Any], content: str, finish_reason: str) -> bytes:
        prompt = sum(count_tokens(str(m.get("content", ""))) for m in body["messages"])
        completion = count_tokens(content)
        return json.dumps(
            {
                "id": f"chatcmpl-{len(self.seen)}",
                "object": "chat.completion",
                "model": body.get("model"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": finish_reason,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                },
            }
        ).encode("utf-8")


@contextmanager
def serve(server: ProtocolServer) -> Iterator[str]:
    """Serve on a free localhost port; yields the base URL (``http://127.0.0.1:N/v1``)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not self.path.split("?")[0].endswith("/chat/completions"):
                self._send(404, {}, b'{"error": {"message": "not found"}}')
                return
            headers = {name.lower(): value for name, value in self.headers.items()}
            reply, content = server.reply_to(self.path, headers, raw)
            if reply.delay:
                time.sleep(reply.delay)
            if reply.status != 200:
                error = {"error": {"message": f"status {reply.status}", "type": "canned"}}
                self._send(reply.status, reply.headers, json.dumps(error).encode())
                return
            body = server.completion(json.loads(raw), content, reply.finish_reason)
            self._send(200, reply.headers, body)

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()


def gold_answerer(records: list[dict[str, Any]]) -> Callable[[str], list[dict[str, Any]]]:
    """Answers a passage with the gold spans inside it, as a model that agrees with the
    gold would (the quote's speaker and directness, the speculation's cue)."""

    def answer(passage: str) -> list[dict[str, Any]]:
        for record in records:
            base = record["text"].find(passage)
            if base < 0:
                continue
            spans = []
            for span in sorted(record["spans"], key=lambda s: s["start"]):
                if base <= span["start"] and span["end"] <= base + len(passage):
                    item: dict[str, Any] = {"label": span["label"], "text": span["text"]}
                    attrs = span.get("attrs") or {}
                    for name in ("speaker", "direct", "cue"):
                        if name in attrs:
                            item[name] = attrs[name]
                    spans.append(item)
            return spans
        return []

    return answer


def main(argv: list[str] | None = None) -> int:
    import argparse
    import os
    from pathlib import Path

    import django

    parser = argparse.ArgumentParser(description="LLM tagger tokens per article, canned.")
    parser.add_argument("gold", type=Path)
    parser.add_argument("--batch-chars", type=int, default=None)
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    django.setup()
    from articles.tagging.llm import LlmTagger

    records = [json.loads(line) for line in options.gold.read_text().splitlines() if line]
    server = ProtocolServer(answer=gold_answerer(records))
    totals = {"prompt": 0, "completion": 0, "chars": 0}
    print(f"token counts: {TOKENIZER}; the server answers each batch with its gold spans")
    with serve(server) as url:
        tagger = LlmTagger(url=url, model="canned", rate_limit=0, batch_chars=options.batch_chars)
        for index, record in enumerate(records, start=1):
            result = tagger.tag_detailed(record["text"])
            usage = result.usage
            totals["prompt"] += usage.prompt_tokens
            totals["completion"] += usage.completion_tokens
            totals["chars"] += len(record["text"])
            print(
                f"article {index}: {len(record['text'])} characters, {usage.requests} "
                f"request(s), {usage.prompt_tokens} prompt + {usage.completion_tokens} "
                f"completion tokens; {len(result.suggestions)} spans placed, "
                f"{len(result.unmatched)} not found"
            )
    count = len(records)
    print(
        f"per article: {totals['prompt'] / count:,.0f} prompt + "
        f"{totals['completion'] / count:,.0f} completion tokens "
        f"(articles of {totals['chars'] / count:,.0f} characters on average)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The http tagger against a tiny local backend: request shape, parsing, errors, retries."""

from __future__ import annotations

import json

import pytest

from articles.tagging.base import Suggestion, TaggerError, TaggerUnavailable
from articles.tagging.http import HttpTagger
from tests.httpserver import serve


@pytest.fixture
def backend():
    state = {"requests": [], "status": 200, "answer": None}

    def respond(method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
        payload = json.loads(body)
        state["requests"].append(payload)
        text = payload["text"]
        answer = state["answer"] or {
            "version": "m1",
            "suggestions": [{"label": "claim", "start": 0, "end": len(text), "confidence": 0.8}],
        }
        return state["status"], "application/json", json.dumps(answer).encode()

    with serve(respond) as url:
        state["url"] = url + "/tag"
        yield state


def test_posts_text_and_parses_suggestions(backend):
    tagger = HttpTagger(url=backend["url"])
    assert tagger.tag("Rain fell. 🌧") == [Suggestion("claim", 0, 12, {}, 0.8)]
    assert backend["requests"] == [{"text": "Rain fell. 🌧"}]


def test_server_errors_are_retried_then_unavailable(backend):
    backend["status"] = 503
    tagger = HttpTagger(url=backend["url"])
    tagger.retries = 2
    with pytest.raises(
        TaggerUnavailable, match=r"^The tagging backend did not answer: HTTP Error 503"
    ):
        tagger.tag("Some text.")
    assert len(backend["requests"]) == 3


def test_client_errors_and_bad_answers_are_not_retried(backend):
    backend["status"] = 422
    with pytest.raises(TaggerError, match=r"^The tagging backend refused the text: HTTP Error 422"):
        HttpTagger(url=backend["url"]).tag("x")
    assert len(backend["requests"]) == 1
    backend["status"] = 200
    backend["answer"] = {"suggestions": [{"label": "claim", "start": 0, "end": 99}]}
    with pytest.raises(
        TaggerError, match=r"Suggestion 0: offsets must satisfy 0 <= start < end <= 5"
    ):
        HttpTagger(url=backend["url"]).tag("short")


def test_unreachable_backend_is_unavailable():
    tagger = HttpTagger(url="http://127.0.0.1:9/tag", timeout=1)
    tagger.retries = 0
    with pytest.raises(TaggerUnavailable, match=r"^The tagging backend did not answer: <urlopen"):
        tagger.tag("text")


def test_without_url_it_refuses():
    with pytest.raises(TaggerError, match=r"^PRETAG_HTTP_URL is not set"):
        HttpTagger(url="").tag("text")

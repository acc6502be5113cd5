"""Protocol tests of the LLM tagger against our local chat-completions server
(``tests/llm_protocol_server.py``): batching, timeouts and retries, 429 and the rate limit,
invalid answers, spans not found in the text, code-point offsets."""

from __future__ import annotations

import json
import time

import pytest
from django.test.utils import override_settings

from articles.models import PretagReport, Span
from articles.services import article_pretag
from articles.tagging import register
from articles.tagging.base import TaggerError, TaggerUnavailable
from articles.tagging.llm import LlmTagger, batches, completions_url, locate
from tests.factories import make_article
from tests.llm_protocol_server import ProtocolServer, Reply, serve

TEXT = (
    "The council approved the budget in March.\n"
    "“We will not raise taxes,” said Mayor Ana Lima.\n"
    "The plan may fail if the state cuts its grant."
)
SPANS = [
    {"label": "claim", "text": "The council approved the budget in March."},
    {
        "label": "quote",
        "text": "We will not raise taxes,",
        "speaker": "Mayor Ana Lima",
        "direct": True,
    },
    {
        "label": "speculation",
        "text": "The plan may fail if the state cuts its grant.",
        "cue": "may",
    },
]


def tagger(url: str, **options) -> LlmTagger:
    options.setdefault("rate_limit", 0)
    options.setdefault("retries", 2)
    return LlmTagger(url=url, model="canned", key="test-key", guidelines="Label spans.", **options)


def spans_in(passage: str) -> list[dict]:
    return [s for s in SPANS if s["text"] in passage]


def test_spans_are_placed_at_code_point_offsets_with_speaker_and_usage():
    server = ProtocolServer(answer=spans_in)
    with serve(server) as url:
        result = tagger(url).tag_detailed(TEXT)
    placed = {s.label: s for s in result.suggestions}
    for span in SPANS:
        found = placed[span["label"]]
        assert TEXT[found.start : found.end] == span["text"]
    quote = placed["quote"]
    assert quote.attrs["speaker"] == "Mayor Ana Lima" and quote.attrs["direct"] is True
    assert TEXT[quote.attrs["speaker_start"] : quote.attrs["speaker_end"]] == "Mayor Ana Lima"
    assert placed["speculation"].attrs == {"cue": "may"}
    assert result.unmatched == []
    (request,) = server.seen
    assert request.headers["authorization"] == "Bearer test-key"
    assert request.body["model"] == "canned" and request.body["temperature"] == 0
    assert request.body["response_format"] == {"type": "json_object"}
    assert "Label spans." in request.body["messages"][0]["content"]
    assert request.passage == TEXT
    assert result.usage.requests == 1
    assert result.usage.prompt_tokens > 0 and result.usage.completion_tokens > 0


def test_emoji_before_a_span_count_as_one_code_point_each():
    text = "🎉🎉 Funding rose 👍🏽 by 5%.\n🇺🇦 “Ça va,” said Zoë Brûlé."
    spans = [
        {"label": "claim", "text": "Funding rose 👍🏽 by 5%."},
        {"label": "quote", "text": "Ça va,", "speaker": "Zoë Brûlé", "direct": True},
    ]
    with serve(ProtocolServer(answer=lambda passage: spans)) as url:
        placed = tagger(url).tag(text)
    claim, quote = sorted(placed, key=lambda s: s.start)
    # 🎉 is one code point (two UTF-16 units), 👍🏽 two (a thumb and a skin tone)
    assert (claim.start, claim.end) == (3, 25)
    assert text[claim.start : claim.end] == "Funding rose 👍🏽 by 5%."
    assert text[quote.start : quote.end] == "Ça va,"
    assert quote.start == text.index("Ça")
    assert text[quote.attrs["speaker_start"] : quote.attrs["speaker_end"]] == "Zoë Brûlé"


def test_loosely_copied_spans_are_found_by_normalised_matching():
    text = "Officials said  the bridge\u2019s deck — rebuilt in 2019 — is “safe”."
    assert locate(text, 'the bridge\'s deck - rebuilt in 2019 - is "safe".') == (16, 64)
    assert locate(text, "OFFICIALS SAID THE BRIDGE") == (0, 26)
    assert locate(text, "a sentence that is not there") is None


def test_spans_not_in_the_text_are_reported_not_guessed():
    answer = [*SPANS, {"label": "claim", "text": "Taxes will double next year."}]
    with serve(ProtocolServer(answer=lambda passage: answer)) as url:
        result = tagger(url).tag_detailed(TEXT)
    assert result.unmatched == [{"label": "claim", "text": "Taxes will double next year."}]
    assert sorted(s.label for s in result.suggestions) == ["claim", "quote", "speculation"]


def test_paragraphs_go_in_batches_of_the_configured_size():
    assert batches(TEXT, 60) == [(0, 41), (42, 89), (90, 136)]
    assert batches(TEXT, 90) == [(0, 89), (90, 136)]
    assert batches(TEXT, 5000) == [(0, 136)]
    server = ProtocolServer(answer=spans_in)
    with serve(server) as url:
        result = tagger(url, batch_chars=90).tag_detailed(TEXT)
    assert [r.passage for r in server.seen] == [TEXT[0:89], TEXT[90:136]]
    assert result.usage.requests == 2
    speculation = next(s for s in result.suggestions if s.label == "speculation")
    assert (speculation.start, speculation.end) == (90, 136)  # offset by its batch


def test_a_timeout_is_retried():
    server = ProtocolServer(script=[Reply(spans=SPANS, delay=1.5)], answer=spans_in)
    with serve(server) as url:
        result = tagger(url, timeout=0.5).tag_detailed(TEXT)
    assert len(server.seen) == 2
    assert result.usage.retries == 1 and len(result.suggestions) == 3


def test_an_endpoint_that_keeps_failing_is_unavailable_for_now():
    server = ProtocolServer(script=[Reply(status=503), Reply(status=502), Reply(status=500)])
    with serve(server) as url, pytest.raises(TaggerUnavailable, match="HTTP 500"):
        tagger(url).tag(TEXT)
    assert len(server.seen) == 3


def test_429_waits_for_retry_after_then_succeeds():
    server = ProtocolServer(
        script=[Reply(status=429, headers={"Retry-After": "0.4"})], answer=spans_in
    )
    with serve(server) as url:
        result = tagger(url).tag_detailed(TEXT)
    first, second = server.seen
    assert second.at - first.at >= 0.4
    assert len(result.suggestions) == 3 and result.usage.retries == 1


def test_rate_limit_spaces_requests():
    server = ProtocolServer(answer=spans_in)
    with serve(server) as url:
        began = time.monotonic()
        tagger(url, rate_limit=300, batch_chars=50).tag(TEXT + "\nThe end came.")
        took = time.monotonic() - began
    # 300 a minute is one request start every 0.2 s, so four requests span three intervals at
    # least (unlimited, they take a few milliseconds). Only a lower bound: a busy machine
    # makes requests later, never earlier, and the gaps between arrivals vary with it.
    assert len(server.seen) == 4 and took >= 0.6


def test_invalid_json_from_the_model_is_asked_again():
    server = ProtocolServer(script=[Reply(content="Sure! Here are the spans: {")], answer=spans_in)
    with serve(server) as url:
        result = tagger(url).tag_detailed(TEXT)
    assert len(server.seen) == 2 and len(result.suggestions) == 3


def test_a_model_that_never_answers_json_fails_the_article():
    server = ProtocolServer(script=[Reply(content="not json")] * 3)
    with serve(server) as url, pytest.raises(TaggerError, match=r"not valid after 3 tries.*JSON"):
        tagger(url).tag(TEXT)


def test_an_answer_outside_the_schema_names_the_problem():
    bad = json.dumps({"spans": [{"label": "opinion", "text": "The council"}]})
    with (
        serve(ProtocolServer(script=[Reply(content=bad)] * 3)) as url,
        pytest.raises(TaggerError, match=r"schema at spans/0/label: 'opinion' is not one of"),
    ):
        tagger(url).tag(TEXT)


def test_a_fenced_json_answer_is_accepted():
    fenced = "```json\n" + json.dumps({"spans": SPANS[:1]}) + "\n```"
    with serve(ProtocolServer(script=[Reply(content=fenced)])) as url:
        (claim,) = tagger(url).tag(TEXT.split("\n")[0])
    assert (claim.start, claim.end) == (0, 41)


def test_a_cut_off_answer_is_an_error_not_a_partial_result():
    cut = Reply(content='{"spans": [{"label": "cla', finish_reason="length")
    with (
        serve(ProtocolServer(script=[cut] * 3)) as url,
        pytest.raises(TaggerError, match="cut off at max_tokens"),
    ):
        tagger(url).tag(TEXT)


def test_a_refusal_is_not_retried():
    server = ProtocolServer(script=[Reply(status=401)])
    with serve(server) as url, pytest.raises(TaggerError, match="refused the request"):
        tagger(url).tag(TEXT)
    assert len(server.seen) == 1


def test_azure_style_key_header_and_full_url():
    server = ProtocolServer(answer=spans_in)
    with serve(server) as url:
        full = url + "/chat/completions?api-version=2024-06-01"
        tagger(full, auth="api-key").tag(TEXT)
    (request,) = server.seen
    assert request.headers["api-key"] == "test-key" and "authorization" not in request.headers
    assert request.path == "/v1/chat/completions?api-version=2024-06-01"
    assert completions_url("http://h/v1/") == "http://h/v1/chat/completions"


def test_unconfigured_tagger_says_what_to_set():
    with pytest.raises(TaggerError, match="Set LLM_TAGGER_URL and LLM_TAGGER_MODEL"):
        LlmTagger(url="", model="").tag(TEXT)


@pytest.mark.django_db
def test_pretagging_with_the_llm_tagger_stores_spans_and_tokens(project):
    server = ProtocolServer(answer=spans_in)
    with (
        serve(server) as url,
        override_settings(LLM_TAGGER_URL=url, LLM_TAGGER_MODEL="canned", LLM_TAGGER_RATE_LIMIT=0),
    ):
        register("llm", LlmTagger)  # a fresh instance with these settings
        article = make_article(project, TEXT)
        article_pretag(article=article, tagger="llm")
    spans = Span.objects.filter(article=article).order_by("start")
    assert [s.label.name for s in spans] == ["claim", "quote", "speculation"]
    assert {s.tagger_version for s in spans} == {"llm@canned.p1"}
    report = PretagReport.objects.get(article=article)
    assert report.tagger == "llm@canned.p1"
    assert report.report["requests"] == 1 and report.report["unmatched"] == []
    assert report.report["prompt_tokens"] > 0

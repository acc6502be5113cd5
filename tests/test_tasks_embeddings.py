"""Embedding claim spans: the service (reuse, re-embedding on a text change, skipped ids),
queueing after pre-tagging and after human claims are saved, through a real Celery worker,
the ``embed_claims`` backfill, and a web process that never imports torch."""

from __future__ import annotations

import io
import subprocess
import sys
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command

from annotator.celery import app, ensure_broker_folders
from articles import embeddings
from articles.models import Span, SpanEmbedding
from articles.services import articles_pretag, import_upload, span_create, span_update
from articles.services.embeddings import claims_without_embedding, spans_embed
from tests.factories import label, make_article, make_decision, make_project, make_suggestion
from tests.factories import make_user as new_user
from tests.test_similar_paraphrases import needs_embeddings

CLAIM = "The city spent 61 million euros on electric buses."


def wait_for(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("the worker did not embed in time")


@pytest.mark.django_db
def test_claims_are_embedded_once_and_a_decision_reuses_the_vector(owner, project):
    needs_embeddings()
    article = make_article(project, CLAIM + " Perhaps more will follow.")
    claim = make_suggestion(article, "claim", 0, len(CLAIM))
    other = make_suggestion(article, "speculation", len(CLAIM) + 1, len(article.text))
    assert spans_embed(span_ids=[claim.pk, other.pk, 999_999]) == 1
    stored = SpanEmbedding.objects.get(span=claim)
    assert (stored.model, stored.project_id) == (embeddings.model_id(), project.pk)
    assert len(embeddings.unpack(bytes(stored.vector))) == embeddings.DIMENSIONS
    assert spans_embed(span_ids=[claim.pk]) == 0  # unchanged text: nothing to do
    decision = make_decision(claim, owner)
    assert spans_embed(span_ids=[decision.pk]) == 1
    assert bytes(SpanEmbedding.objects.get(span=decision).vector) == bytes(stored.vector)
    assert list(claims_without_embedding()) == []


@pytest.mark.django_db
def test_an_edited_claim_text_is_embedded_again(owner, project):
    needs_embeddings()
    article = make_article(project, CLAIM + " The mayor disagrees.")
    span = span_create(
        article=article, label=label(project, "claim"), start=0, end=len(CLAIM), actor=owner
    )
    spans_embed(span_ids=[span.pk])
    before = bytes(SpanEmbedding.objects.get(span=span).vector)
    span = span_update(span=span, actor=owner, version=span.version, end=len(article.text))
    assert spans_embed(span_ids=[span.pk]) == 1
    after = SpanEmbedding.objects.get(span=span)
    assert bytes(after.vector) != before and after.digest == embeddings.digest(span.text)


@pytest.mark.django_db
def test_a_tagger_re_run_removes_the_vectors_of_replaced_suggestions(project):
    needs_embeddings()
    article = make_article(project, "The council approved the budget in March.")
    old = make_suggestion(article, "claim", 0, 10)
    spans_embed(span_ids=[old.pk])
    articles_pretag(article_ids=[article.pk], tagger="rules")
    assert not Span.objects.filter(pk=old.pk).exists()
    assert not SpanEmbedding.objects.filter(span_id=old.pk).exists()


@pytest.mark.django_db
def test_embed_claims_backfills_a_project(project):
    needs_embeddings()
    elsewhere = make_project(new_user("other"), "Other desk")
    mine = make_suggestion(make_article(project, CLAIM), "claim", 0, len(CLAIM))
    theirs = make_suggestion(make_article(elsewhere, CLAIM), "claim", 0, len(CLAIM))
    out = io.StringIO()
    call_command("embed_claims", "--project", project.name, "--batch-size", "1", stdout=out)
    assert "1/1 claim spans" in out.getvalue() and "Embedded 1 claim span(s) of 1" in out.getvalue()
    assert SpanEmbedding.objects.filter(span=mine).exists()
    assert not SpanEmbedding.objects.filter(span=theirs).exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_embeds_human_claims_and_pretagged_ones(settings):
    needs_embeddings()
    settings.EMBED_CLAIMS = True  # off for the rest of the suite (tests/conftest.py)
    owner = new_user("embedder")
    project = make_project(owner, name="Embedding desk")
    article = make_article(project, CLAIM + " Critics were not convinced.")
    ensure_broker_folders()
    app.control.purge()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        span = span_create(
            article=article, label=label(project, "claim"), start=0, end=len(CLAIM), actor=owner
        )
        wait_for(lambda: SpanEmbedding.objects.filter(span=span).exists())
        job = import_upload(
            project=project,
            name="claims.txt",
            data=b"The council approved the budget in March. Officials may close the bridge.",
            actor=owner,
        )
        claims = Span.objects.filter(article__import_job=job, label__name="claim")
        wait_for(lambda: claims.exists() and not claims.filter(embedding__isnull=True).exists())
    assert SpanEmbedding.objects.filter(span__in=claims).count() == claims.count() > 0


def test_the_web_process_never_imports_torch():
    """Loading the URLconf (every view and selector) and answering a similar-claims lookup
    path import no torch: only the worker encodes."""
    code = (
        "import django, sys; django.setup(); "
        "import annotator.urls, articles.selectors.similar, articles.services.embeddings; "
        "import articles.api.similar; "
        "sys.exit('torch imported' if 'torch' in sys.modules else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "annotator.settings", **_env()},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _env() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}

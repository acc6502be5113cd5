"""Pre-tagging through a real Celery worker on the configured broker, and the retry policy."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.test.utils import override_settings

from annotator.celery import app, ensure_broker_folders
from articles.models import Article, Span
from articles.services import import_upload
from articles.tagging import register
from articles.tagging.base import TaggerUnavailable
from articles.tagging.rules import RulesTagger
from articles.tasks.pretag import MAX_RETRIES, pretag_articles
from tests.factories import make_article, make_project, make_user

RULES_ID = f"rules@{RulesTagger.version}"

TEXTS = [
    '"The river is rising fast," said Omar Haddad. Officials may close the bridge tonight.',
    "The school reopened on Monday. Parents said that the new roof still leaks.",
    "Perhaps the vote will be delayed. The council approved the budget in March.",
]


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("the worker did not finish in time")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_import_is_pretagged_by_a_real_worker():
    owner = make_user("importer")
    project = make_project(owner, name="Worker desk")
    data = "\n".join(f'{{"text": "{t.replace(chr(34), chr(92) + chr(34))}"}}' for t in TEXTS)
    ensure_broker_folders()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        with override_settings(PRETAG_BATCH_SIZE=2):  # two tasks: batches of ids
            job = import_upload(project=project, name="w.jsonl", data=data.encode(), user=owner)
        articles = Article.objects.filter(import_job=job)
        wait_for(lambda: not articles.exclude(pretag_state="done").exists())
    assert articles.count() == 3
    assert set(articles.values_list("pretag_tagger", flat=True)) == {RULES_ID}
    first = articles.get(text=TEXTS[0])
    quote = Span.objects.get(article=first, label__name="quote", attrs__direct=True)
    assert (quote.text, quote.attrs["speaker"]) == ("The river is rising fast", "Omar Haddad")
    assert Span.objects.filter(article=first, label__name="speculation").exists()


class FlakyTagger:
    name = "flaky"
    version = "1"
    calls = 0

    def tag(self, text: str) -> list:
        FlakyTagger.calls += 1
        raise TaggerUnavailable("backend timed out")


@pytest.mark.django_db
def test_transient_failure_is_retried_then_recorded(project):
    """Eager ``apply`` runs each retry inline: the tagger is tried 1 + MAX_RETRIES times."""
    register("flaky", FlakyTagger)
    FlakyTagger.calls = 0
    article = make_article(project, "A text for an unreachable backend.")
    result = pretag_articles.apply(args=[[article.pk], "flaky"])
    article.refresh_from_db()
    assert FlakyTagger.calls == 1 + MAX_RETRIES
    assert result.state == "SUCCESS"
    assert article.pretag_state == "failed"
    assert article.pretag_error == "Gave up after retries: backend timed out"


def test_task_options_are_safe_for_redelivery():
    assert pretag_articles.acks_late is True
    assert pretag_articles.max_retries == MAX_RETRIES

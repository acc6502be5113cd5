"""Pre-tagging through a real Celery worker on the configured broker, retries, lost-work sweep."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import worker_ready
from django.core.management import CommandError, call_command
from django.test.utils import override_settings
from django.utils import timezone

from annotator.celery import app, ensure_broker_folders
from articles.models import Article, Span
from articles.services import import_upload
from articles.services.pretag import pretag_lost_ids
from articles.tagging import register
from articles.tagging.base import TaggerUnavailable
from articles.tagging.rules import RulesTagger
from articles.tasks.base import MAX_RETRIES
from articles.tasks.pretag import pretag_articles
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
            job = import_upload(project=project, name="w.jsonl", data=data.encode(), actor=owner)
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
    assert result.state == "FAILURE"
    assert article.pretag_state == "failed"
    assert article.pretag_error == f"Gave up after {MAX_RETRIES} retries: backend timed out"


def test_task_options_are_safe_for_redelivery():
    assert pretag_articles.acks_late is True
    assert pretag_articles.max_retries == MAX_RETRIES


def lost_work(project):
    """A pending article (never queued), a run that started long ago (its worker died), a
    run in progress and an article already done."""
    pending = make_article(project, TEXTS[0])
    stale = make_article(project, TEXTS[1])
    fresh = make_article(project, TEXTS[2])
    done = make_article(project, "Perhaps it rains. Nothing else happened.")
    long_ago = timezone.now() - timedelta(hours=2)
    Article.objects.filter(pk=stale.pk).update(pretag_state="running", updated_at=long_ago)
    Article.objects.filter(pk=fresh.pk).update(pretag_state="running", updated_at=timezone.now())
    Article.objects.filter(pk=done.pk).update(pretag_state="done", pretag_tagger="old@1")
    return pending, stale, fresh, done


def states(*articles) -> list[str]:
    return [Article.objects.get(pk=a.pk).pretag_state for a in articles]


@pytest.mark.django_db
def test_lost_ids_are_pending_and_stale_running_articles(project):
    pending, stale, fresh, _done = lost_work(project)
    other = make_article(make_project(make_user("other"), name="Other desk"), "Other text.")
    assert pretag_lost_ids() == [pending.pk, stale.pk, other.pk]
    assert pretag_lost_ids(project=project) == [pending.pk, stale.pk]
    with override_settings(PRETAG_STALE_SECONDS=4 * 3600):
        assert pretag_lost_ids(project=project) == [pending.pk]
    assert pretag_lost_ids(project=project, stale_seconds=0) == [pending.pk, stale.pk, fresh.pk]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_start_queues_lost_work():
    """The handler runs when Celery sends worker_ready; the test worker class does not send
    it, so the test sends it the way celery.apps.worker does, then the real worker runs."""
    project = make_project(make_user("sweeper"), name="Sweep desk")
    pending, stale, fresh, done = lost_work(project)
    ensure_broker_folders()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING") as worker:
        worker_ready.send(sender=worker.consumer)
        wait_for(lambda: states(pending, stale) == ["done", "done"])
    assert states(fresh, done) == ["running", "done"]
    assert Article.objects.get(pk=done.pk).pretag_tagger == "old@1"
    quote = Span.objects.get(article=pending, label__name="quote", attrs__direct=True)
    assert quote.attrs["speaker"] == "Omar Haddad"
    assert Span.objects.filter(article=stale).exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_pretag_pending_command_queues_one_project():
    project = make_project(make_user("sweeper"), name="Sweep desk")
    pending, stale, fresh, done = lost_work(project)
    other = make_article(make_project(make_user("other"), name="Other desk"), "Other text.")
    out = io.StringIO()
    ensure_broker_folders()
    with override_settings(PRETAG_BATCH_SIZE=1):
        call_command("pretag_pending", "--project", "Sweep desk", stdout=out)
    assert out.getvalue().strip() == "Queued 2 article(s) in 2 task(s)."
    # The messages wait in the broker until a worker starts.
    assert states(pending, stale) == ["pending", "running"]
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        wait_for(lambda: states(pending, stale) == ["done", "done"])
    assert states(fresh, done, other) == ["running", "done", "pending"]


@pytest.mark.django_db
def test_pretag_pending_command_rejects_unknown_project():
    with pytest.raises(CommandError, match="No project named 'Nope'"):
        call_command("pretag_pending", "--project", "Nope")


@pytest.mark.django_db
def test_task_skips_done_articles_unless_a_tagger_is_named(project):
    article = make_article(project, TEXTS[0])
    Article.objects.filter(pk=article.pk).update(pretag_state="done", pretag_tagger="old@1")
    assert pretag_articles.apply(args=[[article.pk]]).result == 0
    assert not Span.objects.filter(article=article).exists()
    assert pretag_articles.apply(args=[[article.pk], "rules"]).result == 1
    assert Article.objects.get(pk=article.pk).pretag_tagger == RULES_ID
    assert Span.objects.filter(article=article, label__name="quote").exists()

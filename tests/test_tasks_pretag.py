"""Pre-tagging through a real Celery worker on the configured broker, retries, heartbeats
and the sweep of lost work."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import worker_ready
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test.utils import override_settings
from django.utils import timezone

from annotator.celery import app, ensure_broker_folders
from articles.models import Article, Span
from articles.services import article_pretag_request, articles_pretag, import_upload
from articles.services.pretag import pretag_lost_ids
from articles.services.sweep import Swept, sweep
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


def test_transient_failure_hands_the_batch_back_as_pending(project):
    """Between attempts the batch is pending and queued (its retry is), not ``running``
    with a heartbeat that stops: the retry claims it at once, the sweep leaves it alone."""
    register("flaky", FlakyTagger)
    article = make_article(project, "A text for an unreachable backend.")
    Article.objects.filter(pk=article.pk).update(pretag_queued_at=None)
    with pytest.raises(TaggerUnavailable, match="backend timed out"):
        articles_pretag(article_ids=[article.pk], tagger="flaky")
    article.refresh_from_db()
    assert (article.pretag_state, article.pretag_heartbeat) == ("pending", None)
    assert article.pretag_queued_at is not None
    assert pretag_lost_ids() == []


def ago(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


def lost_work(project):
    """One article in each situation the sweep tells apart (defaults: resend after 600 s,
    dead after 180 s without a heartbeat)."""
    unsent = make_article(project, TEXTS[0])  # sending failed
    forgotten = make_article(project, TEXTS[1])  # sent 20 minutes ago, never started
    dead = make_article(project, TEXTS[2])  # its worker stopped beating 10 minutes ago
    queued = make_article(project, "Perhaps it rains. The queue is long today.")
    alive = make_article(project, "The mayor may resign. She beat a second ago.")
    done = make_article(project, "Perhaps it rains. Nothing else happened.")
    update = Article.objects.filter
    update(pk=unsent.pk).update(pretag_queued_at=None)
    update(pk=forgotten.pk).update(pretag_queued_at=ago(1200))
    update(pk=dead.pk).update(pretag_state="running", pretag_heartbeat=ago(600))
    update(pk=queued.pk).update(pretag_queued_at=ago(60))
    update(pk=alive.pk).update(pretag_state="running", pretag_heartbeat=ago(1))
    update(pk=done.pk).update(pretag_state="done", pretag_tagger="old@1", pretag_queued_at=None)
    return unsent, forgotten, dead, queued, alive, done


def states(*articles) -> list[str]:
    return [Article.objects.get(pk=a.pk).pretag_state for a in articles]


@pytest.mark.django_db
def test_lost_ids_are_unsent_forgotten_and_dead_work(project):
    unsent, forgotten, dead, queued, alive, _done = lost_work(project)
    other = make_article(make_project(make_user("other"), name="Other desk"), "Other text.")
    Article.objects.filter(pk=other.pk).update(pretag_queued_at=None)
    assert pretag_lost_ids() == [unsent.pk, forgotten.pk, dead.pk, other.pk]
    assert pretag_lost_ids(project=project) == [unsent.pk, forgotten.pk, dead.pk]
    with override_settings(HEARTBEAT_TIMEOUT_SECONDS=3600, RESEND_AFTER_SECONDS=30):
        assert pretag_lost_ids(project=project) == [unsent.pk, forgotten.pk, queued.pk]
    # 0: every running task is taken for dead (all workers are known to be down).
    assert pretag_lost_ids(project=project, dead_after=0) == [
        unsent.pk, forgotten.pk, dead.pk, alive.pk,
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_second_sweep_sends_nothing_again(project):
    """The sweep marks what it sends as pending and queued now: another sweep right after
    (a second worker starting) finds nothing lost."""
    unsent, forgotten, dead, queued, alive, done = lost_work(project)
    ensure_broker_folders()
    assert sweep() == Swept(articles=3, tasks=1, snapshots=0)
    assert states(unsent, forgotten, dead) == ["pending"] * 3
    assert Article.objects.get(pk=dead.pk).pretag_heartbeat is None
    assert sweep() == Swept(articles=0, tasks=0, snapshots=0)
    assert states(queued, alive, done) == ["pending", "running", "done"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_start_sends_lost_work():
    """The handler runs when Celery sends worker_ready; the test worker class does not send
    it, so the test sends it the way celery.apps.worker does, then the real worker runs."""
    project = make_project(make_user("sweeper"), name="Sweep desk")
    unsent, forgotten, dead, queued, alive, done = lost_work(project)
    ensure_broker_folders()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING") as worker:
        worker_ready.send(sender=worker.consumer)
        wait_for(lambda: states(unsent, forgotten, dead) == ["done"] * 3)
    assert states(queued, alive, done) == ["pending", "running", "done"]
    assert Article.objects.get(pk=done.pk).pretag_tagger == "old@1"
    quote = Span.objects.get(article=unsent, label__name="quote", attrs__direct=True)
    assert quote.attrs["speaker"] == "Omar Haddad"
    assert Span.objects.filter(article=dead).exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_beat_sweep_task_sends_lost_work_to_a_real_worker():
    """The task beat sends (by name, as beat does) runs the sweep in the worker."""
    project = make_project(make_user("sweeper"), name="Beat desk")
    unsent, forgotten, dead, queued, alive, done = lost_work(project)
    ensure_broker_folders()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        app.send_task(settings.CELERY_BEAT_SCHEDULE["sweep"]["task"])
        wait_for(lambda: states(unsent, forgotten, dead) == ["done"] * 3)
    assert states(queued, alive, done) == ["pending", "running", "done"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_pretag_pending_command_sends_one_project():
    project = make_project(make_user("sweeper"), name="Sweep desk")
    unsent, forgotten, dead, queued, alive, done = lost_work(project)
    other = make_article(make_project(make_user("other"), name="Other desk"), "Other text.")
    Article.objects.filter(pk=other.pk).update(pretag_queued_at=None)
    out = io.StringIO()
    ensure_broker_folders()
    with override_settings(PRETAG_BATCH_SIZE=1):
        call_command("pretag_pending", "--project", "Sweep desk", stdout=out)
    assert out.getvalue().strip() == "Queued 3 article(s) in 3 task(s) and 0 snapshot(s)."
    # The messages wait in the broker until a worker starts.
    assert states(unsent, forgotten, dead) == ["pending"] * 3
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        wait_for(lambda: states(unsent, forgotten, dead) == ["done"] * 3)
    assert states(queued, alive, done, other) == ["pending", "running", "done", "pending"]


@pytest.mark.django_db
def test_pretag_pending_command_refuses_bad_arguments():
    with pytest.raises(CommandError, match="No project named 'Nope'"):
        call_command("pretag_pending", "--project", "Nope")
    with pytest.raises(CommandError, match="--stale-seconds must be 0 or more"):
        call_command("pretag_pending", "--stale-seconds", "-1")


@pytest.mark.django_db
def test_task_tags_only_work_nobody_is_doing(project):
    """A duplicate message (a sweep's re-send, a redelivery) leaves alone articles done or
    being tagged by a live worker, even with a tagger named; a dead worker's are taken."""
    done, alive, dead = (make_article(project, text) for text in TEXTS)
    Article.objects.filter(pk=done.pk).update(pretag_state="done", pretag_tagger="old@1")
    Article.objects.filter(pk=alive.pk).update(pretag_state="running", pretag_heartbeat=ago(1))
    Article.objects.filter(pk=dead.pk).update(pretag_state="running", pretag_heartbeat=ago(600))
    ids = [done.pk, alive.pk, dead.pk]
    assert pretag_articles.apply(args=[ids, "rules"]).result == 1
    assert states(done, alive, dead) == ["done", "running", "done"]
    assert not Span.objects.filter(article__in=[done, alive]).exists()
    assert Article.objects.get(pk=dead.pk).pretag_tagger == RULES_ID


@pytest.mark.django_db
def test_rerun_request_then_task_retags_a_done_article(project, owner):
    article = make_article(project, TEXTS[0])
    Article.objects.filter(pk=article.pk).update(pretag_state="done", pretag_tagger="old@1")
    article_pretag_request(article=article, actor=owner, tagger="rules")
    assert pretag_articles.apply(args=[[article.pk], "rules"]).result == 1
    assert Article.objects.get(pk=article.pk).pretag_tagger == RULES_ID
    assert Span.objects.filter(article=article, label__name="quote").exists()


class BeatWatcher:
    """Records, at each article it tags, the heartbeat of the batch in the database."""

    name = "watcher"
    version = "1"
    seen: list = []

    def tag(self, text: str) -> list:
        BeatWatcher.seen.append(
            sorted(set(Article.objects.filter(text__startswith="Watched").values_list(
                "pretag_state", "pretag_heartbeat"
            )))
        )  # fmt: skip
        time.sleep(0.01)
        return []


@pytest.mark.django_db
def test_a_running_batch_beats_while_it_tags(project, settings):
    settings.HEARTBEAT_SECONDS = 0  # beat at every article
    register("watcher", BeatWatcher)
    BeatWatcher.seen = []
    ids = [make_article(project, f"Watched article {n}.").pk for n in range(3)]
    articles_pretag(article_ids=ids, tagger="watcher")
    beats = BeatWatcher.seen
    assert [len(rows) for rows in beats] == [1, 1, 1]  # one state and beat for the batch
    assert {rows[0][0] for rows in beats} == {"running"}
    times = [rows[0][1] for rows in beats]
    assert times[0] < times[1] < times[2]
    assert states(*Article.objects.filter(pk__in=ids)) == ["done"] * 3


@pytest.mark.django_db
def test_a_redelivered_batch_takes_over_running_articles(project):
    """The broker delivers a batch again when the worker holding it died: its articles are
    running with a heartbeat that may look fresh; done ones stay done."""
    running, done = make_article(project, TEXTS[0]), make_article(project, TEXTS[1])
    Article.objects.filter(pk=running.pk).update(pretag_state="running", pretag_heartbeat=ago(1))
    Article.objects.filter(pk=done.pk).update(pretag_state="done", pretag_tagger="old@1")
    ids = [running.pk, done.pk]
    assert articles_pretag(article_ids=ids) == []
    taken = articles_pretag(article_ids=ids, takeover=True)
    assert [result.article_id for result in taken] == [running.pk]
    assert states(running, done) == ["done", "done"]
    assert Article.objects.get(pk=done.pk).pretag_tagger == "old@1"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"HEARTBEAT_SECONDS": "60", "HEARTBEAT_TIMEOUT_SECONDS": "100"},
            "HEARTBEAT_TIMEOUT_SECONDS=100 must exceed twice HEARTBEAT_SECONDS=60",
        ),
        ({"CELERY_BROKER_TRANSPORT_OPTIONS": "{visibility"}, "is not valid JSON"),
        ({"CELERY_BROKER_TRANSPORT_OPTIONS": "[1]"}, "must be a JSON object"),
    ],
)
def test_sweep_settings_refuse_bad_values(env, message):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "SECRET_KEY": "x", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert message in result.stderr

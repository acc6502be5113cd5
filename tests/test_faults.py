"""Faults that heal by themselves, with real processes: a worker SIGKILLed mid-batch, a
broker stopped while requests arrive, a broker restarted empty. Every test runs the app as
production does (gunicorn, Celery workers, beat) on the test database and a redis-server of
its own, with short heartbeat and sweep intervals, and checks that every article ends tagged
exactly once and every snapshot built, with nobody running a command."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kombu import Connection
from rest_framework.authtoken.models import Token

from articles.models import Article, ImportJob, Label, Snapshot, Span
from articles.services.pretag import suggestions_to_rows
from articles.tagging import get_tagger
from articles.tagging.base import tagger_id
from tests.factories import make_project, make_user
from tests.stack import RedisServer, SilentServer, multipart, request, stack, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Short intervals so a fault heals in seconds: a task beats every second, is taken for dead
# after 3 s without a beat, and beat sweeps every second.
FAST = {
    "HEARTBEAT_SECONDS": "1",
    "HEARTBEAT_TIMEOUT_SECONDS": "3",
    "SWEEP_INTERVAL_SECONDS": "1",
}

PARAGRAPHS = [
    '"We will not reopen the harbour before spring," said Marta Quinn, the port director.',
    "The ferry company reported a loss of 4 million euros in the third quarter.",
    "Fishermen may lose a whole season if the dredging is delayed again.",
    "According to the council, the new breakwater was finished in 2021.",
    "Perhaps the ministry will step in. Nobody expects a decision before the vote.",
    "Residents said that the noise from the works had kept them awake for weeks.",
]


def article_text(n: int) -> str:
    """A distinct article of a few paragraphs (the import drops duplicates)."""
    lead = f"Harbour report number {n}: the tide gauge read {n % 97} centimetres."
    return "\n\n".join([lead, *PARAGRAPHS[n % 3 :], *PARAGRAPHS[: n % 3]])


def jsonl(texts: list[str]) -> bytes:
    return "\n".join(json.dumps({"title": t[:30], "text": t}) for t in texts).encode()


def expected_keys(project_id: int, texts: list[str]) -> dict[str, set[tuple[int, int, int]]]:
    """Per text, the (label, start, end) set one run of the rules tagger stores."""
    labels = dict(Label.objects.filter(project=project_id).values_list("name", "pk"))
    engine = get_tagger("rules")
    keys = {}
    for text in texts:
        rows, _, _ = suggestions_to_rows(
            article_id=0, text=text, suggestions=engine.tag(text), labels=labels, version="x"
        )
        keys[text] = {(row["label_id"], row["start"], row["end"]) for row in rows}
    return keys


def assert_tagged_once(project_id: int, texts: list[str]) -> None:
    """Every article done, without an error, by the rules tagger, with exactly the
    suggestions of one run: none missing, none twice."""
    articles = Article.objects.filter(project=project_id)
    assert articles.count() == len(texts)
    states = set(articles.values_list("pretag_state", "pretag_error", "pretag_tagger"))
    assert states == {("done", "", tagger_id(get_tagger("rules")))}
    expected = expected_keys(project_id, texts)
    stored: dict[int, list[tuple[int, int, int]]] = {}
    for article_id, label_id, start, end in Span.objects.filter(
        article__project=project_id, annotator__isnull=True
    ).values_list("article_id", "label_id", "start", "end"):
        stored.setdefault(article_id, []).append((label_id, start, end))
    for article_id, text in articles.values_list("pk", "text"):
        keys = stored.get(article_id, [])
        assert len(keys) == len(set(keys)), f"article {article_id} has a suggestion twice"
        assert set(keys) == expected[text], f"article {article_id} is not tagged as one run"


def desk(name: str) -> tuple[int, str]:
    """A project and the API token of its owner."""
    owner = make_user(f"{name}-owner", is_staff=True)
    project = make_project(owner, name=name)
    return project.pk, Token.objects.create(user=owner).key


def states(project_id: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for state in Article.objects.filter(project=project_id).values_list("pretag_state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


def import_file(base: str, token: str, project_id: int, texts: list[str]) -> tuple[int, float]:
    body, content_type = multipart("file", "batch.jsonl", jsonl(texts))
    status, answer, seconds = request(
        "POST", f"{base}/api/projects/{project_id}/imports/", token, body, content_type
    )
    # Stored and queued: a worker imports it (with the broker down, once the sweep sends it).
    assert (status, answer["state"]) == (202, "pending"), answer
    return status, seconds


def unacked_pretags(broker: RedisServer) -> dict[bytes, str]:
    """Redis's record of delivered, unacknowledged pre-tag messages: delivery tag → task id."""
    found = {}
    for tag, raw in broker.client().hgetall("unacked").items():
        payload = json.loads(raw)[0]
        if payload["headers"]["task"] == "articles.pretag_articles":
            found[tag] = payload["headers"]["id"]
    return found


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def kill_during_second_batch(project_id: int, kill: Callable[[], object]) -> dict[str, int]:
    """Call ``kill`` once the first batch of 100 is stored and the next one is running; the
    pre-tag states at that moment (some article must still be running)."""
    wait_until(
        lambda: (
            states(project_id).get("done", 0) >= 100 and states(project_id).get("running", 0) > 0
        ),
        60,
        "a batch running after the first one is done",
    )
    kill()
    at_kill = states(project_id)
    assert at_kill.get("running"), f"the batch finished before the kill: {at_kill}"
    return at_kill


def kill_pool_process(worker: Any) -> None:
    (pool_process,) = worker.children()
    os.kill(pool_process, signal.SIGKILL)


def test_worker_killed_mid_batch_heals_by_itself(tmp_path: Path, media: Path) -> None:
    """300 articles in batches of 100; the worker is SIGKILLed while a batch is running. A
    second worker with beat finishes the queue and the sweep re-sends the killed batch once
    its heartbeat is 3 s old. Then Redis's own redelivery of the killed worker's message
    (forced early: visibility timeout 1 s on a third worker) tags nothing again."""
    texts = [article_text(n) for n in range(300)]
    project_id, token = desk("Kill desk")
    broker = RedisServer(tmp_path)
    broker.start()
    try:
        with stack(tmp_path, broker.url, PRETAG_BATCH_SIZE="100", **FAST) as app:
            base = app.web()
            first = app.worker("first")
            import_file(base, token, project_id, texts)
            # Mid-batch: the first batch stored, the second being tagged.
            at_kill = kill_during_second_batch(project_id, first.kill)
            lost_messages = unacked_pretags(broker)
            assert len(lost_messages) == 1, lost_messages  # the killed worker's batch
            (lost_task,) = lost_messages.values()

            killed_at = time.monotonic()
            second = app.worker("second", beat=True)
            wait_until(lambda: states(project_id) == {"done": 300}, 60, "every article done")
            healed_after = time.monotonic() - killed_at
            # Sent again by the sweep, at the worker's start or at a beat tick.
            assert re.search(
                r"(At worker start|Sweep): Queued 100 article\(s\) in 1 task", second.output()
            )
            # Redis has not given the killed worker's message back; the second worker's own
            # last message is acknowledged just after its articles are stored.
            wait_until(
                lambda: unacked_pretags(broker) == lost_messages, 10, "only the lost one unacked"
            )
            suggestions = sorted(
                Span.objects.filter(article__project=project_id).values_list("pk", flat=True)
            )
            second.stop()

            # Redis gives the message back once its visibility timeout has passed (an hour
            # by default; a second here, scanned for at once): it runs and tags nothing.
            third = app.worker(
                "third",
                CELERY_BROKER_TRANSPORT_OPTIONS=json.dumps(
                    {
                        "visibility_timeout": 1,
                        "unacked_restore_interval": 1,
                        "unacked_restore_throttle": 1,
                    }
                ),
            )
            finished = re.compile(
                rf"Task articles\.pretag_articles\[{lost_task}\] succeeded in [\d.]+s: (\d+)"
            )
            redelivered = wait_until(
                lambda: finished.search(third.output()), 30, "the lost message redelivered"
            )
            assert redelivered.group(1) == "0"  # articles tagged by the redelivered task
            wait_until(lambda: not unacked_pretags(broker), 10, "the redelivery acknowledged")
    finally:
        broker.stop()
    assert_tagged_once(project_id, texts)
    after = sorted(Span.objects.filter(article__project=project_id).values_list("pk", flat=True))
    assert after == suggestions
    print(
        f"\nkill: {at_kill} at SIGKILL; all 300 done {healed_after:.1f} s after the kill "
        "(second worker's start included)"
    )


def test_pool_process_killed_mid_batch_is_taken_over_at_once(tmp_path: Path, media: Path) -> None:
    """Only the worker's pool process is SIGKILLed (as the kernel's OOM killer does): the
    worker rejects the message back to Redis (``reject_on_worker_lost``), which delivers it
    again flagged as redelivered, and the task takes its running articles over at once, with
    no wait for their heartbeat to go stale (10 minutes here)."""
    texts = [article_text(n) for n in range(4000, 4300)]
    project_id, token = desk("Pool desk")
    broker = RedisServer(tmp_path)
    broker.start()
    try:
        with stack(
            tmp_path,
            broker.url,
            PRETAG_BATCH_SIZE="100",
            **{**FAST, "HEARTBEAT_TIMEOUT_SECONDS": "600"},
        ) as app:
            base = app.web()
            worker = app.worker("worker")
            import_file(base, token, project_id, texts)
            at_kill = kill_during_second_batch(project_id, lambda: kill_pool_process(worker))
            killed_at = time.monotonic()
            wait_until(lambda: states(project_id) == {"done": 300}, 60, "every article done")
            healed_after = time.monotonic() - killed_at
            assert "WorkerLostError" in worker.output()
            assert "Sweep:" not in worker.output()  # no beat here: the takeover did it
    finally:
        broker.stop()
    assert_tagged_once(project_id, texts)
    assert healed_after < 60
    print(f"\npool process: {at_kill} at SIGKILL; all 300 done {healed_after:.1f} s after it")


RABBITMQ = "amqp://guest:guest@127.0.0.1:5672//"


@pytest.fixture
def rabbitmq_queue():
    """A queue of the test's own on the RabbitMQ server at 5672 (shared: the test must not
    touch other queues), deleted afterwards."""
    connection = Connection(RABBITMQ, connect_timeout=3)
    try:
        connection.ensure_connection(max_retries=1)
    except Exception as error:  # no RabbitMQ here: nothing to test against
        pytest.skip(f"no RabbitMQ at {RABBITMQ}: {error}")
    name = f"annotator-faults-{uuid.uuid4().hex[:8]}"
    try:
        yield name
    finally:
        connection.default_channel.queue_delete(name)
        connection.release()


def test_worker_killed_on_rabbitmq_is_taken_over_at_once(
    tmp_path: Path, media: Path, rabbitmq_queue: str
) -> None:
    """RabbitMQ puts a dead consumer's unacked message back as soon as its connection
    closes; the next worker gets it flagged as redelivered and takes the running articles
    over at once: no beat here, and a heartbeat timeout of 10 minutes."""
    texts = [article_text(n) for n in range(5000, 5300)]
    project_id, token = desk("Rabbit desk")
    env = {**FAST, "HEARTBEAT_TIMEOUT_SECONDS": "600"}
    with stack(
        tmp_path,
        RABBITMQ,
        PRETAG_BATCH_SIZE="100",
        CELERY_TASK_DEFAULT_QUEUE=rabbitmq_queue,
        **env,
    ) as app:
        base = app.web()
        first = app.worker("first")
        import_file(base, token, project_id, texts)
        at_kill = kill_during_second_batch(project_id, first.kill)
        killed_at = time.monotonic()
        second = app.worker("second")
        wait_until(lambda: states(project_id) == {"done": 300}, 60, "every article done")
        healed_after = time.monotonic() - killed_at
        assert "At worker start: Queued" not in second.output()
    assert_tagged_once(project_id, texts)
    print(
        f"\nrabbitmq: {at_kill} at SIGKILL; all 300 done {healed_after:.1f} s after the kill "
        "(second worker's start included)"
    )


@pytest.mark.parametrize("outage", ["stopped", "hung"])
def test_requests_while_the_broker_is_down_are_done_once_it_is_back(
    tmp_path: Path, media: Path, outage: str
) -> None:
    """With Redis stopped (connections refused), or hung (a server on its port accepting
    connections and never answering), an import answers 202 and a snapshot request 202
    (pending), both stored unsent; nothing is lost. Redis comes back on the same port: the
    worker and beat (on its own, as docker-compose runs it) reconnect, beat's next sweep sends
    the unsent import and snapshot, every imported article is tagged once and the snapshot
    built (of what the project held when it ran: the import may land before or after it)."""
    texts = [article_text(n) for n in range(1000, 1060)]
    project_id, token = desk("Outage desk")
    broker = RedisServer(tmp_path)
    broker.start()
    try:
        with stack(tmp_path, broker.url, **FAST) as app:
            base = app.web()
            worker = app.worker("worker")
            app.beat()
            broker.stop()
            silent = SilentServer(broker.port) if outage == "hung" else None
            status, health, _ = request("GET", f"{base}/healthz", token)
            assert (status, health["broker"][:6]) == (503, "error:")

            _, import_seconds = import_file(base, token, project_id, texts)
            status, snapshot, snapshot_seconds = request(
                "POST",
                f"{base}/api/projects/{project_id}/snapshots/",
                token,
                json.dumps({"format": "jsonl"}).encode(),
                "application/json",
            )
            assert (status, snapshot["state"]) == (202, "pending"), snapshot
            job = ImportJob.objects.get(project=project_id)
            assert job.queued_at is None and job.state == "pending"
            assert Snapshot.objects.get(pk=snapshot["id"]).queued_at is None
            time.sleep(2)  # beat ticks twice meanwhile, and cannot send
            assert not Article.objects.filter(project=project_id).exists()
            assert ImportJob.objects.get(pk=job.pk).state == "pending"

            if silent:
                silent.close()
            broker.start()
            back_at = time.monotonic()
            wait_until(
                lambda: (
                    states(project_id) == {"done": len(texts)}
                    and Snapshot.objects.get(pk=snapshot["id"]).state == "done"
                ),
                60,
                "the work done after the broker is back",
            )
            healed_after = time.monotonic() - back_at
            assert re.search(
                r"Sweep: .* and 1 snapshot\(s\); swept 1 import\(s\)\.", worker.output()
            )
            status, built, _ = request("GET", f"{base}/api/snapshots/{snapshot['id']}/", token)
            assert (status, built["state"]) == (200, "done")
            assert built["article_count"] in (0, len(texts))
    finally:
        broker.stop()
    assert_tagged_once(project_id, texts)
    frozen = Snapshot.objects.get(pk=snapshot["id"])
    data = frozen.file.read()
    assert hashlib.sha256(data).hexdigest() == frozen.sha256
    assert len(data.splitlines()) == built["article_count"]
    assert import_seconds < 10 and snapshot_seconds < 10
    print(
        f"\noutage ({outage}): import answered 202 in {import_seconds:.2f} s, snapshot 202 in "
        f"{snapshot_seconds:.2f} s with the broker down; all done {healed_after:.1f} s after "
        "it came back"
    )


def test_messages_lost_in_a_broker_restart_are_sent_again(tmp_path: Path, media: Path) -> None:
    """Work is sent while no worker runs; the broker is killed and restarts empty (no
    persistence). Nothing says the messages are gone but the time: once
    RESEND_AFTER_SECONDS (4 s here) have passed since they were sent, the sweep sends the
    work again."""
    texts = [article_text(n) for n in range(2000, 2040)]
    project_id, token = desk("Restart desk")
    broker = RedisServer(tmp_path)
    broker.start()
    try:
        with stack(tmp_path, broker.url, RESEND_AFTER_SECONDS="4", **FAST) as app:
            base = app.web()
            import_file(base, token, project_id, texts)
            sent_at = time.monotonic()
            assert broker.client().llen("annotator") == 1  # the import job, waiting
            assert ImportJob.objects.get(project=project_id).queued_at is not None
            broker.stop()
            broker.start()
            assert broker.client().llen("annotator") == 0
            restarted_at = time.monotonic()
            worker = app.worker("embedded", beat=True)
            wait_until(lambda: states(project_id) == {"done": len(texts)}, 60, "all done")
            done_at = time.monotonic()
            assert re.search(r"(At worker start|Sweep): .*swept 1 import\(s\)", worker.output())
    finally:
        broker.stop()
    assert_tagged_once(project_id, texts)
    assert done_at - sent_at >= 4  # sent again only once RESEND_AFTER_SECONDS had passed
    print(
        f"\nrestart: all done {done_at - restarted_at:.1f} s after the broker restarted empty "
        f"({done_at - sent_at:.1f} s after the lost messages were sent; worker start included)"
    )


def test_embedded_mode_killed_mid_batch_finishes_when_run_again(
    tmp_path: Path, media: Path
) -> None:
    """``make run``'s embedded mode (filesystem broker, a worker with beat): everything is
    SIGKILLed while a batch is being tagged. The filesystem broker deleted the message when
    the worker took it, so only the database knows; started again, run_embedded finishes
    the queue and its beat's sweep the killed batch."""
    texts = [article_text(n) for n in range(3000, 3300)]
    project_id, token = desk("Embedded desk")
    with stack(tmp_path, "filesystem://", PRETAG_BATCH_SIZE="100", **FAST) as app:
        base, first = app.embedded()
        import_file(base, token, project_id, texts)
        at_kill = kill_during_second_batch(project_id, first.kill)
        killed_at = time.monotonic()
        _, second = app.embedded()
        wait_until(lambda: states(project_id) == {"done": 300}, 60, "every article done")
        healed_after = time.monotonic() - killed_at
        assert re.search(r"(At worker start|Sweep): Queued 100 article\(s\)", second.output())
        # Beat runs inside the embedded worker: its sweeps arrive and run there.
        wait_until(
            lambda: re.search(r"Task articles\.sweep\[[-\w]+\] succeeded", second.output()),
            10,
            "a beat sweep run by the embedded worker",
        )
    assert_tagged_once(project_id, texts)
    print(
        f"\nembedded: {at_kill} at SIGKILL; all 300 done {healed_after:.1f} s after the kill "
        "(run_embedded's start included)"
    )

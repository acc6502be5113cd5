"""Snapshot builds: one build at a time, failures recorded, lost builds sent again."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from annotator.celery import app, ensure_broker_folders
from articles.models import Snapshot
from articles.selectors.exports import ExportFilters
from articles.services import snapshot_build, snapshot_request
from articles.services.snapshots import snapshot_lost_ids
from articles.services.sweep import Swept, sweep
from articles.tasks.snapshots import snapshot_build_task
from tests.factories import make_article, make_project, make_user


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def ago(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


def requested(project, owner, **row) -> Snapshot:
    snapshot = snapshot_request(
        project=project, actor=owner, format="jsonl", filters=ExportFilters()
    )
    if row:
        Snapshot.objects.filter(pk=snapshot.pk).update(**row)
    return snapshot


def state(snapshot: Snapshot) -> str:
    return Snapshot.objects.get(pk=snapshot.pk).state


def test_a_build_with_a_live_worker_is_left_to_it(project, owner, media):
    make_article(project)
    snapshot = requested(project, owner, state="running", heartbeat=ago(1))
    built = snapshot_build(snapshot_id=snapshot.pk)
    assert (built.state, built.file.name, built.sha256) == ("running", "", "")


def test_a_build_whose_worker_died_is_taken_over(project, owner, media):
    make_article(project)
    snapshot = requested(project, owner, state="running", heartbeat=ago(600), progress=0.4)
    built = snapshot_build(snapshot_id=snapshot.pk)
    assert (built.state, built.article_count, built.progress) == ("done", 1, 1.0)
    assert built.file.read().count(b"\n") == 1


def test_failed_build_is_recorded_after_handing_back(project, owner, media):
    """The service hands the snapshot back as pending before the error leaves it (a retry
    would claim it at once); the task then records the failure a retry cannot fix."""
    snapshot = requested(project, owner, format="pdf")
    with pytest.raises(KeyError, match="pdf"):
        snapshot_build(snapshot_id=snapshot.pk)
    handed_back = Snapshot.objects.get(pk=snapshot.pk)
    assert (handed_back.state, handed_back.heartbeat) == ("pending", None)
    result = snapshot_build_task.apply(args=[snapshot.pk])
    failed = Snapshot.objects.get(pk=snapshot.pk)
    assert result.state == "FAILURE"
    assert (failed.state, failed.error) == ("failed", "'pdf'")


def test_lost_snapshots_are_unsent_forgotten_and_dead(project, owner):
    unsent = requested(project, owner, queued_at=None)
    forgotten = requested(project, owner, queued_at=ago(1200))
    dead = requested(project, owner, state="running", heartbeat=ago(600))
    requested(project, owner, queued_at=ago(60))
    requested(project, owner, state="running", heartbeat=ago(1))
    requested(project, owner, state="done", queued_at=None)
    requested(project, owner, state="failed", queued_at=None)
    elsewhere = make_project(make_user("other"), name="Other desk")
    assert snapshot_lost_ids(project=elsewhere) == []
    assert snapshot_lost_ids() == [unsent.pk, forgotten.pk, dead.pk]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_sweep_sends_lost_builds_to_a_real_worker(media):
    owner = make_user("snapper")
    project = make_project(owner, name="Snap desk")
    make_article(project)
    ensure_broker_folders()
    # Outside a test transaction the request sends at once; these rows then lose their
    # message as a broker outage or a dead worker would.
    unsent = requested(project, owner, queued_at=None)
    dead = requested(project, owner, state="running", heartbeat=ago(600))
    app.control.purge()
    assert sweep() == Swept(articles=0, tasks=0, snapshots=2)
    assert sweep() == Swept(articles=0, tasks=0, snapshots=0)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        deadline = time.monotonic() + 60
        while {state(unsent), state(dead)} != {"done"}:
            assert time.monotonic() < deadline, "the worker did not build the snapshots"
            time.sleep(0.2)
    assert Snapshot.objects.get(pk=unsent.pk).article_count == 1


def test_a_redelivered_build_takes_over(project, owner, media):
    make_article(project)
    snapshot = requested(project, owner, state="running", heartbeat=ago(1))
    built = snapshot_build(snapshot_id=snapshot.pk, takeover=True)
    assert (built.state, built.article_count) == ("done", 1)
    again = snapshot_build(snapshot_id=snapshot.pk, takeover=True)
    assert again.file.name == built.file.name  # a done snapshot is never rebuilt

"""Import jobs in the background: a real Celery worker runs them, their progress is visible
while their transaction is open, and the sweep fails the jobs whose worker died."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from annotator.celery import app, ensure_broker_folders
from articles.models import Article, ImportJob, Span
from articles.services import import_jobs
from articles.services import imports as import_services
from articles.services.import_jobs import import_job_run, import_store
from articles.services.sweep import sweep
from tests.factories import make_project, make_user

BODY = "The harbour board met on Friday. It may approve the plan in June."
BOTH = ["default", "progress"]


def jsonl(count: int, *, spans: bool = False) -> bytes:
    lines = []
    for i in range(count):
        record: dict = {"title": f"A{i}", "text": f"{BODY} Item {i}."}
        if spans:
            record["spans"] = [{"start": 0, "end": 18, "label": "claim"}]
        lines.append(json.dumps(record))
    return "\n".join(lines).encode()


def wait_for(condition, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError("not in time")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_upload_is_202_and_a_real_worker_imports_it():
    owner = make_user("bulk")
    project = make_project(owner, name="Bulk desk")
    client = APIClient()
    client.force_authenticate(owner)
    ensure_broker_folders()
    app.control.purge()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        response = client.post(
            f"/api/projects/{project.pk}/imports/",
            {"file": SimpleUploadedFile("bulk.jsonl", jsonl(30, spans=True)), "pretag": False},
            format="multipart",
        )
        assert response.status_code == 202, response.json()
        stored = ImportJob.objects.get().file_name
        url = response.json()["url"]
        done = wait_for(lambda: (j := client.get(url).json())["state"] == "done" and j)
    assert (done["created_count"], done["processed"], done["total"]) == (30, 30, 30)
    assert Span.objects.filter(article__project=project, label__name="claim").count() == 30
    assert not storages["imports"].exists(stored)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_progress_is_visible_while_the_import_transaction_is_open(monkeypatch, settings):
    owner = make_user("watcher")
    project = make_project(owner, name="Watch desk")
    settings.IMPORT_BATCH_SIZE = 1
    monkeypatch.setattr(import_jobs, "PROGRESS_EVERY_SECONDS", 0)
    job = import_store(project=project, actor=owner, name="w.jsonl", content=ContentFile(jsonl(3)))
    second_batch, release = threading.Event(), threading.Event()
    real_insert = import_services.rows_insert
    calls: list[int] = []

    def insert_then_wait(model, rows):
        calls.append(len(rows))
        if len(calls) == 2:  # the second batch of articles: the first is written, uncommitted
            second_batch.set()
            release.wait(30)
        return real_insert(model, rows)

    monkeypatch.setattr(import_services, "rows_insert", insert_then_wait)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            import_job_run(job_id=job.pk)
        except BaseException as error:  # shown by the assertion below
            failures.append(error)
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert second_batch.wait(30)
        seen = ImportJob.objects.get(pk=job.pk)
        assert (seen.state, seen.phase, seen.total, seen.processed) == ("running", "writing", 3, 1)
        assert not Article.objects.filter(project=project).exists()  # not committed yet
    finally:
        release.set()
        worker.join(30)
    assert failures == []
    finished = ImportJob.objects.get(pk=job.pk)
    assert (finished.state, finished.created_count) == ("done", 3)


def test_sweep_fails_a_job_whose_worker_died_and_deletes_its_upload(project, owner):
    job = import_store(project=project, actor=owner, name="d.jsonl", content=ContentFile(b"{}"))
    stored = job.file_name
    ImportJob.objects.filter(pk=job.pk).update(
        state="running", heartbeat=timezone.now() - timedelta(seconds=600)
    )
    live = import_store(project=project, actor=owner, name="l.jsonl", content=ContentFile(b"{}"))
    ImportJob.objects.filter(pk=live.pk).update(state="running", heartbeat=timezone.now())
    assert sweep().imports == 1
    dead = ImportJob.objects.get(pk=job.pk)
    assert (dead.state, dead.error) == ("failed", import_jobs.WORKER_DIED)
    assert not storages["imports"].exists(stored)
    assert ImportJob.objects.get(pk=live.pk).state == "running"
    assert storages["imports"].exists(live.file_name)
    # A late redelivery of the dead job's message finds it failed and does nothing.
    assert import_job_run(job_id=job.pk, takeover=True).state == "failed"


def test_sweep_sends_an_unsent_job_again(project, owner):
    job = import_store(project=project, actor=owner, name="u.jsonl", content=ContentFile(b"{}"))
    ImportJob.objects.filter(pk=job.pk).update(queued_at=None)  # the broker was down
    ensure_broker_folders()
    assert sweep().imports == 1
    assert ImportJob.objects.get(pk=job.pk).queued_at is not None
    assert sweep().imports == 0
    app.control.purge()


def test_a_job_another_worker_runs_is_left_alone(project, owner):
    job = import_store(project=project, actor=owner, name="r.jsonl", content=ContentFile(b"{}"))
    ImportJob.objects.filter(pk=job.pk).update(state="running", heartbeat=timezone.now())
    assert import_job_run(job_id=job.pk).state == "running"
    assert storages["imports"].exists(job.file_name)

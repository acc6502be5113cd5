"""Snapshots: versioning, roles, and a real Celery worker building a byte-exact file."""

import hashlib
import json
import time

import pytest
from celery.contrib.testing.worker import start_worker
from rest_framework.test import APIClient

from annotator.celery import app
from articles.errors import NotAllowed
from articles.models import Snapshot
from articles.selectors.exports import ExportFilters
from articles.services import snapshot_build, snapshot_request
from tests.factories import make_article, make_decision, make_suggestion


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _fill(project, teammate, count=3):
    for n in range(count):
        article = make_article(project, f"Article {n}: the council may raise taxes next year.")
        make_decision(make_suggestion(article, "speculation", 13, 47), teammate)


def test_build_writes_file_with_hash_and_counts(
    project, owner, teammate, media, django_capture_on_commit_callbacks
):
    _fill(project, teammate)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = snapshot_request(
            project=project, actor=owner, format="jsonl", filters=ExportFilters()
        )
        second = snapshot_request(
            project=project, actor=owner, format="csv", filters=ExportFilters()
        )
    assert (first.version, second.version) == (1, 2) and len(callbacks) == 2
    built = snapshot_build(snapshot_id=first.pk)
    assert (built.state, built.article_count, built.span_count) == ("done", 3, 3)
    data = built.file.read()
    assert hashlib.sha256(data).hexdigest() == built.sha256 and len(data) == built.size_bytes
    assert [json.loads(line)["spans"][0]["label"] for line in data.splitlines()] == [
        "speculation"
    ] * 3
    again = snapshot_build(snapshot_id=first.pk)
    assert again.sha256 == built.sha256 and again.file.name == built.file.name


def test_outsider_cannot_snapshot(project, outsider):
    with pytest.raises(NotAllowed, match=r"does not allow you to export it\.$"):
        snapshot_request(project=project, actor=outsider, format="jsonl", filters=ExportFilters())
    assert not Snapshot.objects.exists()


def test_api_roles_and_not_ready(project, viewer, outsider, media):
    client = APIClient()
    client.force_authenticate(outsider)
    url = f"/api/projects/{project.pk}/snapshots/"
    assert client.post(url, {"format": "jsonl"}, format="json").status_code == 404
    client.force_authenticate(viewer)
    bad = client.post(url, {"format": "pdf"}, format="json")
    assert bad.status_code == 400 and "format" in bad.json()
    made = client.post(url, {"format": "jsonl"}, format="json")
    assert made.status_code == 202 and made.json()["state"] == "pending"
    assert made.json()["download_url"] is None
    pending = client.get(f"/api/snapshots/{made.json()['id']}/download/")
    assert pending.status_code == 409
    listed = client.get(url).json()["results"]
    assert [(item["id"], item["version"]) for item in listed] == [(made.json()["id"], 1)]
    client.force_authenticate(outsider)
    assert client.get(f"/api/snapshots/{made.json()['id']}/").status_code == 404


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_builds_snapshot_and_download_matches(project, viewer, teammate, media):
    _fill(project, teammate, count=5)
    client = APIClient()
    client.force_authenticate(viewer)
    with start_worker(app, perform_ping_check=False, pool="solo", concurrency=1):
        made = client.post(
            f"/api/projects/{project.pk}/snapshots/",
            {"format": "conll", "include_rejected": True},
            format="json",
        )
        assert made.status_code == 202, made.json()
        snapshot_id = made.json()["id"]
        deadline = time.monotonic() + 60
        while Snapshot.objects.get(pk=snapshot_id).state in ("pending", "running"):
            assert time.monotonic() < deadline, "the worker did not build the snapshot"
            time.sleep(0.2)
    body = client.get(f"/api/snapshots/{snapshot_id}/").json()
    assert body["state"] == "done", body
    assert (body["article_count"], body["span_count"], body["progress"]) == (5, 5, 1.0)
    assert body["filters"]["statuses"] == ["accepted", "rejected"]
    download = client.get(body["download_url"])
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    assert hashlib.sha256(data).hexdigest() == body["sha256"] == download["X-Checksum-SHA256"]
    # Rejected spans were asked for: each label has a rejected column after the label columns.
    header = data.split(b"\n", 2)
    assert header[0] == (
        b"# columns = TOKEN claim quote speculation"
        b" claim:rejected quote:rejected speculation:rejected"
    )
    assert header[1].startswith(b"# rejected = ") and header[2].startswith(b"-DOCSTART- ")
    assert f'filename="project-{project.pk}-v1.conll"' in download["Content-Disposition"]

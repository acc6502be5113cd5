"""Training through a real Celery worker on the configured broker: asked for by the API,
run by the task, the version activated and used by the next pre-tagging."""

from __future__ import annotations

import pytest
from celery.contrib.testing.worker import start_worker
from rest_framework.test import APIClient

from annotator.celery import app, ensure_broker_folders
from articles.models import TaggerVersion
from articles.services import membership_set
from tests.factories import make_project, make_user
from tests.test_tasks_pretag import wait_for
from tests.test_training import decided_project


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_training_asked_for_over_the_api_is_run_by_a_worker():
    owner = make_user("trainer-owner")
    editor = make_user("trainer-editor")
    project = make_project(owner, name="Training desk")
    membership_set(project=project, user=editor, role="editor")
    decided_project(project, editor, 4)
    client = APIClient()
    client.force_authenticate(editor)
    ensure_broker_folders()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        answer = client.post(f"/api/projects/{project.pk}/tagger/train/", {}, format="json")
        assert answer.status_code == 202
        version = TaggerVersion.objects.get(project=project, number=answer.json()["number"])
        wait_for(lambda: TaggerVersion.objects.get(pk=version.pk).state in ("done", "failed"))
    version.refresh_from_db()
    assert (version.state, version.error) == ("done", "")
    assert version.active and version.started_at and version.finished_at
    state = client.get(f"/api/projects/{project.pk}/tagger/").json()
    assert state["active"] == version.number
    assert state["tagger"].endswith(f"+p{project.pk}v{version.number}")

"""Import in Chromium: a file dropped on the page is uploaded, and its import page follows a
real Celery worker through the import and the pre-tagging until every article is done. A bad
file fails its job, naming its line and field, and nothing of it is stored."""

from __future__ import annotations

import json

import pytest
from celery.contrib.testing.worker import start_worker

from annotator.celery import app, ensure_broker_folders
from articles.models import Article, ImportJob
from tests.browser.helpers import login
from tests.factories import PASSWORD

# The worker writes an import's progress through the second connection (settings "progress").
pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, databases=["default", "progress"]),
]

TEXTS = [
    '"The river is rising fast," said Omar Haddad. Officials may close the bridge tonight.',
    "The school reopened on Monday. Parents said that the new roof still leaks.",
    "Perhaps the vote will be delayed. The council approved the budget in March.",
]

DROP = """([name, content]) => {
  const data = new DataTransfer();
  data.items.add(new File([content], name, { type: "application/octet-stream" }));
  return data;
}"""


def drop(page, name: str, content: str) -> None:
    data = page.evaluate_handle(DROP, [name, content])
    page.dispatch_event("[data-dropzone]", "drop", {"dataTransfer": data})


def test_drop_a_file_and_watch_it_reach_done(page, live_server, teammate, project):
    base = live_server.url
    login(page, base, "teammate", PASSWORD)
    page.goto(f"{base}/projects/{project.pk}/")
    page.get_by_role("link", name="Import articles").click()  # the empty queue says so
    page.wait_for_url(f"{base}/projects/{project.pk}/import/")
    content = "\n".join(json.dumps({"title": f"Story {i}", "text": t}) for i, t in enumerate(TEXTS))
    drop(page, "stories.jsonl", content)
    assert page.locator("[data-chosen]").inner_text() == "Chosen: stories.jsonl"
    page.get_by_role("button", name="Import files").click()
    page.wait_for_url(f"{base}/projects/{project.pk}/imports/*/")
    job = ImportJob.objects.get()
    # Stored and queued: no worker yet, so nothing is imported and the page says it waits.
    assert (job.source, job.state, job.created_count) == ("stories.jsonl", "pending", 0)
    progress = page.locator("[data-import-job]")
    assert progress.get_attribute("data-finished") == "0"
    assert "Waiting for a worker" in progress.inner_text()
    ensure_broker_folders()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        page.wait_for_selector('[data-import-job][data-finished="1"]', timeout=60_000)
    progress = page.locator("[data-import-job]")
    assert progress.locator('[data-count="done"]').inner_text() == "3"
    assert progress.locator('[data-count="pending"]').inner_text() == "0"
    assert progress.locator('[data-segment="done"]').get_attribute("width") == "100.00%"
    assert "3 new articles, 0 duplicates (3 read)" in progress.inner_text()
    assert set(Article.objects.values_list("pretag_state", flat=True)) == {"done"}
    page.get_by_role("link", name="Open the queue").click()
    assert page.locator("table.queue tbody tr").count() == 3
    assert page.errors == []


def test_a_bad_file_fails_its_job_naming_line_and_field(page, live_server, teammate, project):
    base = live_server.url
    login(page, base, "teammate", PASSWORD)
    page.goto(f"{base}/projects/{project.pk}/import/")
    page.set_input_files(
        'input[type="file"]',
        files=[
            {
                "name": "batch.jsonl",
                "mimeType": "application/octet-stream",
                "buffer": b'{"title": "Fine", "text": "The ferry stops."}\n{"title": "Oops"}\n',
            }
        ],
    )
    page.get_by_role("button", name="Import files").click()
    page.wait_for_url(f"{base}/projects/{project.pk}/imports/*/")
    ensure_broker_folders()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        page.wait_for_selector('[data-import-job][data-finished="1"]', timeout=60_000)
    progress = page.locator("[data-import-job]")
    assert progress.get_attribute("data-state") == "failed"
    assert "Failed: batch.jsonl line 2: field 'text' is missing." in progress.inner_text()
    # Nothing of the file was stored, not even its good first line.
    assert not Article.objects.exists()
    assert page.errors == []

"""Import in Chromium: a file dropped on the page is uploaded with progress, and its import
page follows the pre-tagging by a real Celery worker until every article is done, without
a reload. A bad file is refused on the form, naming its line and field."""

from __future__ import annotations

import json

import pytest
from celery.contrib.testing.worker import start_worker

from annotator.celery import app, ensure_broker_folders
from articles.models import Article, ImportJob
from tests.browser.helpers import login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.worker]

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
    assert job.source == "stories.jsonl" and job.created_count == 3
    progress = page.locator("[data-import-job]")
    # No worker yet: the tasks wait in the broker and the page shows three pending.
    assert progress.locator('[data-count="pending"]').inner_text() == "3"
    assert progress.get_attribute("data-finished") == "0"
    page.evaluate("() => { window.sameDocument = true; }")
    ensure_broker_folders()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        page.wait_for_selector('[data-import-job][data-finished="1"]', timeout=60_000)
    assert progress.locator('[data-count="done"]').inner_text() == "3"
    assert progress.locator('[data-count="pending"]').inner_text() == "0"
    assert progress.locator('[data-segment="done"]').get_attribute("width") == "100.00%"
    assert page.evaluate("() => window.sameDocument") is True  # followed live, not reloaded
    assert "3 new articles, 0 duplicates (3 read)" in progress.inner_text()
    assert set(Article.objects.values_list("pretag_state", flat=True)) == {"done"}
    page.get_by_role("link", name="Open the queue").click()
    assert page.locator("table.queue tbody tr").count() == 3
    assert page.errors == []


def test_a_bad_file_is_refused_on_the_form(page, live_server, teammate, project):
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
    alert = page.locator("#import-forms [role=alert]")
    alert.wait_for()
    assert alert.inner_text() == "batch.jsonl line 2: field 'text' is missing."
    assert page.url == f"{base}/projects/{project.pk}/import/"
    # The refused import is listed as failed; nothing of it was stored.
    assert page.locator(".recent .pill.job-failed").count() == 1
    assert not Article.objects.exists()
    # The swapped-in form works again.
    page.set_input_files(
        'input[type="file"]',
        files=[{"name": "ok.txt", "mimeType": "text/plain", "buffer": b"Ok\nThe mayor spoke."}],
    )
    page.get_by_role("button", name="Import files").click()
    page.wait_for_url(f"{base}/projects/{project.pk}/imports/*/")
    assert Article.objects.get().title == "Ok"
    assert page.errors == []

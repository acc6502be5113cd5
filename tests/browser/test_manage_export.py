"""Export in Chromium: the figures follow the filters as they change, Download saves the
export they describe, and Copy puts the same export's curl command on the clipboard."""

from __future__ import annotations

import json

import pytest

from tests.browser.helpers import login
from tests.factories import PASSWORD, make_article, make_decision, make_suggestion

pytestmark = pytest.mark.browser


def test_choose_filters_then_download_and_copy(
    page, live_server, context, viewer, teammate, project, article
):
    keep = make_suggestion(article, "claim", 0, 41)
    drop = make_suggestion(article, "speculation", 42, 65)
    make_decision(keep, teammate)
    make_decision(drop, teammate, "reject")
    make_article(project, "A second article with nothing marked.", title="Bare")
    base = live_server.url
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    login(page, base, "viewer", PASSWORD)
    page.goto(f"{base}/projects/{project.pk}/export/")
    summary = page.locator("#export-summary")
    assert summary.locator("[data-article-total]").inner_text() == "2"
    assert summary.locator("[data-span-total]").inner_text() == "1"
    # Ticking "Rejected" and one label updates the figures without a click.
    page.get_by_role("checkbox", name="Rejected").check()
    page.wait_for_function("() => document.querySelector('[data-span-total]').textContent === '2'")
    page.get_by_label("speculation").check()
    page.wait_for_function("() => document.querySelector('[data-span-total]').textContent === '1'")
    assert page.url == (
        f"{base}/projects/{project.pk}/export/"
        "?format=jsonl&status=accepted&status=rejected&labels=speculation"
    )
    curl = page.locator("#curl-command").inner_text()
    api = (
        f"{base}/api/projects/{project.pk}/export/"
        "?format=jsonl&status=accepted,rejected&labels=speculation"
    )
    assert curl == f'curl -H "Authorization: Token $ANNOTATOR_TOKEN" -OJ "{api}"'
    page.get_by_role("button", name="Copy").click()
    page.wait_for_selector("#export-summary button:has-text('Copied')")
    assert page.evaluate("() => navigator.clipboard.readText()") == curl
    with page.expect_download() as info:
        page.get_by_role("link", name="Download").click()
    download = info.value
    assert download.suggested_filename.startswith(f"project-{project.pk}-")
    assert download.suggested_filename.endswith(".jsonl")
    with open(download.path(), encoding="utf-8") as saved:
        rows = [json.loads(line) for line in saved]
    assert [row["title"] for row in rows] == ["Bridge", "Bare"]
    assert [(s["label"], s["status"]) for s in rows[0]["spans"]] == [("speculation", "rejected")]
    assert page.errors == []


@pytest.mark.worker
def test_a_snapshot_is_followed_until_its_sha256_is_there(
    page, live_server, viewer, project, article, settings, tmp_path
):
    import hashlib

    from celery.contrib.testing.worker import start_worker

    from annotator.celery import app, ensure_broker_folders
    from articles.models import Snapshot

    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    login(page, base, "viewer", PASSWORD)
    page.goto(f"{base}/projects/{project.pk}/export/")
    page.get_by_role("button", name="Save as a snapshot").click()
    page.wait_for_selector("text=Snapshot version 1 is being written")
    row = page.locator("tr[data-snapshot]")
    assert row.get_attribute("data-state") == "pending"
    ensure_broker_folders()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        page.wait_for_selector('tr[data-snapshot][data-state="done"]', timeout=60_000)
    snapshot = Snapshot.objects.get()
    assert row.locator('[data-field="sha256"]').inner_text() == snapshot.sha256
    with page.expect_download() as info:
        row.get_by_role("link", name="Download").click()
    with open(info.value.path(), "rb") as saved:
        assert hashlib.sha256(saved.read()).hexdigest() == snapshot.sha256
    assert page.errors == []

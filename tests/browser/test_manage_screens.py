"""Every management page at 1440 and 390 px: nothing scrolls sideways, no script error, and
a screenshot of each under SCREENS_DIR (default test-artifacts/screens) to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from articles.models import ImportJob
from articles.selectors.exports import ExportFilters
from articles.services import import_one, review_set_state, snapshot_build, snapshot_request
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import login
from tests.factories import PASSWORD, make_decision, make_suggestion

pytestmark = pytest.mark.browser

SCREENS = Path(os.environ.get("SCREENS_DIR") or ARTIFACTS / "screens")


@pytest.fixture
def furnished(project, owner, teammate, superuser, article, settings, tmp_path):
    """A project with something on every page: spans, reviews, imports (one with a
    duplicate, one failed), a snapshot, the viewing user's API token."""
    settings.MEDIA_ROOT = tmp_path
    Token.objects.create(user=superuser)
    claim = make_suggestion(article, "claim", 0, 41)
    make_suggestion(article, "speculation", 42, 65)
    make_decision(claim, teammate)
    review_set_state(article=article, actor=teammate, state="in_progress")
    job = import_one(
        project=project,
        data={"title": "Bridge again", "text": article.text},
        actor=owner,
        spans_as="machine",
    )
    ImportJob.objects.create(
        project=project,
        created_by=owner,
        source="letters-2026-11.jsonl",
        state="failed",
        error="letters-2026-11.jsonl line 14: field 'published_at' must be a date like 2024-05-31.",
    )
    running = ImportJob.objects.create(
        project=project,
        created_by=owner,
        source="archive-2026.jsonl",
        state="running",
        phase="writing",
        processed=3500,
        total=10000,
        size=89_300_000,
    )
    snapshot = snapshot_request(
        project=project, actor=owner, format="jsonl", filters=ExportFilters()
    )
    snapshot_build(snapshot_id=snapshot.pk)
    return {"job": job, "running": running}


def pages(project, furnished) -> list[tuple[str, str]]:
    quote = project.labels.get(name="quote")
    named = [
        ("projects", "project_list", []),
        ("project-new", "project_create", []),
        ("queue", "article_list", [project.pk]),
        ("settings", "project_settings", [project.pk]),
        ("delete", "project_delete", [project.pk]),
        ("members", "project_members", [project.pk]),
        ("account-new", "project_account_new", [project.pk]),
        ("labels", "project_labels", [project.pk]),
        ("label-new", "project_label_new", [project.pk]),
        ("label-edit", "project_label", [project.pk, quote.pk]),
        ("import", "project_import", [project.pk]),
        ("import-job", "project_import_job", [project.pk, furnished["job"].pk]),
        ("import-running", "project_import_job", [project.pk, furnished["running"].pk]),
        ("export", "project_export", [project.pk]),
        ("stats", "project_stats", [project.pk]),
    ]
    return [
        *((name, reverse(f"articles:{view}", args=args)) for name, view, args in named),
        ("profile", "/accounts/profile/"),
        ("invitation-used", reverse("articles:invitation", args=["MQ", "used-up"])),
    ]


@pytest.mark.parametrize("width", [1440, 390])
def test_every_page_fits_the_window(browser, live_server, superuser, project, furnished, width):
    SCREENS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        login(page, live_server.url, "root", PASSWORD)
        too_wide = []
        for name, path in pages(project, furnished):
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            page.wait_for_load_state("networkidle")
            scroll = page.evaluate("() => document.scrollingElement.scrollWidth")
            if scroll > width:
                too_wide.append(f"{path}: {scroll} px")
            page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
        assert too_wide == []
        assert errors == []
    finally:
        context.close()

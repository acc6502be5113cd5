"""Projects in Chromium: create one from the New project link, change its settings, delete
it after the confirmation that names what goes."""

from __future__ import annotations

import pytest

from articles.models import Project
from tests.browser.helpers import login
from tests.factories import PASSWORD, make_article

pytestmark = pytest.mark.browser


def test_create_edit_and_delete_a_project(page, live_server, superuser):
    base = live_server.url
    login(page, base, "root", PASSWORD)
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Name").fill("Letters desk")
    page.get_by_label("Description").fill("Readers' letters, one a day.")
    page.get_by_label("Tagger").select_option("rules")
    page.get_by_role("button", name="Create project").click()
    project = Project.objects.get(name="Letters desk")
    page.wait_for_url(f"{base}/projects/{project.pk}/import/")
    assert "Created the project “Letters desk”. Import articles next." in page.inner_text(
        ".messages"
    )
    assert project.tagger == "rules" and "Annotation guidelines" in project.guidelines
    nav = page.get_by_role("navigation", name="Project")
    for name in ("Articles", "Import", "Export", "Members", "Labels", "Stats", "Settings"):
        assert nav.get_by_role("link", name=name, exact=True).count() == 1, name

    nav.get_by_role("link", name="Settings").click()
    page.get_by_label("Description").fill("Letters to the editor.")
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_selector("text=Saved the project's settings.")
    project.refresh_from_db()
    assert project.description == "Letters to the editor."

    make_article(project, "The ferry stops in winter, a reader writes.", title="Ferry")
    page.get_by_role("link", name="Delete project…").click()
    assert "1 article and 0 spans" in page.inner_text(".deleted-list")
    page.get_by_label("Type the project's name to confirm").fill("letters desk")
    page.get_by_role("button", name="Delete this project").click()
    assert "Type the name exactly as it is, Letters desk, to delete." in page.inner_text(
        "main form"
    )
    assert Project.objects.filter(pk=project.pk).exists()
    page.get_by_label("Type the project's name to confirm").fill("Letters desk")
    page.get_by_role("button", name="Delete this project").click()
    page.wait_for_url(f"{base}/")
    assert "Deleted the project “Letters desk” with 1 article and 0 spans." in page.inner_text(
        ".messages"
    )
    assert not Project.objects.filter(pk=project.pk).exists()
    assert page.errors == []

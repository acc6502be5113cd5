"""Labels in Chromium: change a label's colour, hotkey and description, add an attribute
with the page's button; the editor then uses the new hotkey."""

from __future__ import annotations

import pytest

from tests.browser.helpers import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_change_a_label_and_add_an_attribute(page, live_server, owner, project, article):
    speculation = project.labels.get(name="speculation")
    base = live_server.url
    login(page, base, "owner", PASSWORD)
    page.goto(f"{base}/projects/{project.pk}/labels/")
    page.get_by_role("link", name="speculation").click()
    page.wait_for_url(f"{base}/projects/{project.pk}/labels/{speculation.pk}/")
    page.get_by_label("Colour").fill("#b45309")
    page.get_by_label("Hotkey").fill("a")
    page.get_by_role("button", name="Save label").click()
    assert page.locator(".field.invalid").inner_text().count("The editor uses A already") == 1
    page.get_by_label("Hotkey").fill("7")
    page.get_by_label("Description").fill("A guess with a marker of doubt.")
    rows = page.locator("[data-attribute-row]")
    assert rows.count() == 2  # the cue, and one blank row
    page.get_by_role("button", name="Add an attribute").click()
    assert rows.count() == 3
    third = rows.nth(2)
    third.get_by_label("Name").fill("certainty")
    third.get_by_label("Type").select_option("choice")
    third.get_by_label("Title").fill("How sure")
    third.get_by_label("Choices").fill("low, high")
    page.get_by_role("button", name="Save label").click()
    page.wait_for_selector("text=Saved the label speculation.")
    speculation.refresh_from_db()
    assert (speculation.color, speculation.hotkey) == ("#b45309", "7")
    assert speculation.description == "A guess with a marker of doubt."
    assert speculation.attributes[-1] == {
        "name": "certainty",
        "type": "choice",
        "title": "How sure",
        "choices": ["low", "high"],
    }
    assert [a["name"] for a in speculation.attributes] == ["cue", "certainty"]
    # The editor shows the new key on the label's button.
    page.goto(f"{base}/articles/{article.pk}/")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator('.label-btn[data-label="speculation"] kbd').inner_text() == "7"
    assert page.errors == []

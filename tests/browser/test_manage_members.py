"""Members in Chromium: add a member, change their role, remove them; create an account by
invitation and follow the link as the newcomer."""

from __future__ import annotations

import pytest

from articles.models import Membership
from tests.browser.helpers import login
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def role(project, username: str) -> str | None:
    row = Membership.objects.filter(project=project, user__username=username).first()
    return row.role if row else None


def test_add_change_and_remove_a_member(page, live_server, owner, project):
    make_user("ana", email="ana@example.org")
    base = live_server.url
    login(page, base, "owner", PASSWORD)
    page.goto(f"{base}/projects/{project.pk}/members/")
    page.get_by_label("Username or e-mail").fill("ana@example.org")
    page.get_by_label("Role", exact=True).select_option("reviewer")
    page.get_by_role("button", name="Add member").click()
    page.wait_for_selector("text=ana is now reviewer of this project.")
    assert role(project, "ana") == "reviewer"
    row = page.locator('tr[data-member="ana"]')
    row.get_by_label("Role of ana").select_option("viewer")
    row.get_by_role("button", name="Save role").click()
    page.wait_for_selector("text=ana is now viewer of this project.")
    assert role(project, "ana") == "viewer"
    page.locator('tr[data-member="ana"]').get_by_role(
        "button", name="Remove ana from the project"
    ).click()
    page.wait_for_selector("text=Removed ana from the project.")
    assert role(project, "ana") is None
    # A refusal is shown on the row it concerns.
    page.locator('tr[data-member="owner"]').get_by_role(
        "button", name="Remove owner from the project"
    ).click()
    assert (
        page.locator('tr[data-member="owner"] [role=alert]').inner_text()
        == "A project keeps at least one admin."
    )
    assert page.errors == []


def test_an_invited_newcomer_chooses_a_password(page, live_server, browser, owner, project):
    base = live_server.url
    login(page, base, "owner", PASSWORD)
    page.goto(f"{base}/projects/{project.pk}/members/")
    page.get_by_role("link", name="Create an account…").click()
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Role", exact=True).select_option("editor")
    page.get_by_label("An invitation link: they choose their own password").check()
    page.get_by_role("button", name="Create account").click()
    link = page.locator("#secret").inner_text()
    assert link.startswith(f"{base}/invitations/")
    assert role(project, "newcomer") == "editor"
    guest = browser.new_context()
    try:
        tab = guest.new_page()
        tab.goto(link)
        tab.get_by_label("New password", exact=True).fill("tidal-harbour-lantern")
        tab.get_by_label("New password confirmation").fill("tidal-harbour-lantern")
        tab.get_by_role("button", name="Set password and sign in").click()
        tab.wait_for_url(f"{base}/")
        assert "Welcome! Your password is set and you are signed in." in tab.inner_text(".messages")
        assert tab.get_by_role("link", name=project.name).count() == 1
        tab.goto(link)
        assert tab.get_by_role("heading", name="This invitation no longer works").count() == 1
    finally:
        guest.close()
    assert page.errors == []

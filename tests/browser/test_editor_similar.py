"""The editor's "Seen before" panel: similar claims of other articles, and C copying the best
earlier verdict onto the focused claim (saved, undone, rolled back when the save fails)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from articles.models import Span
from tests.browser.axe import assert_accessible, require_axe
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import idle, login, open_editor
from tests.factories import PASSWORD, make_article, make_human_span, make_suggestion

pytestmark = pytest.mark.browser

EARLIER = "The city spent 61 million euros on electric buses, the mayor's office said."
LATER = "Last year the council paid €61 million for new electric buses. Drivers like them."
ELSEWHERE = "The city bought electric buses for 61 million euros in 2023."
VERDICT = {
    "verdict": "misleading",
    "verdict_note": "The 61 million covered buses and two depots.",
    "fact_check_url": "https://checks.example.org/buses-61m",
}


@pytest.fixture
def claims(project: Any, teammate: Any) -> dict[str, Any]:
    """An earlier article whose claim the teammate gave a verdict (a blind project: their own
    layer is what they see), a third one unchecked, and the later article with a paraphrase
    of the claim as a machine suggestion."""
    earlier = make_article(project, EARLIER, title="Bus budget, checked")
    checked = make_human_span(earlier, teammate, "claim", 0, EARLIER.index(","), **VERDICT)
    third = make_article(project, ELSEWHERE, title="Fleet renewal")
    unchecked = make_suggestion(third, "claim", 0, len(ELSEWHERE))
    later = make_article(project, LATER, title="Council spending")
    end = LATER.index(".") + 1
    claim = make_suggestion(later, "claim", LATER.index("the council"), end)
    return {
        "earlier": earlier,
        "checked": checked,
        "unchecked": unchecked,
        "later": later,
        "claim": claim,
    }


def mine(article: Any, user: Any) -> Span:
    return Span.objects.get(article=article, annotator=user, label__name="claim")


def open_on_claim(page: Any, base: str, claims: dict[str, Any]) -> None:
    login(page, base, "teammate", PASSWORD)
    open_editor(page, base, claims["later"].pk)
    assert page.evaluate("() => window.annEditor.focused().id") == claims["claim"].pk
    page.wait_for_selector("#sim-head:has-text('Seen before in 2 articles')")


def test_panel_lists_earlier_claims_and_c_copies_the_verdict_with_undo(
    page: Any, live_server: Any, teammate: Any, claims: dict[str, Any]
) -> None:
    base = live_server.url
    open_on_claim(page, base, claims)
    panel = page.locator("#similar")
    assert panel.get_attribute("aria-busy") == "false"
    groups = panel.locator(".sim-group")
    assert groups.count() == 2
    # The checked claim ranks first, with its verdict, status, score and a link to it.
    first = groups.nth(0)
    link = first.locator(".sim-article a")
    assert link.text_content() == "Bus budget, checked"
    assert link.get_attribute("href") == (
        f"/articles/{claims['earlier'].pk}/#span-{claims['checked'].pk}"
    )
    assert first.locator(".verdict").text_content() == "misleading"
    assert "accepted" in first.locator(".sim-facts").text_content()
    assert groups.nth(1).locator(".verdict").text_content() == "no verdict"
    assert groups.nth(1).locator(".sim-use").count() == 0

    page.keyboard.press("c")
    idle(page)
    saved = mine(claims["later"], teammate)
    assert {k: saved.attrs.get(k) for k in VERDICT} == VERDICT
    assert saved.derived_from_id == claims["claim"].pk
    # The panel now says the claim has that verdict, and the card shows it.
    assert first.locator(".sim-same").is_visible()
    assert page.locator('#d-form [data-field="verdict"]').input_value() == "misleading"

    page.keyboard.press("u")
    idle(page)
    assert not Span.objects.filter(article=claims["later"], annotator=teammate).exists()
    focused = page.evaluate("() => window.annEditor.focused()")
    assert focused["id"] == claims["claim"].pk and not focused["attrs"].get("verdict")
    assert page.locator(".toast.error").count() == 0
    assert page.errors == []


def test_use_this_verdict_button_and_rollback_when_the_save_fails(
    page: Any, live_server: Any, teammate: Any, claims: dict[str, Any]
) -> None:
    base = live_server.url
    open_on_claim(page, base, claims)
    # A refused save puts the claim back as it was and says so.
    page.route("**/api/spans/*/", lambda route: route.fulfill(status=503, body="down"))
    page.locator(".sim-use").first.click()
    idle(page)
    assert page.locator(".toast.error").first.is_visible()
    assert not page.evaluate("() => window.annEditor.focused()")["attrs"].get("verdict")
    assert page.evaluate("() => window.annEditor.undoDepth()") == 0
    assert not Span.objects.filter(article=claims["later"], annotator=teammate).exists()

    page.unroute("**/api/spans/*/")
    page.locator(".sim-use").first.click()
    idle(page)
    assert page.evaluate("() => document.activeElement.id") == "sim-body"
    assert mine(claims["later"], teammate).attrs["verdict"] == "misleading"


def test_link_opens_that_claim_and_other_labels_hide_the_panel(
    page: Any, live_server: Any, claims: dict[str, Any]
) -> None:
    base = live_server.url
    later = claims["later"]
    start = LATER.index("Drivers")
    hedge = make_suggestion(later, "speculation", start, len(LATER), attrs={"cue": "like"})
    open_on_claim(page, base, claims)
    page.evaluate("(id) => window.annEditor.focusSpan(id)", hedge.pk)
    assert page.locator("#similar").is_hidden()
    page.keyboard.press("c")
    page.wait_for_selector(".toast:has-text('Only claim spans take an earlier verdict')")

    # The article link opens the editor on that claim (a suggestion still pending there).
    page.evaluate("(id) => window.annEditor.focusSpan(id)", claims["claim"].pk)
    page.locator("#similar .sim-group").nth(1).locator(".sim-article a").click()
    page.wait_for_url(f"**/articles/{claims['unchecked'].article_id}/#span-*")
    page.wait_for_selector("body[data-ready='1']")
    assert page.evaluate("() => window.annEditor.focused().id") == claims["unchecked"].pk
    page.wait_for_selector("#sim-head:has-text('Seen before in 2 articles')")
    assert page.errors == []


def test_panel_keeps_its_height_while_loading_and_when_empty(
    page: Any, live_server: Any, claims: dict[str, Any]
) -> None:
    base = live_server.url
    later = claims["later"]
    lone = make_suggestion(later, "claim", LATER.index("Drivers"), len(LATER))
    open_on_claim(page, base, claims)
    with_results = page.locator("#similar").bounding_box()["height"]
    # Measured in the same task as the focus change: the panel is loading then.
    loading = page.evaluate(
        """(id) => {
          window.annEditor.focusSpan(id);
          const panel = document.getElementById('similar');
          return [panel.getAttribute('aria-busy'), panel.getBoundingClientRect().height];
        }""",
        lone.pk,
    )
    assert loading[0] == "true"
    page.wait_for_selector("#sim-head:has-text('Not seen in other articles')")
    empty = page.locator("#similar").bounding_box()["height"]
    assert loading[1] == empty == with_results
    assert page.locator("#sim-body .sim-note").text_content().startswith("No similar claim")


def test_screenshots_with_the_panel_open(
    page: Any, live_server: Any, claims: dict[str, Any]
) -> None:
    """The panel fits 1440 and 390 px without sideways scrolling and passes axe; with
    SCREENSHOTS=1 the test leaves screenshots of both in test-artifacts/."""
    require_axe()
    base = live_server.url
    open_on_claim(page, base, claims)
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        # On phones the card is a sheet at the bottom: the panel is scrolled to within it.
        page.locator("#similar").scroll_into_view_if_needed()
        page.wait_for_timeout(150)
        body = page.locator("#sim-body").bounding_box()
        card = page.locator("#detail").bounding_box()
        assert body is not None and card is not None
        assert body["x"] >= card["x"] and body["x"] + body["width"] <= card["x"] + card["width"] + 1
        no_sideways = "() => document.documentElement.scrollWidth <= innerWidth"
        assert page.evaluate(no_sideways)
        assert_accessible(page, f"the editor with the similar-claims panel at {width} px")
        if os.environ.get("SCREENSHOTS") == "1":
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(Path(ARTIFACTS) / f"similar-panel-{width}.png"))

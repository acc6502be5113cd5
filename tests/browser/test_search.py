"""The search page in Chromium at 1440 and 390 px: the form searches without a script, the
match is highlighted, nothing scrolls sideways, a result opens the span in the editor; a
screenshot of each width under SCREENS_DIR (default test-artifacts/screens)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.axe import assert_accessible, require_axe
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import login
from tests.factories import PASSWORD, make_article, make_human_span, make_suggestion

pytestmark = pytest.mark.browser

SCREENS = Path(os.environ.get("SCREENS_DIR") or ARTIFACTS / "screens")
COLUMNS = [
    (
        "Buses, again",
        "Transport.\nThe city spent 61 million euros on electric buses last year, and the "
        "council now wants forty more of them before the elections in May.\nOther news.",
        "The city spent 61 million euros on electric buses last year",
    ),
    (
        "The depot",
        '"The buses are late every single morning," said Ana Lima, who drives line 4.',
        '"The buses are late every single morning,"',
    ),
    (
        "Budget",
        "The budget for new buses may double by 2028, officials suggested.",
        "The budget for new buses may double by 2028",
    ),
]


@pytest.fixture
def found(project, owner):
    spans = []
    for title, text, claim in COLUMNS:
        article = make_article(project, text, title=title)
        start = text.index(claim)
        spans.append(make_suggestion(article, "claim", start, start + len(claim)))
    quote_article = spans[1].article
    make_human_span(
        quote_article, owner, "quote", 0, len(COLUMNS[1][2]), speaker="Ana Lima", direct=True
    )
    text = COLUMNS[0][1]
    wants = "the council now wants forty more of them"
    start = text.index(wants)
    make_human_span(
        spans[0].article, owner, "claim", start, start + len(wants), verdict="mostly true"
    )
    return spans


@pytest.mark.parametrize("width", [1440, 390])
def test_search_page_finds_highlights_and_opens_the_editor(
    browser, live_server, owner, project, found, width
):
    SCREENS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        login(page, live_server.url, "owner", PASSWORD)
        page.goto(live_server.url + reverse("articles:project_search", args=[project.pk]))
        page.screenshot(path=str(SCREENS / f"search-empty-{width}.png"), full_page=True)
        page.fill("#search-q", "buses")
        page.click(".search-main button[type=submit]")
        page.wait_for_selector(".hit")
        assert page.locator(".hit").count() == 4
        assert page.locator(".snippet mark").first.inner_text().lower() == "buses"
        scroll = page.evaluate("() => document.scrollingElement.scrollWidth")
        assert scroll <= width
        page.screenshot(path=str(SCREENS / f"search-{width}.png"), full_page=True)
        require_axe()
        assert_accessible(page, f"search results at {width} px")
        page.fill("#search-q", "")
        page.select_option("#search-verdict", "mostly true")
        page.click(".search-main button[type=submit]")
        page.wait_for_url(lambda url: "verdict=mostly+true" in url)
        assert page.locator(".hit").count() == 1
        page.click(".hit a:text('Open in the editor')")
        page.wait_for_url(lambda url: "/articles/" in url and "#span-" in url)
        assert errors == []
    finally:
        context.close()

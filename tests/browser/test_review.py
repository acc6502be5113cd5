"""An adjudication session in Chromium: two editors annotate in the editor, a reviewer takes
all agreed spans, takes one editor's quote and edits it, and the gold export holds exactly
the result. Screenshots of the teams pages at 1440 and 390 px go to /work/screens/teams/
when that folder exists (a person looks at them; nothing here depends on them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from articles.models import Span
from articles.services import membership_set
from tests.browser.helpers import idle, login, open_editor, select_text
from tests.factories import PASSWORD, make_article, make_suggestion, make_user

pytestmark = pytest.mark.browser

TEXT = (
    "The council approved the new bridge on Monday. Critics say it may cost twice as much.\n\n"
    '"We will finish on time," said the mayor, Ana Lima.'
)
SCREENS = Path("/work/screens/teams")


def span_of(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def mark_done(page, base: str, article_id: int) -> None:
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.put(
        f"{base}/api/articles/{article_id}/review/",
        data=json.dumps({"state": "done"}),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert response.ok, response.text()


def shoot(page, name: str) -> None:
    if not SCREENS.is_dir():
        return
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1300, "height": 850})


def test_two_editors_then_a_reviewer_make_the_gold_layer(
    browser, live_server, project, teammate, reviewer
):
    base = live_server.url
    other = make_user("other")
    membership_set(project=project, user=other, role="editor")
    article = make_article(project, TEXT, title="Bridge vote")
    claim = make_suggestion(
        article, "claim", *span_of("The council approved the new bridge on Monday.")
    )
    quote = make_suggestion(
        article, "quote", *span_of("We will finish on time,"), attrs={"speaker": "Ana Lima"}
    )

    # Editor one accepts both suggestions by keyboard.
    first = browser.new_context(viewport={"width": 1300, "height": 850})
    tab = first.new_page()
    login(tab, base, "teammate", PASSWORD)
    open_editor(tab, base, article.pk)
    for suggestion in (claim, quote):
        tab.evaluate("(id) => window.annEditor.focusSpan(id)", suggestion.pk)
        tab.keyboard.press("a")
        idle(tab)
    mark_done(tab, base, article.pk)
    first.close()

    # Editor two accepts the claim and draws the quote with its marks.
    second = browser.new_context(viewport={"width": 1300, "height": 850})
    tab = second.new_page()
    login(tab, base, "other", PASSWORD)
    open_editor(tab, base, article.pk)
    tab.evaluate("(id) => window.annEditor.focusSpan(id)", claim.pk)
    tab.keyboard.press("a")
    idle(tab)
    wide = span_of('"We will finish on time,"')
    assert select_text(tab, TEXT, *wide) == '"We will finish on time,"'
    tab.keyboard.press("2")
    idle(tab)
    mark_done(tab, base, article.pk)
    second.close()
    assert Span.objects.filter(article=article, annotator__isnull=False, gold=False).count() == 4

    # The reviewer: disagreements first, then take all agreed, take and edit the quote.
    context = browser.new_context(viewport={"width": 1300, "height": 850})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, base, "reviewer", PASSWORD)
    page.goto(f"{base}/articles/{article.pk}/review/")
    page.wait_for_selector("body[data-ready='1']")
    marks = page.locator(".cluster").evaluate_all("(nodes) => nodes.map((n) => n.dataset.mark)")
    assert marks == ["some", "all"]  # the quote (two versions) before the agreed claim
    shoot(page, "review-merged")
    page.keyboard.press("s")
    assert page.locator(".columns .cluster h3").all_text_contents() == ["other", "teammate", "Gold"]
    shoot(page, "review-side-by-side")
    page.keyboard.press("s")

    page.keyboard.press("a")
    page.evaluate("() => window.annReview.idle()")
    assert "Agreed versions taken into gold" in page.locator("#review-status").text_content()
    teammate_quote = Span.objects.get(article=article, annotator=teammate, label__name="quote")
    page.evaluate("(id) => window.annReview.focusSource(id)", teammate_quote.pk)
    page.keyboard.press("t")
    page.evaluate("() => window.annReview.idle()")
    assert page.locator(".item.gold").count() == 2

    # Edit the gold quote: end it before the comma, keep the speaker.
    page.locator(".item.gold", has_text="We will finish on time").click()
    page.keyboard.press("e")
    start, end = span_of("We will finish on time")
    page.fill("#review-edit input[name=end]", str(end))
    page.keyboard.press("Enter")
    page.evaluate("() => window.annReview.idle()")
    assert page.locator("#review-status").text_content() == "Gold row changed"
    shoot(page, "review-decided")

    # The gold export holds exactly the reviewer's result.
    response = page.request.get(f"{base}/api/projects/{project.pk}/export/?format=jsonl&layer=gold")
    assert response.ok
    (record,) = [json.loads(line) for line in response.text().splitlines()]
    assert [
        (s["label"], s["start"], s["end"], s["annotator"], s["attrs"]) for s in record["spans"]
    ] == [
        ("claim", *span_of("The council approved the new bridge on Monday."), "reviewer", {}),
        ("quote", start, end, "reviewer", {"speaker": "Ana Lima"}),
    ]
    # And the default export of this article is the gold layer too.
    default = page.request.get(f"{base}/api/projects/{project.pk}/export/?format=jsonl").text()
    assert {s["annotator"] for s in json.loads(default.splitlines()[0])["spans"]} == {"reviewer"}

    # The other teams pages open without script errors; look at them at both widths.
    page.goto(f"{base}/projects/{project.pk}/stats/quality/")
    assert page.locator("svg.chart").count() == 4
    shoot(page, "stats")
    page.goto(f"{base}/projects/{project.pk}/history/?article={article.pk}")
    assert page.locator("[data-event-id]").count() >= 6
    shoot(page, "history")
    page.goto(f"{base}/projects/{project.pk}/")
    shoot(page, "queue-reviewer")
    assert errors == []
    context.close()

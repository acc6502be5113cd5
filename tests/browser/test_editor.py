"""The editor in headless Chromium: create by selection, decide, relabel, adjust, undo, done."""

from __future__ import annotations

import pytest

from articles.models import Review, Span
from articles.services import span_update
from tests.browser.helpers import idle, login, open_editor, select_text, span_of
from tests.browser.helpers import utf16 as utf16_offset
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def api_spans(page, base: str, article_id: int) -> list[dict]:
    response = page.request.get(f"{base}/api/articles/{article_id}/spans/?layer=mine")
    assert response.ok, response.text()
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def focus(page, span_id: int) -> None:
    page.evaluate("(id) => window.annEditor.focusSpan(id)", span_id)


def test_editor_flow_by_selection_keys_and_mouse(page, live_server, teammate, seeded):
    article = seeded["article"]
    base = live_server.url
    login(page, base, "teammate", PASSWORD)
    open_editor(page, base, article.pk)
    assert page.locator(f'[data-span-id="{seeded["claim"].pk}"]').count() >= 1
    assert page.locator("[data-article-text]").text_content() == article.text

    # Create a quote after an astral character (the bridge emoji) by selection + "2".
    start, end = span_of(article.text, "We are ready,")
    assert select_text(page, article.text, start, end) == "We are ready,"
    page.keyboard.press("2")
    idle(page)
    created = page.evaluate("() => window.annEditor.focused()")
    assert (created["label"], created["start"], created["end"]) == ("quote", start, end)
    assert isinstance(created["id"], int)

    # Accept the claim by clicking it then the button; reject the speculation by key.
    page.locator(f'[data-span-id="{seeded["claim"].pk}"]').first.click()
    page.get_by_role("button", name="Accept").click()
    idle(page)
    focus(page, seeded["spec"].pk)
    page.keyboard.press("x")
    idle(page)

    # Relabel the quote suggestion to claim (an edit that records its suggestion).
    focus(page, seeded["quote"].pk)
    page.keyboard.press("1")
    idle(page)
    relabelled = page.evaluate("() => window.annEditor.focused()")
    assert relabelled["label"] == "claim" and relabelled["derived_from"] == seeded["quote"].pk

    # Move the created quote's end one word to the right, then back by undo.
    page.evaluate(f"() => window.annEditor.focusSpan({created['id']})")
    page.keyboard.press("Control+Shift+ArrowRight")
    idle(page)
    moved = page.evaluate("() => window.annEditor.focused()")
    assert article.text[moved["start"] : moved["end"]] == '"We are ready," said'[1:]
    page.keyboard.press("Control+z")
    idle(page)
    assert page.evaluate("() => window.annEditor.focused()")["end"] == end
    assert page.locator(".toast.error").count() == 0

    # After a reload the server has exactly what the page showed.
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    rows = {(s["label"], s["start"], s["end"]): s for s in api_spans(page, base, article.pk)}
    quote = rows[("quote", start, end)]
    assert quote["text"] == "We are ready," and quote["kind"] == "human"
    claim = rows[("claim", seeded["claim"].start, seeded["claim"].end)]
    assert claim["status"] == "accepted" and claim["derived_from"] == seeded["claim"].pk
    spec = rows[("speculation", seeded["spec"].start, seeded["spec"].end)]
    assert spec["status"] == "rejected"
    edited = rows[("claim", seeded["quote"].start, seeded["quote"].end)]
    assert edited["kind"] == "edited" and edited["derived_from"] == seeded["quote"].pk
    assert not [s for s in rows.values() if s["status"] == "suggested"]

    # Mark done: the review is stored and the next article opens.
    page.keyboard.press("d")
    page.wait_for_url(f"{base}/articles/{seeded['next'].pk}/")
    assert Review.objects.get(article=article, annotator=teammate).state == "done"
    assert page.errors == []


def test_keyboard_only_review(page, live_server, teammate, seeded):
    article = seeded["article"]
    base = live_server.url
    login(page, base, "teammate", PASSWORD)
    open_editor(page, base, article.pk)
    # The page opens on the first pending suggestion: the claim.
    assert page.evaluate("() => window.annEditor.focused().id") == seeded["claim"].pk
    page.keyboard.press("a")  # accept; focus moves on to the next pending one
    page.keyboard.press("Delete")  # reject the speculation
    page.keyboard.press("e")  # edit the quote's speaker inline
    page.keyboard.type("Ana M. Lima")
    page.keyboard.press("Enter")
    page.keyboard.press("Alt+Shift+ArrowRight")  # move the start one character right
    page.keyboard.press("Shift+ArrowLeft")  # and the end one character left
    page.keyboard.press("Control+z")  # undo the last one
    idle(page)
    # Select the first two words from the claim's start by keyboard and make them a quote.
    page.keyboard.press("k")
    page.keyboard.press("k")
    assert page.evaluate("() => window.annEditor.focused().start") == 0
    page.keyboard.press("v")
    page.keyboard.press("Control+Shift+ArrowRight")
    page.keyboard.press("Control+Shift+ArrowRight")
    page.keyboard.press("2")
    idle(page)
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("g")
    assert page.locator("#guidelines-panel").is_visible()
    page.keyboard.press("g")

    rows = {s["derived_from"]: s for s in api_spans(page, base, article.pk)}
    assert rows[seeded["claim"].pk]["status"] == "accepted"
    assert rows[seeded["spec"].pk]["status"] == "rejected"
    quote = rows[seeded["quote"].pk]
    assert quote["attrs"] == {"speaker": "Ana M. Lima", "direct": False}
    assert (quote["start"], quote["end"]) == (seeded["quote"].start + 1, seeded["quote"].end)
    assert quote["text"] == article.text[quote["start"] : quote["end"]]
    drawn = next(s for s in api_spans(page, base, article.pk) if s["kind"] == "human")
    assert (drawn["label"], drawn["start"], drawn["text"]) == ("quote", 0, "Officials said")
    assert page.locator(".toast.error").count() == 0
    assert page.errors == []


def test_bulk_reject_below_threshold_with_confirm_then_undo(page, live_server, teammate, seeded):
    base = live_server.url
    login(page, base, "teammate", PASSWORD)
    open_editor(page, base, seeded["article"].pk)
    page.keyboard.press("b")
    page.select_option("#bulk-form select[name=decision]", "reject")
    page.select_option("#bulk-form select[name=range]", "below")
    page.fill("#bulk-form input[name=threshold]", "0.7")
    assert page.locator("#bulk-count").text_content() == "1 suggestion match."
    page.click("#bulk-confirm")
    idle(page)
    assert Span.objects.get(derived_from=seeded["quote"], annotator=teammate).status == "rejected"
    assert Span.objects.filter(derived_from=seeded["claim"]).count() == 0
    page.keyboard.press("Control+z")
    idle(page)
    assert not Span.objects.filter(derived_from=seeded["quote"]).exists()
    assert page.locator(f'[data-span-id="{seeded["quote"].pk}"]').count() >= 1


def test_conflict_shows_current_span_and_loses_nothing(page, live_server, teammate, seeded):
    base = live_server.url
    login(page, base, "teammate", PASSWORD)
    open_editor(page, base, seeded["article"].pk)
    focus(page, seeded["claim"].pk)
    page.keyboard.press("a")
    idle(page)
    row = Span.objects.get(derived_from=seeded["claim"], annotator=teammate)
    # Another tab of the same editor changes the row meanwhile.
    span_update(span=row, actor=teammate, version=row.version, note="checked the source")

    focus(page, row.pk)
    page.keyboard.press("3")  # relabel with the stale version: 409
    idle(page)
    page.wait_for_selector(".toast.conflict")
    shown = page.evaluate("() => window.annEditor.focused()")
    assert shown["label"] == "claim" and shown["note"] == "checked the source"
    row.refresh_from_db()
    assert row.label.name == "claim" and row.note == "checked the source"

    page.keyboard.press("3")  # now on the fresh version: saved, and the note is kept
    idle(page)
    row.refresh_from_db()
    assert row.label.name == "speculation" and row.note == "checked the source"


def test_viewer_cannot_change_anything(page, live_server, viewer, seeded):
    base = live_server.url
    login(page, base, "viewer", PASSWORD)
    open_editor(page, base, seeded["article"].pk)
    page.keyboard.press("j")
    page.keyboard.press("a")
    page.wait_for_selector(".toast.error")
    assert not Span.objects.filter(annotator=viewer).exists()


def test_drag_end_handle_moves_the_boundary(page, live_server, teammate, seeded):
    base = live_server.url
    article = seeded["article"]
    login(page, base, "teammate", PASSWORD)
    open_editor(page, base, article.pk)
    focus(page, seeded["spec"].pk)
    handle = page.locator(".handle.end")
    handle.wait_for(state="visible")
    # Handles are placed on the next animation frame.
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    # Drop the end handle just before "next": the span becomes "It may close".
    target = article.text.index("next year.")
    box = page.evaluate(
        """(u) => {
        const root = document.querySelector('[data-article-text]');
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        let seen = 0, node;
        while ((node = walker.nextNode())) {
          if (u < seen + node.length) break;
          seen += node.length;
        }
        const range = document.createRange();
        range.setStart(node, u - seen);
        range.setEnd(node, u - seen + 1);
        const r = range.getBoundingClientRect();
        return {x: r.left + 1, y: r.top + r.height / 2};
    }""",
        utf16_offset(article.text, target),
    )
    start = handle.bounding_box()
    page.mouse.move(start["x"] + 3, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"], box["y"], steps=8)
    page.mouse.up()
    idle(page)
    row = Span.objects.get(derived_from=seeded["spec"], annotator=teammate)
    assert row.text == "It may close"
    assert (row.start, row.end) == (seeded["spec"].start, seeded["spec"].start + 12)


def test_undo_brings_back_deleted_span_and_earlier_decision(page, live_server, teammate, seeded):
    article = seeded["article"]
    base = live_server.url
    login(page, base, "teammate", PASSWORD)
    open_editor(page, base, article.pk)
    start, end = span_of(article.text, "Ana Lima")
    select_text(page, article.text, start, end)
    page.keyboard.press("1")
    idle(page)
    drawn = Span.objects.get(annotator=teammate, derived_from=None)
    page.keyboard.press("x")  # a span you drew is deleted
    idle(page)
    assert not Span.objects.filter(pk=drawn.pk).exists()
    page.keyboard.press("Control+z")
    idle(page)
    back = Span.objects.get(annotator=teammate, derived_from=None)
    assert (back.label.name, back.start, back.end) == ("claim", start, end)

    focus(page, seeded["claim"].pk)
    page.keyboard.press("a")
    idle(page)
    row = Span.objects.get(derived_from=seeded["claim"], annotator=teammate)
    focus(page, row.pk)
    page.keyboard.press("x")  # change my mind: reject my accepted row
    idle(page)
    row.refresh_from_db()
    assert row.status == "rejected"
    page.keyboard.press("Control+z")
    idle(page)
    row.refresh_from_db()
    assert row.status == "accepted"
    assert page.locator(".toast.error").count() == 0


def test_undo_of_bulk_accept_of_several_rows_restores_every_suggestion(
    page, live_server, teammate, seeded
):
    base = live_server.url
    login(page, base, "teammate", PASSWORD)
    open_editor(page, base, seeded["article"].pk)
    suggestions = [seeded["claim"], seeded["spec"], seeded["quote"]]
    page.keyboard.press("b")
    page.select_option("#bulk-form select[name=decision]", "accept")
    assert page.locator("#bulk-count").text_content() == "3 suggestions match."
    page.click("#bulk-confirm")
    idle(page)
    rows = Span.objects.filter(derived_from__in=suggestions, annotator=teammate)
    assert sorted(rows.values_list("status", flat=True)) == ["accepted"] * 3
    assert page.locator("#progress").text_content().startswith("0 pending")
    page.keyboard.press("Control+z")
    idle(page)
    assert not Span.objects.filter(derived_from__in=suggestions).exists()
    # Every suggestion is pending again on the page, under its own id.
    drawn = page.evaluate(
        "() => window.annEditor.spans().map((s) => [s.id, s.status, s.annotator])"
    )
    assert sorted(drawn) == sorted([s.pk, "suggested", None] for s in suggestions)
    for suggestion in suggestions:
        assert page.locator(f'[data-span-id="{suggestion.pk}"]').count() >= 1
    assert page.locator("#progress").text_content().startswith("3 pending")
    # The undo is spent: a second one has nothing to do and changes nothing.
    page.keyboard.press("Control+z")
    idle(page)
    assert page.locator(".toast").last.text_content() == "Nothing to undo."
    assert Span.objects.filter(article=seeded["article"]).count() == 3
    assert page.locator(".toast.error").count() == 0
    assert page.errors == []

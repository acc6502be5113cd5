"""The editor keeps the page and the server in step: failed saves of every kind roll back,
Esc cancels a field, in_text attributes follow their words, A/X act only on the focused
span, Mark done asks first, and suggestions from a pre-tagging that finishes while the page
is open appear without a reload."""

from __future__ import annotations

import pytest

from articles.models import Article, Review, Span
from articles.services import span_decide, span_update
from tests.browser.helpers import BRIDGE, idle, login, open_editor, select_text, span_of
from tests.factories import PASSWORD, make_article, make_suggestion

pytestmark = pytest.mark.browser

TEXT = BRIDGE


def focus(page, span_id: int) -> None:
    page.evaluate("(id) => window.annEditor.focusSpan(id)", span_id)


def focused(page) -> dict:
    return page.evaluate("() => window.annEditor.focused()")


STATE_JS = """() => ({
  spans: window.annEditor.spans(),
  focused: window.annEditor.focused()?.key ?? null,
  undo: window.annEditor.undoDepth(),
  progress: document.getElementById('progress').textContent,
  list: document.getElementById('span-list').innerHTML,
  text: document.querySelector('[data-article-text]').innerHTML,
})"""


def state(page) -> dict:
    """Everything a rollback must put back: spans, focus, undo stack, counters, list, text."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => setTimeout(r)))")
    return page.evaluate(STATE_JS)


def settled(page) -> None:
    """Like idle(), also when nothing was ever saved (idle() waits for a first save)."""
    page.evaluate("() => window.annEditor.idle()")


def last_error(page) -> str:
    page.wait_for_selector(".toast.error")
    return page.locator(".toast.error").last.text_content()


def clear_toasts(page) -> None:
    page.evaluate("() => document.getElementById('toasts').replaceChildren()")


def decisions(suggestion) -> int:
    return Span.objects.filter(derived_from=suggestion).count()


def test_failed_saves_roll_back_exactly(page, live_server, teammate, seeded):
    base = live_server.url
    login(page, base, "teammate", PASSWORD)
    open_editor(page, base, seeded["article"].pk)
    assert focused(page)["id"] == seeded["claim"].pk  # the page opens on it
    before = state(page)
    assert before["progress"].startswith("3 pending")

    # The server cannot be reached: accept, then a note on the same span queued behind it
    # (calls are held until both are queued, then fail).
    held = []
    offline = {"hold": True}

    def unreachable(route):
        if offline["hold"]:
            held.append(route)
        else:
            route.abort()

    page.route("**/api/**", unreachable)
    page.keyboard.press("a")
    focus(page, seeded["claim"].pk)
    page.keyboard.press("n")
    page.keyboard.type("checked")
    page.keyboard.press("Enter")
    offline["hold"] = False
    for route in held:
        route.abort()
    message = last_error(page)
    idle(page)
    assert message == (
        "Not saved. The server could not be reached. "
        "Your change and 1 made after it were undone here."
    )
    assert state(page) == before
    assert decisions(seeded["claim"]) == 0

    # A 500: the accept and the counter go back.
    page.unroute("**/api/**")
    page.route(
        "**/api/spans/*/decision/",
        lambda route: route.fulfill(status=500, body="<h1>Server Error (500)</h1>"),
    )
    clear_toasts(page)
    page.keyboard.press("a")
    assert "The server ran into a problem." in last_error(page)
    idle(page)
    assert state(page) == before

    # No answer in time (the call hangs): the same.
    page.unroute("**/api/spans/*/decision/")
    hanging = []
    page.route("**/api/spans/*/decision/", lambda route: hanging.append(route))
    page.evaluate("() => { window.annEditor.settings.timeoutMs = 600; }")
    clear_toasts(page)
    page.keyboard.press("a")
    assert "The server did not answer in time." in last_error(page)
    idle(page)
    assert state(page) == before
    assert len(hanging) == 1
    hanging[0].abort()  # the page gave up on it already
    assert decisions(seeded["claim"]) == 0

    # Back online, the same key saves, and the page shows what the server has.
    page.unroute("**/api/spans/*/decision/")
    page.evaluate("() => { window.annEditor.settings.timeoutMs = 20000; }")
    page.keyboard.press("a")
    idle(page)
    row = Span.objects.get(derived_from=seeded["claim"], annotator=teammate)
    assert row.status == "accepted"
    shown = {s["id"]: s for s in page.evaluate("() => window.annEditor.spans()")}
    assert shown[row.pk]["status"] == "accepted" and shown[row.pk]["kind"] == "accepted"
    assert page.locator("#progress").text_content().startswith("2 pending")
    assert page.evaluate("() => window.annEditor.undoDepth()") == 1
    assert page.errors == []


def test_failed_draw_bulk_and_undo_roll_back(page, live_server, teammate, seeded):
    article = seeded["article"]
    base = live_server.url
    login(page, base, "teammate", PASSWORD)
    open_editor(page, base, article.pk)
    page.keyboard.press("a")  # saved: something to undo later
    idle(page)
    before = state(page)

    page.route("**/api/**", lambda route: route.abort())
    # A drawn span disappears again.
    select_text(page, article.text, *span_of(article.text, "Ana Lima"))
    page.keyboard.press("1")
    assert "could not be reached" in last_error(page)
    idle(page)
    page.evaluate("() => getSelection().removeAllRanges()")
    assert state(page) == before

    # A bulk reject of the two remaining suggestions: both come back, with the counters.
    clear_toasts(page)
    page.keyboard.press("b")
    page.select_option("#bulk-form select[name=decision]", "reject")
    page.click("#bulk-confirm")
    assert "could not be reached" in last_error(page)
    idle(page)
    assert state(page) == before

    # An undo that cannot reach the server keeps the step for another try.
    clear_toasts(page)
    page.keyboard.press("Control+z")
    assert "Press Ctrl+Z to try again." in last_error(page)
    idle(page)
    assert state(page)["undo"] == 1
    page.unroute("**/api/**")
    page.keyboard.press("Control+z")
    idle(page)
    assert decisions(seeded["claim"]) == 0
    assert page.locator("#progress").text_content().startswith("3 pending")
    assert Span.objects.filter(article=article, annotator=teammate).count() == 0
    assert page.errors == []


def test_a_refused_save_rolls_back_in_plain_words(page, live_server, teammate, seeded):
    article = seeded["article"]
    base = live_server.url
    row = span_decide(span=seeded["claim"], actor=teammate, decision="accept")
    login(page, base, "teammate", PASSWORD)
    open_editor(page, base, article.pk)
    focus(page, seeded["spec"].pk)
    before = state(page)
    # A claim over the accepted claim's words: the server refuses it (400).
    select_text(page, article.text, *span_of(article.text, "the bridge"))
    page.keyboard.press("1")
    message = last_error(page)
    idle(page)
    page.evaluate("() => getSelection().removeAllRanges()")
    assert message == (
        "Not saved. It overlaps your claim span; spans of one label never overlap. "
        "Your change was undone here."
    )
    assert state(page) == before
    assert Span.objects.filter(article=article, annotator=teammate).get() == row


def test_esc_cancels_a_field_and_enter_saves_it(page, live_server, teammate, seeded):
    base = live_server.url
    quote = seeded["quote"]
    # A row of the user's own with a note, to check Esc never replaces it.
    mine = span_update(span=seeded["spec"], actor=teammate, version=1, note="keep me")
    login(page, base, "teammate", PASSWORD)
    open_editor(page, base, seeded["article"].pk)

    focus(page, quote.pk)
    page.keyboard.press("e")  # the speaker, its text selected
    speaker = page.locator("#d-form [data-field=speaker]")
    assert speaker.evaluate("(el) => el === document.activeElement")
    page.keyboard.type("Somebody else")
    page.keyboard.press("Escape")
    assert speaker.input_value() == "Ana Lima"
    assert page.evaluate("() => document.activeElement.hasAttribute('data-article-text')")
    page.keyboard.press("n")
    page.keyboard.type("a stray note")
    page.keyboard.press("Escape")
    settled(page)
    assert decisions(quote) == 0
    assert focused(page)["status"] == "suggested"

    focus(page, mine.pk)
    page.keyboard.press("n")
    page.keyboard.type("oops")
    page.keyboard.press("Escape")
    assert page.locator("#d-form [data-field=note]").input_value() == "keep me"
    settled(page)
    version = mine.version
    mine.refresh_from_db()
    assert mine.note == "keep me" and mine.version == version

    page.keyboard.press("n")
    page.keyboard.type("checked the source")  # replaces the selected text
    page.keyboard.press("Enter")
    idle(page)
    mine.refresh_from_db()
    assert mine.note == "checked the source"
    assert focused(page)["note"] == "checked the source"
    assert page.locator(".toast.error").count() == 0
    assert page.errors == []


def test_in_text_speaker_is_picked_or_typed(page, live_server, teammate, seeded):
    article = seeded["article"]
    base = live_server.url
    ana = span_of(article.text, "Ana Lima")
    login(page, base, "teammate", PASSWORD)
    open_editor(page, base, article.pk)

    # Picked by keyboard: P, select the words, Enter.
    focus(page, seeded["quote"].pk)
    page.keyboard.press("p")
    assert page.locator("body.picking").count() == 1
    select_text(page, article.text, ana[0] - 1, ana[1] + 1)  # with a space either side
    page.keyboard.press("Enter")
    idle(page)
    row = Span.objects.get(derived_from=seeded["quote"], annotator=teammate)
    assert row.attrs == {
        "speaker": "Ana Lima",
        "direct": False,
        "speaker_start": ana[0],
        "speaker_end": ana[1],
    }
    assert page.locator("[data-picked-for=speaker]").is_visible()

    # Typed: a name found once in the article is tied to its words ...
    page.keyboard.press("e")
    page.keyboard.type("Officials")
    page.keyboard.press("Enter")
    idle(page)
    row.refresh_from_db()
    officials = span_of(article.text, "Officials")
    assert row.attrs["speaker"] == "Officials"
    assert (row.attrs["speaker_start"], row.attrs["speaker_end"]) == officials
    # ... and one that is not in it (or is there twice) leaves no stale offsets.
    page.keyboard.press("e")
    page.keyboard.type("the mayor")
    page.keyboard.press("Enter")
    idle(page)
    row.refresh_from_db()
    assert row.attrs == {"speaker": "the mayor", "direct": False}
    assert page.locator("[data-picked-for=speaker]").is_hidden()

    # Picked with the mouse: select the words, then the Pick button.
    select_text(page, article.text, *ana)
    page.locator("#d-form [data-pick=speaker]").click()
    idle(page)
    row.refresh_from_db()
    assert (row.attrs["speaker"], row.attrs["speaker_start"]) == ("Ana Lima", ana[0])
    assert page.locator(".span-list li.focus .who").text_content() == "Ana Lima"

    # Esc leaves picking without a change.
    page.keyboard.press("p")
    page.keyboard.press("Escape")
    assert page.locator("body.picking").count() == 0
    idle(page)
    assert Span.objects.get(pk=row.pk).version == row.version
    assert page.errors == []


def test_a_and_x_act_only_on_the_focused_span(page, live_server, teammate, seeded):
    base = live_server.url
    login(page, base, "teammate", PASSWORD)
    open_editor(page, base, seeded["article"].pk)
    page.keyboard.press("a")  # the first pending suggestion: decided, the focus moves on
    assert focused(page)["id"] == seeded["spec"].pk
    idle(page)
    row = Span.objects.get(derived_from=seeded["claim"], annotator=teammate)
    focus(page, row.pk)
    page.keyboard.press("a")  # already accepted: says so and stays
    page.wait_for_selector(".toast:has-text('already accepted')")
    assert focused(page)["id"] == row.pk
    page.keyboard.press("x")  # rejects the span in view, not the next suggestion
    idle(page)
    row.refresh_from_db()
    assert row.status == "rejected"
    assert focused(page)["id"] == row.pk
    assert decisions(seeded["spec"]) == 0


def test_mark_done_asks_while_suggestions_are_undecided(page, live_server, teammate, seeded):
    article = seeded["article"]
    base = live_server.url
    span_decide(span=seeded["claim"], actor=teammate, decision="accept")
    login(page, base, "teammate", PASSWORD)
    open_editor(page, base, article.pk)
    page.keyboard.press("d")
    dialog = page.locator("#done-dialog")
    dialog.wait_for(state="visible")
    assert page.locator("#done-count").text_content() == "2 suggestions are still undecided."
    assert page.evaluate("() => document.activeElement.id") == "done-keep"
    page.keyboard.press("Enter")  # Keep reviewing
    dialog.wait_for(state="hidden")
    page.keyboard.press("d")
    page.keyboard.press("Escape")  # also keeps reviewing
    dialog.wait_for(state="hidden")
    idle(page)
    assert not Review.objects.filter(article=article, state="done").exists()
    assert page.url == f"{base}/articles/{article.pk}/"

    page.keyboard.press("d")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "done-anyway"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/articles/{seeded['next'].pk}/")
    assert Review.objects.get(article=article, annotator=teammate).state == "done"


def test_suggestions_appear_when_pretagging_finishes(page, live_server, teammate, project):
    article = make_article(project, TEXT, title="Fresh")
    Article.objects.filter(pk=article.pk).update(pretag_state="running")
    base = live_server.url
    login(page, base, "teammate", PASSWORD)
    open_editor(page, base, article.pk)
    assert page.locator("#pretag-pill").text_content() == "pre-tag running"

    # Meanwhile the editor draws a span, and the tagger is still at work.
    drawn = span_of(TEXT, "We are ready,")
    select_text(page, TEXT, *drawn)
    page.keyboard.press("2")
    idle(page)
    claim = make_suggestion(article, "claim", *span_of(TEXT, "Officials said the bridge"))
    spec = make_suggestion(article, "speculation", *span_of(TEXT, "It may close next year."))
    Article.objects.filter(pk=article.pk).update(pretag_state="done")

    page.wait_for_selector(".toast:has-text('Pre-tagging finished: 2 new suggestions.')")
    for suggestion in (claim, spec):
        assert page.locator(f'[data-span-id="{suggestion.pk}"]').count() >= 1
    assert page.locator("#pretag-pill").is_hidden()
    shown = page.evaluate("() => window.annEditor.spans().map((s) => [s.label, s.start, s.kind])")
    expected = [
        ["quote", drawn[0], "human"],
        ["claim", claim.start, "suggested"],
        ["speculation", spec.start, "suggested"],
    ]
    assert sorted(shown) == sorted(expected)
    assert page.locator("#progress").text_content().startswith("2 pending")
    # The new suggestions can be decided at once.
    focus(page, spec.pk)
    page.keyboard.press("a")
    idle(page)
    assert Span.objects.get(derived_from=spec, annotator=teammate).status == "accepted"
    assert page.errors == []

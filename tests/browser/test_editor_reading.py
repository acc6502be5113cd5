"""The editor read at a glance and without colours: labels named on hover, focus, in the card
and the list; statuses drawn apart; contrast from any label colour; paragraphs; the first
pending span focused; the filterable list; Tab as in any page; narrow windows."""

from __future__ import annotations

import itertools
import re

import pytest

from articles.models import Span
from tests.browser.helpers import idle, login, open_editor
from tests.factories import PASSWORD, label, make_article, make_suggestion

pytestmark = pytest.mark.browser

TEXT = (
    "The council promised new buses before the first snow.\n"
    '"We underestimated the grid," said Marta Lindqvist.\n\n'
    "Perhaps the council will rent mobile chargers. The depot may open in spring."
)


def at(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


@pytest.fixture
def seeded(project):
    article = make_article(project, TEXT, title="Buses")
    spans = {
        "claim": make_suggestion(article, "claim", *at(TEXT, "The council promised new buses")),
        "quote": make_suggestion(
            article,
            "quote",
            *at(TEXT, "We underestimated the grid,"),
            attrs={"speaker": "Marta Lindqvist", "direct": True},
            confidence=0.91,
        ),
        "spec": make_suggestion(
            article, "speculation", *at(TEXT, "The depot may open in spring."), attrs={"cue": "may"}
        ),
    }
    return article, spans


def focused_id(page) -> int | None:
    return page.evaluate("() => window.annEditor.focused()?.id ?? null")


def frame(page) -> None:
    """Wait for the next animation frame (the tag and handles are placed then)."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast of two computed CSS colours ("rgb(…)"), written independently of the page."""
    la, lb = (luminance(tuple(float(x) for x in re.findall(r"[\d.]+", c))) for c in (a, b))
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


STYLE_JS = """(sel) => {
  const el = document.querySelector(sel);
  const cs = getComputedStyle(el);
  return {color: cs.color, background: cs.backgroundColor, image: cs.backgroundImage,
          line: cs.textDecorationColor, pattern: cs.textDecorationStyle};
}"""


def style(page, selector: str) -> dict:
    return page.evaluate(STYLE_JS, selector)


def test_labels_and_statuses_are_readable_without_colours(page, live_server, teammate, seeded):
    article, spans = seeded
    login(page, live_server.url, "teammate", PASSWORD)
    open_editor(page, live_server.url, article.pk)
    frame(page)
    # The page opens on the first pending suggestion; the tag over the text, the card and
    # the list item all name it.
    assert focused_id(page) == spans["claim"].pk
    assert page.locator(".span-tag").text_content() == "claim · pending"
    assert page.locator("#d-label").text_content() == "claim"
    assert page.locator("#d-status").text_content() == "pending"
    option = page.locator(".span-list li.focus")
    assert option.get_attribute("role") == "option"
    assert option.get_attribute("aria-selected") == "true"
    assert page.locator("#span-list").get_attribute(
        "aria-activedescendant"
    ) == option.get_attribute("id")
    # Accessible names: the span in the text says label and status, the list option adds
    # its text, and moving the focus is announced with all three.
    assert page.get_by_role("group", name="claim, pending suggestion, 90% confidence").count() == 1
    # (Chrome puts a space around each part; the hidden commas keep them apart when read.)
    expect_option = re.compile(
        r"^quote\s*,\s*We underestimated the grid,\s*,\s*Marta Lindqvist\s*,\s*91%\s*,\s*pending$"
    )
    assert page.get_by_role("option", name=expect_option).count() == 1
    page.keyboard.press("j")
    assert page.locator("#announce").text_content() == (
        "quote, pending suggestion, 91% confidence: We underestimated the grid,"
    )
    # Hovering a span names it; leaving the text names the focused one again.
    page.locator(f'[data-span-id="{spans["spec"].pk}"]').first.hover()
    frame(page)
    assert page.locator(".span-tag").text_content() == "speculation · pending"
    page.mouse.move(2, 2)
    frame(page)
    assert page.locator(".span-tag").text_content() == "quote · pending"

    # Pending, accepted and rejected are drawn apart by more than a hatch: the fill differs.
    page.keyboard.press("k")
    page.keyboard.press("a")  # the claim is accepted, the focus moves on
    page.keyboard.press("x")  # the quote is rejected
    idle(page)
    mine = {s.derived_from_id: s.pk for s in Span.objects.filter(annotator=teammate)}
    accepted = style(page, f'[data-span-id="{mine[spans["claim"].pk]}"]')
    rejected = style(page, f'[data-span-id="{mine[spans["quote"].pk]}"]')
    page.keyboard.press("Escape")
    page.evaluate("() => window.annEditor.focusSpan(null)")
    pending = style(page, f'[data-span-id="{spans["spec"].pk}"]')
    assert "repeating-linear-gradient" in pending["image"]
    assert pending["background"] == "rgba(0, 0, 0, 0)"
    assert accepted["image"] == "none" and accepted["background"] != "rgba(0, 0, 0, 0)"
    assert rejected["line"] != accepted["line"] and rejected["color"] != accepted["color"]
    # The list says it in words too.
    assert page.locator(".span-list .badge").all_text_contents() == [
        "accepted",
        "rejected",
        "pending",
    ]
    assert page.errors == []


def test_legend_matches_the_underlines_and_pale_labels_stay_readable(
    page, live_server, teammate, project
):
    # Admins pick any colour: a pale yellow and a light cyan would be unreadable as is.
    project.labels.filter(name="claim").update(color="#ffe600")
    project.labels.filter(name="quote").update(color="#22d3ee")
    article = make_article(project, TEXT, title="Pale labels")
    make_suggestion(article, "claim", *at(TEXT, "The council promised new buses"))
    make_suggestion(article, "quote", *at(TEXT, "We underestimated the grid,"))
    make_suggestion(article, "speculation", *at(TEXT, "The depot may open in spring."))
    login(page, live_server.url, "teammate", PASSWORD)
    open_editor(page, live_server.url, article.pk)
    page.evaluate("() => window.annEditor.focusSpan(null)")
    for name in ("claim", "quote", "speculation"):
        spans = article.spans.filter(label=label(project, name))
        drawn = style(page, f'[data-span-id="{spans.get().pk}"]')
        legend = style(page, f'[data-label-swatch="{name}"]')
        assert (legend["line"], legend["pattern"]) == (drawn["line"], drawn["pattern"]), name
        # Underlines 3:1 against the text's white card.
        assert contrast(drawn["line"], "rgb(255, 255, 255)") >= 3, name
        chip = style(page, f'.span-list li[data-list-span-id="{spans.get().pk}"] .chip')
        assert contrast(chip["color"], chip["background"]) >= 4.5, name
    patterns = {n: style(page, f'[data-label-swatch="{n}"]')["pattern"] for n in ("claim", "quote")}
    assert patterns == {"claim": "solid", "quote": "double"}
    assert style(page, '[data-label-swatch="speculation"]')["pattern"] == "wavy"


def test_paragraph_breaks_show(page, live_server, teammate, seeded):
    article, _ = seeded
    login(page, live_server.url, "teammate", PASSWORD)
    open_editor(page, live_server.url, article.pk)
    root = page.locator("[data-article-text]")
    assert root.text_content() == article.text
    paragraphs = root.locator("p")
    assert paragraphs.count() == 3
    tops = [paragraphs.nth(i).bounding_box() for i in range(3)]
    # Each paragraph is set off from the next by more than a line's spacing.
    gap = tops[1]["y"] - (tops[0]["y"] + tops[0]["height"])
    assert gap >= 8, tops


def test_tab_moves_between_controls_and_jk_between_spans(page, live_server, teammate, seeded):
    article, spans = seeded
    login(page, live_server.url, "teammate", PASSWORD)
    open_editor(page, live_server.url, article.pk)
    assert page.evaluate("() => document.activeElement.hasAttribute('data-article-text')")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "d-text"
    assert focused_id(page) == spans["claim"].pk  # Tab did not move between spans
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.hasAttribute('data-article-text')")
    page.keyboard.press("Shift+Tab")  # back into the toolbar, as in any page
    assert page.evaluate("() => document.activeElement.dataset.action") == "done"
    assert focused_id(page) == spans["claim"].pk
    page.keyboard.press("j")  # keys still work with a toolbar button focused
    assert focused_id(page) == spans["quote"].pk
    page.keyboard.press("k")
    assert focused_id(page) == spans["claim"].pk
    # The help says so.
    page.keyboard.press("?")
    help_text = page.locator("#help").text_content()
    assert "Next / previous control" in help_text and "Next / previous span" in help_text
    assert page.evaluate("() => document.activeElement.classList.contains('help-card')")
    page.keyboard.press("Escape")
    assert page.locator("#help").is_hidden()
    assert page.evaluate("() => document.activeElement.hasAttribute('data-article-text')")


def test_span_list_filters_and_jumps(page, live_server, teammate, seeded):
    article, spans = seeded
    login(page, live_server.url, "teammate", PASSWORD)
    open_editor(page, live_server.url, article.pk)
    items = page.locator("#span-list li")
    assert page.locator("#list-count").text_content() == "3 spans"
    page.select_option("#list-label", "quote")
    assert items.count() == 1 and items.first.locator(".chip").text_content() == "quote"
    assert page.locator("#list-count").text_content() == "1 of 3 spans"
    page.select_option("#list-label", "")
    page.keyboard.press("Escape")
    page.locator("[data-article-text]").focus()
    page.keyboard.press("a")  # accept the claim (focused on open)
    idle(page)
    page.check("#list-pending")
    assert page.locator("#list-status").input_value() == "suggested"
    assert items.count() == 2
    assert [items.nth(i).get_attribute("data-list-span-id") for i in range(2)] == [
        str(spans["quote"].pk),
        str(spans["spec"].pk),
    ]
    # Deciding a span drops it from a pending-only list at once.
    page.locator("[data-article-text]").focus()
    page.keyboard.press("x")  # the quote (focused after the accept)
    idle(page)
    assert items.count() == 1 and page.locator("#list-count").text_content() == "1 of 3 spans"
    page.select_option("#list-status", "accepted")
    assert not page.locator("#list-pending").is_checked()
    assert items.count() == 1
    page.select_option("#list-status", "")

    # First and last pending: with two pending spans in text order.
    page.locator("[data-article-text]").focus()
    page.keyboard.press("Control+z")  # the quote is pending again
    idle(page)
    page.click("button[data-action=last-pending]")
    assert focused_id(page) == spans["spec"].pk
    page.click("button[data-action=first-pending]")
    assert focused_id(page) == spans["quote"].pk
    # In the list, arrows and Home/End move between the items shown.
    page.locator("#span-list").focus()
    page.keyboard.press("ArrowDown")
    assert focused_id(page) == spans["spec"].pk
    page.keyboard.press("Home")
    assert focused_id(page) != spans["spec"].pk
    assert page.locator("#span-list li.focus").get_attribute("id") == page.locator(
        "#span-list"
    ).get_attribute("aria-activedescendant")
    page.keyboard.press("End")
    assert focused_id(page) == spans["spec"].pk
    assert page.errors == []


def long_article(project):
    paragraphs = [
        f"Paragraph {i}: the council met again and said the buses would run by spring. "
        "Commuters were not convinced, and the depot stayed shut for another week."
        for i in range(40)
    ]
    text = "\n".join(paragraphs) + "\nSee https://example.org/" + "a" * 120 + " for more."
    article = make_article(project, text, title="A long article with a very long link")
    for i in range(0, 40, 4):
        start = text.index(f"Paragraph {i}:")
        make_suggestion(article, "claim", start, start + len(f"Paragraph {i}: the council"))
    return article


# What hides the text: the sticky toolbar's bottom and the card's sheet's top (phones).
BAND_JS = """() => {
  const bar = document.querySelector('.toolbar');
  const sheet = document.getElementById('detail');
  const sticky = getComputedStyle(bar).position === 'sticky';
  const fixed = !sheet.hidden && getComputedStyle(sheet).position === 'fixed';
  return {barBottom: sticky ? bar.getBoundingClientRect().bottom : 0,
          floor: fixed ? sheet.getBoundingClientRect().top : innerHeight};
}"""

# Scroll the window so the span's top is just under the toolbar's bottom edge, or its
# bottom just under the sheet's top edge (where a check against the window alone sees it).
PLACE_JS = (
    """([id, place]) => {
  const band = ("""
    + BAND_JS
    + """)();
  const r = document.querySelector(`[data-span-id="${id}"]`).getBoundingClientRect();
  window.scrollBy(0, place === "top" ? r.top - Math.max(band.barBottom - 4, 20)
                                     : r.bottom - Math.min(band.floor + 4, innerHeight - 20));
}"""
)

SEEN_JS = (
    """(id) => {
  const r = document.querySelector(`[data-span-id="${id}"]`).getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, ...("""
    + BAND_JS
    + """)()};
}"""
)


@pytest.mark.parametrize("width", [800, 390])
def test_narrow_windows(page, live_server, teammate, project, width):
    article = long_article(project)
    page.set_viewport_size({"width": width, "height": 700})
    login(page, live_server.url, "teammate", PASSWORD)
    open_editor(page, live_server.url, article.pk)
    # Nothing scrolls sideways.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    # A span focused while it sits under the sticky toolbar (at the top) or under the card's
    # sheet (phones, at the bottom) is scrolled clear of them.
    ids = list(article.spans.order_by("start").values_list("pk", flat=True))
    for before, span_id in itertools.pairwise(ids[:-1]):
        for place in ("top", "bottom"):
            page.evaluate("(id) => window.annEditor.focusSpan(id)", before)
            frame(page)
            page.evaluate(PLACE_JS, [span_id, place])
            page.evaluate("(id) => window.annEditor.focusSpan(id)", span_id)
            frame(page)
            seen = page.evaluate(SEEN_JS, span_id)
            assert seen["top"] >= seen["barBottom"], (place, seen)
            assert seen["bottom"] <= seen["floor"], (place, seen)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_label_styles_survive_a_strict_style_policy(page, live_server, teammate, seeded):
    """The label colours are a constructed stylesheet, which a Content-Security-Policy
    without 'unsafe-inline' styles allows (an injected <style> element it blocks)."""
    article, spans = seeded
    policy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self'"

    def with_policy(route):
        response = route.fetch()
        route.fulfill(
            response=response, headers={**response.headers, "content-security-policy": policy}
        )

    login(page, live_server.url, "teammate", PASSWORD)
    page.route(f"**/articles/{article.pk}/", with_policy)
    open_editor(page, live_server.url, article.pk)
    claim = style(page, f'[data-span-id="{spans["claim"].pk}"]')
    assert claim["line"] == "rgb(37, 99, 235)"  # the claim's #2563eb, already 3:1 on white
    chip = style(page, ".span-list .chip")
    assert contrast(chip["color"], chip["background"]) >= 4.5

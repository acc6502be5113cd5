"""Steps the browser tests share: log in, open the editor, wait for saves, select text."""

from __future__ import annotations

from typing import Any


def login(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def open_editor(page: Any, base_url: str, article_id: int) -> None:
    page.goto(f"{base_url}/articles/{article_id}/")
    page.wait_for_selector("body[data-ready='1']")


def idle(page: Any) -> None:
    """Wait until every queued API call of the editor has been answered."""
    page.evaluate("() => window.annEditor.idle()")
    page.wait_for_function("() => document.body.dataset.saving === '0'")


def utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


SELECT_JS = """([u0, u1]) => {
  const root = document.querySelector('[data-article-text]');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let seen = 0, node, start = null, end = null;
  while ((node = walker.nextNode())) {
    const n = node.length;
    if (start === null && u0 < seen + n) start = [node, u0 - seen];
    if (end === null && u1 <= seen + n) { end = [node, u1 - seen]; break; }
    seen += n;
  }
  const range = document.createRange();
  range.setStart(...start);
  range.setEnd(...end);
  const sel = getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
  return sel.toString();
}"""


def select_text(page: Any, text: str, start_cp: int, end_cp: int) -> str:
    """Select [start_cp, end_cp) of the article text with a DOM Range on its text nodes."""
    return page.evaluate(SELECT_JS, [utf16(text, start_cp), utf16(text, end_cp)])


# The article both editor test files work on: an emoji, a ZWJ sequence, two paragraphs.
BRIDGE = (
    "Officials said the bridge 🌉 opened in 2019. It may close next year.\n\n"
    '"We are ready," said Ana Lima 👩🏽\u200d🔬, adding that the budget had doubled.'
)


def span_of(text: str, phrase: str) -> tuple[int, int]:
    """The code-point range of ``phrase`` in ``text``."""
    start = text.index(phrase)
    return start, start + len(phrase)

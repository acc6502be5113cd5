"""The editor's offsets in Chromium: UTF-16 ↔ code points (offsets.js) and DOM Range → code
points (render.js)."""

from __future__ import annotations

import itertools
import unicodedata

import pytest

from tests.browser.helpers import utf16

pytestmark = pytest.mark.browser

TEXTS = [
    "plain ascii text",
    "Bridge 🌉 opened 😀😀 in 2019.",
    "Family 👩‍👩‍👧‍👦 and scientist 👩🏽‍🔬 and flag 🇫🇷.",
    "日本語のテキスト、中文文本。한국어",
    # NFC-stored text whose combining marks do not compose: q + dot above stays 2 code points.
    unicodedata.normalize("NFC", "q\u0307 and e\u0301 and \U0001d518\U0001d52b a\u0301\u0323"),
    "\u200d\u200d😀\n\n\U0001d7d8",
]

CONVERT_JS = """async ([text]) => {
  const m = await import('/static/articles/offsets.js');
  const map = new m.OffsetMap(text);
  const cps = [...text].length;
  const out = {len: m.cpLength(text), mapLen: map.length,
               toU16: [], mapToU16: [], back: [], mapBack: []};
  for (let cp = 0; cp <= cps; cp++) {
    out.toU16.push(m.cpToUtf16(text, cp));
    out.mapToU16.push(map.toUtf16(cp));
  }
  for (const u of out.toU16) { out.back.push(m.utf16ToCp(text, u)); out.mapBack.push(map.toCp(u)); }
  return out;
}"""

RANGE_JS = """async ([text, pieces, u0, u1]) => {
  const m = await import('/static/articles/render.js');
  const root = document.createElement('div');
  root.setAttribute('data-article-text', '');
  // Nested elements like the editor draws, so boundaries sit in different text nodes.
  let at = 0;
  for (const [len, depth] of pieces) {
    let host = root;
    for (let d = 0; d < depth; d++) {
      const el = document.createElement('span'); host.append(el); host = el;
    }
    host.append(text.slice(at, at + len));
    at += len;
  }
  document.body.append(root);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const point = (u) => {
    let seen = 0, node;
    while ((node = walker.nextNode())) {
      if (u <= seen + node.length) return [node, u - seen];
      seen += node.length;
    }
  };
  const range = document.createRange();
  walker.currentNode = root; range.setStart(...point(u0));
  walker.currentNode = root; range.setEnd(...point(u1));
  const got = m.rangeToCodePoints(root, range, text);
  root.remove();
  return got;
}"""


@pytest.fixture
def blank(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    return page


@pytest.mark.parametrize("text", TEXTS)
def test_code_points_and_utf16_both_ways(blank, text):
    got = blank.evaluate(CONVERT_JS, [text])
    expected = [utf16(text, cp) for cp in range(len(text) + 1)]
    assert got["len"] == got["mapLen"] == len(text)
    assert got["toU16"] == expected
    assert got["mapToU16"] == expected
    assert got["back"] == list(range(len(text) + 1))
    assert got["mapBack"] == list(range(len(text) + 1))


def test_offset_inside_a_surrogate_pair_rounds_down(blank):
    got = blank.evaluate(
        """async () => { const m = await import('/static/articles/offsets.js');
        const t = 'a😀b'; const map = new m.OffsetMap(t);
        return [m.utf16ToCp(t, 2), map.toCp(2), m.utf16ToCp(t, 3), map.toCp(3)]; }"""
    )
    assert got == [1, 1, 2, 2]


@pytest.mark.parametrize("text", TEXTS[1:])
def test_dom_range_to_code_points(blank, text):
    units = len(text.encode("utf-16-le")) // 2
    # Split the text into runs at code-point boundaries, at varying nesting depths.
    cut_points = sorted({utf16(text, cp) for cp in range(0, len(text), 3)} | {units})
    pieces = [[b - a, i % 3] for i, (a, b) in enumerate(itertools.pairwise(cut_points))]
    n = len(text)
    for start, end in [(0, n), (1, n - 1), (n // 3, 2 * n // 3), (n - 2, n)]:
        got = blank.evaluate(RANGE_JS, [text, pieces, utf16(text, start), utf16(text, end)])
        assert got == {"start": start, "end": end}, (text, start, end)
        assert text[got["start"] : got["end"]] == text[start:end]

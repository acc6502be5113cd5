// Code points (the server's offsets) and UTF-16 units (the DOM's), both ways.
import assert from "node:assert/strict";
import test from "node:test";

import { OffsetMap, cpLength, cpToUtf16, roundUpPair, stepCp, utf16ToCp, wordBoundary } from "../../static/articles/offsets.js";

const TEXTS = ["plain ascii", "Bridge 🌉 opened 😀😀 in 2019.", "Family 👩‍👩‍👧‍👦 and 🇫🇷.", "q\u0307 e\u0301 \u{1d518}", ""];

// UTF-16 index of each code point, worked out independently of the module.
function expected(text) {
  const out = [0];
  let u = 0;
  for (const ch of text) out.push((u += ch.length));
  return out;
}

for (const text of TEXTS) {
  test(`both directions agree for ${JSON.stringify(text)}`, () => {
    const map = new OffsetMap(text);
    const u16 = expected(text);
    assert.equal(cpLength(text), u16.length - 1);
    assert.equal(map.length, u16.length - 1);
    u16.forEach((u, cp) => {
      assert.equal(cpToUtf16(text, cp), u);
      assert.equal(map.toUtf16(cp), u);
      assert.equal(utf16ToCp(text, u), cp);
      assert.equal(map.toCp(u), cp);
    });
  });
}

test("inside a surrogate pair rounds down; an end there rounds up", () => {
  const text = "a😀b";
  const map = new OffsetMap(text);
  assert.equal(utf16ToCp(text, 2), 1);
  assert.equal(map.toCp(2), 1);
  assert.equal(roundUpPair(text, 2), 3);
  assert.equal(roundUpPair(text, 3), 3);
});

test("offsets past either end are clamped", () => {
  const map = new OffsetMap("a😀b");
  assert.equal(map.toUtf16(-1), 0);
  assert.equal(map.toUtf16(99), 4);
  assert.equal(map.toCp(99), 3);
  assert.equal(stepCp(map, 0, -1), 0);
  assert.equal(stepCp(map, 3, 1), 3);
});

test("word boundaries step over words and what is between them", () => {
  const text = "It’s the 🌉 mayor's bridge.";
  const map = new OffsetMap(text);
  assert.equal(wordBoundary(text, map, 0, 1), 4);
  assert.equal(wordBoundary(text, map, 4, 1), 8);
  const afterEmoji = [...text].indexOf("m");
  assert.equal(wordBoundary(text, map, 8, 1), afterEmoji + "mayor's".length);
  assert.equal(wordBoundary(text, map, afterEmoji + 3, -1), afterEmoji);
});

// The page's whitespace is the server's: every row of the shared table (Python's isspace()
// answer for each character either side counts as space, and some look-alikes) holds here.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";

import { isSpace, trimUtf16 } from "../../static/articles/trim.js";

const table = JSON.parse(readFileSync(new URL("../data/whitespace.json", import.meta.url), "utf8"));
const char = (row) => String.fromCodePoint(parseInt(row.code.slice(2), 16));

test("the table covers what either language calls space", () => {
  const codes = new Set(table.map((row) => row.code));
  for (const c of ["U+001C", "U+001F", "U+0085", "U+FEFF", "U+200B", "U+180E", "U+2060", "U+0000"]) {
    assert.ok(codes.has(c), c);
  }
  for (let cp = 0; cp <= 0xffff; cp++) {
    if (/\s/.test(String.fromCharCode(cp))) assert.ok(codes.has(`U+${cp.toString(16).toUpperCase().padStart(4, "0")}`));
  }
});

test("isSpace gives Python's answer for every row", () => {
  const wrong = table.filter((row) => isSpace(char(row)) !== row.space).map((row) => row.code);
  assert.deepEqual(wrong, []);
});

test("where the two languages disagree, the page follows Python", () => {
  for (const c of ["\u001c", "\u001d", "\u001e", "\u001f", "\u0085"]) assert.equal(isSpace(c), true);
  assert.equal(isSpace("\ufeff"), false);
  assert.equal(/\s/.test("\ufeff"), true); // what the page used to trim with
});

test("only single characters are tested", () => {
  assert.equal(isSpace(undefined), false);
  assert.equal(isSpace(""), false);
  assert.equal(isSpace("  "), false);
});

test("trimUtf16 trims both ends with the same class", () => {
  const text = "\u0085\u001f quoted words\u00a0\u3000";
  assert.deepEqual(trimUtf16(text, 0, text.length), [3, 15]);
  // U+FEFF is not whitespace to Python, so a span may end with it.
  const bom = "words\ufeff ";
  assert.equal(bom.slice(...trimUtf16(bom, 0, bom.length)), "words\ufeff");
  assert.deepEqual(trimUtf16(" \t\n\u2028 ", 0, 5), [5, 5]);
  assert.deepEqual(trimUtf16("a b", 0, 3), [0, 3]);
  assert.deepEqual(trimUtf16("a b", 1, 2), [2, 2]);
});

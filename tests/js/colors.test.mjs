// Readable colours from any label colour an admin may pick: WCAG contrast as the spec
// defines it, and the palette's promises (chips 4.5:1, underlines and rings 3:1).
import assert from "node:assert/strict";
import test from "node:test";

import { contrast, darkenTo, labelPalette, luminance, mix, parseHex, toHex } from "../../static/articles/colors.js";

const WHITE = [255, 255, 255];
const INK = parseHex("#111827"); // the article text
const ratio = (a, b) => contrast(parseHex(a), parseHex(b));

test("hex colours parse both ways; anything else is refused", () => {
  assert.deepEqual(parseHex("#2563eb"), [37, 99, 235]);
  assert.deepEqual(parseHex("#FFF"), [255, 255, 255]);
  assert.equal(toHex([37, 99, 235]), "#2563eb");
  for (const bad of ["2563eb", "#12345", "#gggggg", "", null, undefined, "blue"]) assert.equal(parseHex(bad), null, String(bad));
});

test("luminance and contrast match the WCAG definition", () => {
  assert.equal(luminance([0, 0, 0]), 0);
  assert.equal(luminance(WHITE), 1);
  assert.equal(contrast([0, 0, 0], WHITE), 21);
  assert.equal(contrast(WHITE, WHITE), 1);
  // Known pairs: #767676 is the lightest grey that reaches 4.5:1 on white.
  assert.ok(ratio("#767676", "#ffffff") >= 4.5 && ratio("#777777", "#ffffff") < 4.5);
  assert.equal(ratio("#2563eb", "#ffffff").toFixed(2), "5.17");
  assert.equal(contrast([10, 20, 30], WHITE), contrast(WHITE, [10, 20, 30]));
});

test("mix goes from one colour to the other", () => {
  assert.deepEqual(mix(WHITE, [0, 0, 0], 0), WHITE);
  assert.deepEqual(mix(WHITE, [0, 0, 0], 1), [0, 0, 0]);
  assert.deepEqual(mix([0, 100, 200], [100, 200, 0], 0.5), [50, 150, 100]);
});

test("darkenTo keeps a colour that is dark enough and darkens one that is not, just enough", () => {
  const blue = parseHex("#2563eb");
  assert.equal(darkenTo(blue, WHITE, 4.5), blue);
  const amber = parseHex("#d97706"); // 3.19:1 on white
  const dark = darkenTo(amber, WHITE, 4.5);
  assert.ok(contrast(dark, WHITE) >= 4.5);
  assert.ok(contrast(dark, WHITE) < 4.9, "not darker than it needs to be");
  // Still amber: the channels keep their order (red > green > blue).
  assert.ok(dark[0] > dark[1] && dark[1] > dark[2]);
  assert.ok(contrast(darkenTo(WHITE, WHITE, 4.5), WHITE) >= 4.5, "white becomes a readable grey");
});

// The three default labels, the colours the old chips failed with, and the extremes.
const COLOURS = ["#2563eb", "#059669", "#d97706", "#ffff00", "#00ffff", "#ff0000", "#ffffff", "#000000", "#9ca3af", "#7c3aed", "#db2777", "#84cc16"];

test("every palette reaches AA: chips 4.5:1, underlines and rings 3:1, text on the tints 4.5:1", () => {
  for (const hex of COLOURS) {
    const p = labelPalette(hex);
    assert.ok(ratio(p.chipFg, p.chipBg) >= 4.5, `${hex} chip ${ratio(p.chipFg, p.chipBg)}`);
    for (const bg of ["#ffffff", p.tint]) assert.ok(ratio(p.line, bg) >= 3, `${hex} underline on ${bg}`);
    for (const bg of ["#ffffff", p.focusTint]) assert.ok(ratio(p.ring, bg) >= 3, `${hex} ring on ${bg}`);
    for (const bg of [p.tint, p.focusTint, p.chipBg]) assert.ok(contrast(INK, parseHex(bg)) >= 4.5, `${hex} text on ${bg}`);
  }
});

test("a palette keeps a label colour that is already readable, and works on another page colour", () => {
  assert.equal(labelPalette("#2563eb").line, "#2563eb");
  assert.equal(labelPalette("#000000").chipFg, "#000000");
  const onGrey = labelPalette("#d97706", "#f6f7f9");
  assert.ok(ratio(onGrey.line, "#f6f7f9") >= 3);
  assert.ok(ratio(onGrey.chipFg, onGrey.chipBg) >= 4.5);
});

test("a colour that does not parse gets a readable grey palette", () => {
  const p = labelPalette("#zzzzzz");
  assert.ok(ratio(p.chipFg, p.chipBg) >= 4.5);
  assert.ok(ratio(p.line, "#ffffff") >= 3);
});

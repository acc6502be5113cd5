// Text order, underline tracks, and where J/K and a decision move the focus.
import assert from "node:assert/strict";
import test from "node:test";

import { labelTable } from "../../static/articles/spans.js";
import { afterDecision, assignAllTracks, assignTrack, step, textOrder } from "../../static/articles/order.js";

const labels = labelTable([{ name: "claim" }, { name: "quote", hotkey: "2" }, { name: "speculation" }]);
const compare = textOrder(labels);
const span = (id, start, end, label = "claim", status = "suggested") => ({ id, start, end, u0: start, u1: end, label, status, annotator: null });
const pending = (o) => o.status === "suggested" && !o.annotator;

test("labels are looked up by name, index and hotkey", () => {
  assert.equal(labels.get("quote").idx, 1);
  assert.equal(labels.index("speculation"), 2);
  assert.equal(labels.byHotkey.get("2"), "quote");
  assert.deepEqual(labels.get("claim").attributes, []);
});

test("text order: start, longer first, label order, then id (numbers before new ones)", () => {
  const spans = [span(9, 5, 8), span(10, 5, 8), span(3, 5, 9), span(2, 5, 8, "quote"), span("new1", 5, 8), span(1, 0, 2)];
  assert.deepEqual(spans.sort(compare).map((s) => s.id), [1, 3, 9, 10, "new1", 2]);
});

test("overlapping spans get different tracks; disjoint ones share", () => {
  const spans = [span(1, 0, 10), span(2, 2, 4), span(3, 3, 8), span(4, 12, 14)].sort(compare);
  assert.equal(assignAllTracks(spans), 2);
  assert.deepEqual(spans.map((s) => s.track), [0, 1, 2, 0]);
  const added = span(5, 5, 6);
  assert.equal(assignTrack(added, spans), 1);
  added.track = 0; // taken by span 1: a free one is found
  assert.equal(assignTrack(added, spans), 1);
});

test("J/K visit pending suggestions first, wrapping, and go on from a removed span's place", () => {
  const a = span(1, 0, 5);
  const b = { ...span(2, 6, 9), status: "accepted", annotator: "me" };
  const c = span(3, 10, 12);
  const all = [a, b, c];
  assert.equal(step(all, null, 1, pending, compare), a);
  assert.equal(step(all, a, 1, pending, compare), c);
  assert.equal(step(all, c, 1, pending, compare), a);
  assert.equal(step(all, a, -1, pending, compare), c);
  assert.equal(step(all, { id: 7, start: 6, end: 9, label: "claim" }, 1, pending, compare), c);
  const decided = [b, { ...c, status: "rejected", annotator: "me" }];
  assert.equal(step(decided, b, 1, pending, compare), decided[1]);
  assert.equal(step([], null, 1, pending, compare), null);
});

test("after a decision the focus goes to the next pending suggestion, or stays", () => {
  const a = { ...span(1, 0, 5), status: "accepted", annotator: "me" };
  const b = span(2, 6, 9);
  const c = span(3, 10, 12);
  assert.equal(afterDecision([a, b, c], a, pending, compare), b);
  assert.equal(afterDecision([b, c, a], { ...a, start: 20, end: 25 }, pending, compare), b);
  assert.equal(afterDecision([a], a, pending, compare), a);
});

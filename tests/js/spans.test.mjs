// The span store: page rows decoded, the server's form adopted, optimistic changes and
// rollbacks, counters, and merging the server's list without losing unsaved work.
import assert from "node:assert/strict";
import test from "node:test";

import { OffsetMap } from "../../static/articles/offsets.js";
import {
  STATUS_FILTERS,
  SpanStore,
  excerpt,
  fromRow,
  isPending,
  labelTable,
  passes,
  spanName,
  stateWord,
  statusWord,
} from "../../static/articles/spans.js";

const TEXT = "Officials said the bridge 🌉 opened. It may close.";
const labels = labelTable([{ name: "claim" }, { name: "quote" }, { name: "speculation" }]);
const newStore = () => new SpanStore({ text: TEXT, map: new OffsetMap(TEXT), labels });
const at = (phrase) => {
  const u = TEXT.indexOf(phrase);
  return { start: [...TEXT.slice(0, u)].length, end: [...TEXT.slice(0, u + phrase.length)].length };
};
const suggestion = (id, phrase, label = "claim", extra = {}) => ({
  id,
  label,
  ...at(phrase),
  status: "suggested",
  origin: "machine",
  kind: "suggested",
  version: 1,
  annotator: null,
  ...extra,
});

test("compact rows decode with their string tables; empty fields get defaults", () => {
  const tables = {
    columns: ["id", "label", "start", "end", "status", "origin", "kind", "version", "confidence", "annotator", "derived_from", "attrs", "note"],
    status: ["suggested", "accepted"],
    origin: ["machine"],
    kind: ["suggested", "accepted"],
  };
  const pending = fromRow([5, 2, 37, 49, 0, 0, 0, 1, 0.6], tables, labels, "ana");
  assert.deepEqual(pending, {
    id: 5, label: "speculation", start: 37, end: 49, status: "suggested", origin: "machine", kind: "suggested",
    version: 1, confidence: 0.6, annotator: null, derived_from: null, attrs: {}, note: "",
  });
  const mine = fromRow([6, 1, 0, 9, 1, 0, 1, 2, null, 1, 5, { speaker: "x" }, "n"], tables, labels, "ana");
  assert.equal(mine.annotator, "ana");
  assert.equal(mine.kind, "accepted");
  assert.deepEqual(mine.attrs, { speaker: "x" });
  assert.equal(isPending(pending), true);
  assert.equal(isPending(mine), false);
});

test("a span's text and UTF-16 extent follow its code-point offsets", () => {
  const store = newStore();
  const o = store.add(suggestion(1, "It may close."));
  assert.equal(o.text, "It may close.");
  assert.equal(o.u0 - o.start, 1); // after the astral bridge emoji
  store.update(o, { end: o.end - 1 });
  assert.equal(o.text, "It may close");
});

test("the text order is re-sorted only when a span moves, appears or goes", () => {
  const store = newStore();
  const b = store.add(suggestion(2, "It may close."));
  const a = store.add(suggestion(1, "Officials said"));
  assert.deepEqual(store.ordered(), [a, b]);
  const first = store.ordered();
  const stamp = store.orderStamp;
  store.update(a, { status: "accepted", kind: "accepted", annotator: "ana" });
  assert.equal(store.ordered(), first);
  assert.equal(store.orderStamp, stamp);
  store.update(a, { start: 40, end: 45 });
  assert.deepEqual(store.ordered(), [b, a]);
  store.remove(b.key);
  assert.deepEqual(store.ordered(), [a]);
  assert.ok(store.orderStamp > stamp);
});

test("a snapshot is deep and restoring it puts back every server field", () => {
  const store = newStore();
  const o = store.add(suggestion(3, "the bridge", "quote", { attrs: { speaker: "Ana" }, confidence: 0.5 }));
  const before = store.snapshot(o);
  assert.equal("key" in before || "u0" in before || "track" in before, false);
  o.attrs.speaker = "changed in place";
  store.update(o, { status: "accepted", kind: "edited", annotator: "ana", label: "claim", start: 0 });
  store.restore(o, before);
  assert.equal(o.attrs.speaker, "Ana");
  assert.equal(o.label, "quote");
  assert.equal(o.text, "the bridge");
  assert.equal(isPending(o), true);
  assert.equal(o.kind, "suggested");
});

test("restore brings back a removed span under its key; adopt does not re-add one", () => {
  const store = newStore();
  const o = store.add(suggestion(4, "opened"));
  const before = store.snapshot(o);
  store.remove(o.key);
  store.adopt({ ...before, version: 2 }, o);
  assert.equal(store.has(o.key), false);
  assert.equal(o.version, 2);
  store.restore(o, before);
  assert.equal(store.get(o.key), o);
  assert.equal(o.version, 1);
});

test("adopt replaces fields: one the new form lacks is gone", () => {
  const store = newStore();
  const o = store.add({ ...suggestion(5, "opened"), tagger_version: "rules@1", note: "x" });
  store.adopt(suggestion(5, "opened"), o);
  assert.equal("tagger_version" in o, false);
  assert.equal(o.note, "");
});

test("counters: pending suggestions, accepted and rejected rows", () => {
  const store = newStore();
  store.add(suggestion(1, "Officials"));
  store.add({ ...suggestion(2, "said"), status: "accepted", annotator: "ana" });
  store.add({ ...suggestion(3, "bridge"), status: "rejected", annotator: "ana" });
  store.add({ ...suggestion(4, "opened"), status: "accepted", annotator: "ana" });
  assert.deepEqual(store.counts(), { pending: 1, accepted: 2, rejected: 1 });
});

test("merge adds new suggestions, follows the server, and keeps what is being saved", () => {
  const store = newStore();
  const kept = store.add(suggestion(1, "Officials said"));
  const saving = store.add({ ...suggestion(2, "the bridge"), status: "accepted", kind: "accepted", annotator: "ana" });
  const drawn = store.add({ ...suggestion("new1", "opened"), status: "accepted", kind: "human", origin: "human", annotator: "ana" });
  const gone = store.add(suggestion(3, "It may"));
  const removing = { id: 9, ...at("close") }; // its deletion is queued: not in the store
  const changed = store.add({ ...suggestion(4, "may close"), status: "accepted", kind: "accepted", annotator: "ana" });
  const server = [
    suggestion(1, "Officials said"),
    suggestion(2, "the bridge"), // still a suggestion on the server: the accept is queued
    { ...suggestion(9, "close"), status: "accepted", annotator: "ana" },
    { ...suggestion(4, "may close"), status: "rejected", kind: "rejected", annotator: "ana", version: 2 },
    suggestion(10, "bridge", "speculation"),
  ];
  const busy = { keys: new Set([saving.key, drawn.key]), ids: new Set([2, removing.id]) };
  const result = store.merge(server, busy);
  assert.deepEqual(result.added.map((o) => o.id), [10]);
  assert.deepEqual(result.removed, [gone]);
  assert.deepEqual(result.changed, [changed]);
  assert.equal(changed.status, "rejected");
  assert.equal(saving.status, "accepted");
  assert.equal(store.get(drawn.key), drawn);
  assert.equal(store.get(kept.key), kept);
  assert.equal(store.findId(9), undefined);
  assert.deepEqual(store.ordered().map((o) => o.id), [1, 2, 10, "new1", 4]);
});

test("the status word is the kind, or 'saving' while a new span has no id", () => {
  assert.equal(statusWord({ id: "new1", kind: "human" }), "saving");
  assert.equal(statusWord({ id: 4, kind: "edited" }), "edited");
  assert.equal(statusWord({ id: 5, kind: "suggested" }), "suggested");
});

test("a status is told in words people use: pending, accepted, edited, drawn, rejected", () => {
  assert.equal(stateWord({ id: 5, kind: "suggested" }), "pending");
  assert.equal(stateWord({ id: 5, kind: "human" }), "drawn");
  assert.equal(stateWord({ id: "new2", kind: "human" }), "saving");
  assert.deepEqual(STATUS_FILTERS.map(([, word]) => word), ["pending", "accepted", "edited", "drawn", "rejected"]);
});

test("the side list's filters: by label, by status (a kind), both, or none", () => {
  const o = { label: "quote", kind: "suggested" };
  assert.ok(passes(o));
  assert.ok(passes(o, { label: "quote", status: "" }));
  assert.ok(passes(o, { label: "", status: "suggested" }));
  assert.ok(!passes(o, { label: "claim" }));
  assert.ok(!passes(o, { label: "quote", status: "accepted" }));
});

test("a span's accessible name says its label, status, confidence and text", () => {
  const o = { id: 3, label: "claim", kind: "suggested", origin: "machine", confidence: 0.918, text: "Officials said the bridge opened." };
  assert.equal(spanName(o), "claim, pending suggestion, 92% confidence: Officials said the bridge opened.");
  assert.equal(spanName(o, { withText: false }), "claim, pending suggestion, 92% confidence");
  const drawn = { id: 4, label: "quote", kind: "human", origin: "human", confidence: null, text: "x".repeat(300) };
  const name = spanName(drawn);
  assert.ok(name.startsWith("quote, drawn by hand: xxx"));
  assert.ok(name.endsWith("…") && name.length < 150);
  assert.equal(excerpt("short", 10), "short");
  assert.equal(excerpt("a long sentence here", 8), "a long…");
});

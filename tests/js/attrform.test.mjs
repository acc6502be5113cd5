// The detail card's form model: fields from the label's declarations, values, and the
// attrs a typed, ticked, chosen or picked value makes (in_text offsets included).
import assert from "node:assert/strict";
import test from "node:test";

import { NOTE, fieldValue, fieldsOf, firstField, isPicked, listValue, onlyOccurrence, sameAttrs, withPicked, withValue } from "../../static/articles/attrform.js";
import { OffsetMap } from "../../static/articles/offsets.js";

const SPEAKER = { name: "speaker", type: "text", title: "Speaker", in_text: true };
const DIRECT = { name: "direct", type: "boolean", title: "direct quote" };
const TONE = { name: "tone", type: "choice", title: "Tone", choices: ["calm", "angry"] };
const quote = { name: "quote", attributes: [SPEAKER, DIRECT] };
const rated = { name: "rated", attributes: [TONE, { name: "cue", type: "text", title: "Cue" }] };
const claim = { name: "claim", attributes: [] };

const TEXT = "🌉 Ana Lima said it. Officials said so. Ana Lima agreed.\u00a0Bo Chen ";
const article = { text: TEXT, map: new OffsetMap(TEXT) };
const cp = (u) => article.map.toCp(u);

test("a label's fields are its attributes, then the note", () => {
  assert.deepEqual(fieldsOf(quote).map((f) => f.name), ["speaker", "direct", "note"]);
  assert.deepEqual(fieldsOf(claim), [NOTE]);
  assert.deepEqual(fieldsOf(undefined), [NOTE]);
});

test("E goes to the first attribute, or the note", () => {
  assert.equal(firstField(quote), "speaker");
  assert.equal(firstField(rated), "tone");
  assert.equal(firstField(claim), "note");
});

test("the list shows the first text attribute", () => {
  assert.equal(listValue(quote, { speaker: "Ana", direct: true }), "Ana");
  assert.equal(listValue(rated, { tone: "calm", cue: "may" }), "may");
  assert.equal(listValue(claim, { speaker: "stray" }), "");
  assert.equal(listValue(quote, {}), "");
});

test("field values: text, checkbox, choice, note", () => {
  const span = { attrs: { speaker: "Ana", direct: true, tone: "calm" }, note: "checked" };
  assert.equal(fieldValue(SPEAKER, span), "Ana");
  assert.equal(fieldValue(DIRECT, span), true);
  assert.equal(fieldValue(DIRECT, { attrs: {} }), false);
  assert.equal(fieldValue(TONE, span), "calm");
  assert.equal(fieldValue(NOTE, span), "checked");
  assert.equal(fieldValue(NOTE, { attrs: {} }), "");
});

test("a checkbox stores true or false; a choice is set or removed", () => {
  assert.deepEqual(withValue({ speaker: "Ana" }, DIRECT, false, article), { speaker: "Ana", direct: false });
  assert.deepEqual(withValue({}, DIRECT, true, article), { direct: true });
  assert.deepEqual(withValue({ tone: "calm" }, TONE, "angry", article), { tone: "angry" });
  assert.deepEqual(withValue({ tone: "calm" }, TONE, "", article), {});
});

test("typing a speaker that occurs once in the text ties it to those words", () => {
  const attrs = withValue({ direct: true }, SPEAKER, "  Bo Chen ", article);
  const u = TEXT.indexOf("Bo Chen");
  assert.deepEqual(attrs, { direct: true, speaker: "Bo Chen", speaker_start: cp(u), speaker_end: cp(u) + 7 });
  assert.equal(isPicked(SPEAKER, attrs), true);
});

test("typing a speaker found twice or not at all clears stale offsets", () => {
  const picked = { speaker: "Bo Chen", speaker_start: 58, speaker_end: 65 };
  assert.deepEqual(withValue(picked, SPEAKER, "Ana Lima", article), { speaker: "Ana Lima" });
  assert.deepEqual(withValue(picked, SPEAKER, "the mayor", article), { speaker: "the mayor" });
  assert.deepEqual(withValue(picked, SPEAKER, "", article), {});
  assert.equal(isPicked(SPEAKER, { speaker: "the mayor" }), false);
});

test("an unchanged value changes nothing (offsets kept)", () => {
  const picked = { speaker: "Ana Lima", speaker_start: 2, speaker_end: 10 };
  assert.ok(sameAttrs(withValue(picked, SPEAKER, "Ana Lima ", article), picked));
});

test("picking words stores them trimmed, with their code-point offsets", () => {
  const u = TEXT.indexOf("Ana Lima");
  const attrs = withPicked({ speaker: "someone", direct: false }, SPEAKER, cp(u - 1), cp(u + 8) + 1, article);
  assert.deepEqual(attrs, { speaker: "Ana Lima", direct: false, speaker_start: cp(u), speaker_end: cp(u) + 8 });
  assert.equal(attrs.speaker_start, 2); // the bridge emoji is one code point, two UTF-16 units
  assert.equal(withPicked({}, SPEAKER, cp(TEXT.length - 1), cp(TEXT.length), article), null);
  assert.equal(onlyOccurrence(TEXT, "Ana Lima"), null);
  assert.equal(onlyOccurrence(TEXT, "Officials"), TEXT.indexOf("Officials"));
  assert.equal(onlyOccurrence(TEXT, "nobody"), null);
});

test("sameAttrs ignores key order and compares values", () => {
  assert.ok(sameAttrs({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }));
  assert.ok(!sameAttrs({ a: 1 }, { a: 1, b: undefined }));
  assert.ok(!sameAttrs({ a: false }, {}));
  assert.ok(sameAttrs(undefined, {}));
});

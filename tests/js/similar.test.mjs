// The similar-claims panel's logic: the heading, grouping by article, the verdict C copies
// (best score, on the project's scale, decided before suggested) and the attrs it makes.
import assert from "node:assert/strict";
import test from "node:test";

import {
  articleCount,
  bestVerdict,
  cacheKey,
  copiedFields,
  groupByArticle,
  hasVerdictOf,
  isForLabel,
  scoreText,
  seenBeforeText,
  statusText,
  usableVerdict,
  verdictTone,
  withVerdictOf,
} from "../../static/articles/similar.js";

const CONFIG = {
  label: "claim",
  verdict: "verdict",
  note: "verdict_note",
  url: "fact_check_url",
  copy: ["verdict", "verdict_note", "fact_check_url"],
  off_scale: ["unverifiable"],
};
const SCALE = ["true", "mostly true", "mixed", "misleading", "false", "unverifiable"];
const VERDICT = { name: "verdict", type: "choice", title: "Verdict", choices: SCALE };
const claim = {
  name: "claim",
  attributes: [VERDICT, { name: "verdict_note", type: "text" }, { name: "fact_check_url", type: "url" }],
};

let seq = 0;
function result(article, score, attrs = {}, status = "accepted") {
  seq += 1;
  return {
    id: seq,
    text: `claim ${seq}`,
    status,
    score,
    attrs,
    article: { id: article, title: `Article ${article}` },
    project: { id: 1, name: "P" },
    editor_url: `/articles/${article}/#span-${seq}`,
  };
}

test("the heading counts articles, not claims", () => {
  const results = [result(5, 0.9), result(5, 0.7), result(8, 0.5)];
  assert.equal(articleCount(results), 2);
  assert.equal(seenBeforeText(2), "Seen before in 2 articles");
  assert.equal(seenBeforeText(1), "Seen before in 1 article");
  assert.equal(seenBeforeText(0), "Not seen in other articles");
  assert.equal(articleCount([]), 0);
});

test("results are grouped by article in rank order, each group linking to its best claim", () => {
  const [a, b, c, d] = [result(5, 0.9), result(8, 0.8), result(5, 0.6), result(9, 0.4)];
  const groups = groupByArticle([a, b, c, d]);
  assert.deepEqual(
    groups.map((g) => [g.article.id, g.items.map((r) => r.id), g.best]),
    [
      [5, [a.id, c.id], 0.9],
      [8, [b.id], 0.8],
      [9, [d.id], 0.4],
    ],
  );
  assert.equal(groups[0].url, a.editor_url);
});

test("C takes the most similar claim with a verdict on this project's scale", () => {
  const none = result(1, 0.95);
  const offList = result(2, 0.9, { verdict: "pants on fire" }); // another project's scale
  const good = result(3, 0.8, { verdict: "false", verdict_note: "Budget papers say 16 million." });
  const lower = result(4, 0.7, { verdict: "true" });
  assert.equal(bestVerdict([none, offList, good, lower], claim, CONFIG), good);
  assert.equal(usableVerdict(offList, claim, CONFIG), null);
  assert.equal(usableVerdict(good, claim, CONFIG), "false");
  assert.equal(bestVerdict([none], claim, CONFIG), null);
  assert.equal(bestVerdict([], claim, CONFIG), null);
  // A label without the verdict attribute takes none.
  assert.equal(bestVerdict([good], { name: "claim", attributes: [] }, CONFIG), null);
});

test("at equal scores a decided claim's verdict wins over a suggestion's", () => {
  const suggested = result(1, 0.8, { verdict: "true" }, "suggested");
  const accepted = result(2, 0.8, { verdict: "false" }, "accepted");
  assert.equal(bestVerdict([suggested, accepted], claim, CONFIG), accepted);
  assert.equal(bestVerdict([accepted, suggested], claim, CONFIG), accepted);
});

test("copying sets the verdict fields and drops the ones the source lacks", () => {
  const names = copiedFields(claim, CONFIG);
  assert.deepEqual(names, ["verdict", "verdict_note", "fact_check_url"]);
  const mine = { verdict: "true", verdict_note: "old reason", fact_check_url: "https://old.example/x", extra: 1 };
  const source = result(3, 0.8, { verdict: "false", fact_check_url: "https://check.example/1" });
  const attrs = withVerdictOf(mine, source, names);
  assert.deepEqual(attrs, { verdict: "false", fact_check_url: "https://check.example/1", extra: 1 });
  assert.equal(mine.verdict, "true", "the span's attrs are not changed in place");
  assert.ok(hasVerdictOf(attrs, source, names));
  assert.ok(!hasVerdictOf(mine, source, names));
  assert.ok(!hasVerdictOf({}, source, names));
  // Only attributes the label declares are copied.
  const partial = { name: "claim", attributes: [VERDICT] };
  assert.deepEqual(withVerdictOf({}, source, copiedFields(partial, CONFIG)), { verdict: "false" });
});

test("verdict badges take their tone from the place on the scale", () => {
  const tones = SCALE.map((v) => verdictTone(v, VERDICT, CONFIG));
  assert.deepEqual(tones, ["good", "good", "mixed", "bad", "bad", "off"]);
  assert.equal(verdictTone("pants on fire", VERDICT, CONFIG), "off");
  assert.equal(verdictTone("yes", { choices: ["yes"] }, CONFIG), "good");
});

test("small formatters", () => {
  assert.equal(scoreText(0.625), "63%");
  assert.equal(statusText("suggested"), "suggested");
  assert.equal(cacheKey({ id: 7, start: 3, end: 9 }), cacheKey({ id: 8, start: 3, end: 9 }));
  assert.notEqual(cacheKey({ start: 3, end: 9 }), cacheKey({ start: 3, end: 10 }));
  assert.ok(isForLabel(CONFIG, "claim"));
  assert.ok(!isForLabel(CONFIG, "quote"));
  assert.ok(!isForLabel(undefined, "claim"));
});

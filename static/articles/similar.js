// The similar-claims panel as data: what its heading says, the results grouped by article,
// the tone of a verdict badge, and which earlier verdict "copy the verdict" (C) takes and
// the attrs it makes. `config` is the page data's `similar` ({ label, verdict, note, url,
// copy, off_scale }): no label or attribute is known here by name. No DOM here.

/** The cache key of a span's results: its range. A decision on a suggestion (a new row, a
 * new id) has the same text, so the same similar claims. */
export const cacheKey = (o) => `${o.start}:${o.end}`;

/** Whether the panel is for spans of this label. */
export const isForLabel = (config, label) => Boolean(config) && label === config.label;

/** How many different articles the results come from. */
export function articleCount(results) {
  return new Set(results.map((r) => r.article.id)).size;
}

/** The panel's heading for `n` articles. */
export function seenBeforeText(n) {
  if (!n) return "Not seen in other articles";
  return `Seen before in ${n} article${n === 1 ? "" : "s"}`;
}

/** The results grouped by article, in rank order (an article's place is its best claim's). */
export function groupByArticle(results) {
  const groups = new Map();
  for (const r of results) {
    let group = groups.get(r.article.id);
    if (!group) {
      group = { article: r.article, project: r.project, url: r.editor_url, best: r.score, items: [] };
      groups.set(r.article.id, group);
    }
    group.items.push(r);
  }
  return [...groups.values()];
}

const STATUS_WORDS = { suggested: "suggested", accepted: "accepted", rejected: "rejected" };

/** A result's status in one word (results carry the status, not the page's kinds). */
export const statusText = (status) => STATUS_WORDS[status] ?? String(status);

/** A score (0..1) as a whole percentage. */
export const scoreText = (score) => `${Math.round(score * 100)}%`;

/** The verdict attribute declared by `label`, if it declares one. */
export function verdictField(label, config) {
  return (label?.attributes ?? []).find((a) => a.name === config.verdict) ?? null;
}

/** The attributes of `label` that copying a verdict carries over, in the config's order. */
export function copiedFields(label, config) {
  const declared = new Set((label?.attributes ?? []).map((a) => a.name));
  return config.copy.filter((name) => declared.has(name));
}

/** The result's verdict when the current label can take it (on its scale), else null. */
export function usableVerdict(result, label, config) {
  const field = verdictField(label, config);
  const value = result.attrs?.[config.verdict];
  if (!field || typeof value !== "string" || !value) return null;
  if (field.type === "choice" && !(field.choices ?? []).includes(value)) return null;
  return value;
}

/** The earlier verdict C copies: the most similar result whose verdict the label can take;
 * at equal scores a decided (accepted) claim wins over a suggestion. Null when none. */
export function bestVerdict(results, label, config) {
  let best = null;
  for (const r of results) {
    if (!usableVerdict(r, label, config)) continue;
    const better =
      !best || r.score > best.score || (r.score === best.score && r.status === "accepted" && best.status !== "accepted");
    if (better) best = r;
  }
  return best;
}

const filled = (v) => v !== undefined && v !== null && v !== "";

/** The attrs of a span after taking the verdict of `source`: each copied field gets the
 * source's value, or is removed when the source has none (an old explanation or URL must
 * not stay beside a new verdict). Other attributes are kept. */
export function withVerdictOf(attrs, source, names) {
  const out = { ...(attrs ?? {}) };
  for (const name of names) {
    const value = source.attrs?.[name];
    if (filled(value)) out[name] = value;
    else delete out[name];
  }
  return out;
}

/** Whether the span already carries exactly the verdict fields of `source`. */
export function hasVerdictOf(attrs, source, names) {
  return names.every((name) => {
    const mine = attrs?.[name];
    const theirs = source.attrs?.[name];
    return filled(mine) || filled(theirs) ? mine === theirs : true;
  });
}

/** The tone of a verdict's badge from its place on the label's scale (best first): "good"
 * for the best third, "mixed", "bad" for the worst third, "off" off the scale. */
export function verdictTone(value, field, config) {
  const off = new Set(config.off_scale ?? []);
  const scale = (field?.choices ?? []).filter((c) => !off.has(c));
  const i = scale.indexOf(value);
  if (i < 0) return "off";
  if (scale.length === 1) return "good";
  const at = i / (scale.length - 1);
  return at < 1 / 3 ? "good" : at <= 2 / 3 ? "mixed" : "bad";
}

// The "Seen before in N articles" panel of the detail card: the claims most like the focused
// claim in other articles (GET /api/spans/{id}/similar/), asked for only when a claim stays
// focused a moment (J held down asks nothing) and kept per span while the page lives. The
// list has a fixed height, so loading, an empty answer or a long one never moves the card.
// "Use this verdict" (and C) hands the result to `onUse`, which saves it like any edit.
import { failureText } from "./api.js";
import { make, toast } from "./panels.js";
import {
  articleCount,
  bestVerdict,
  cacheKey,
  groupByArticle,
  copiedFields,
  hasVerdictOf,
  isForLabel,
  scoreText,
  seenBeforeText,
  statusText,
  usableVerdict,
  verdictField,
  verdictTone,
} from "./similar.js";

const DELAY_MS = 180; // a span focused for less than this is passed over, not asked about

export function createSimilarPanel({ el, api, labels, config, canEdit, onUse }) {
  const head = el.querySelector("#sim-head");
  const body = el.querySelector("#sim-body");
  const cache = new Map(); // cacheKey -> results (answers only; a failure is asked again)
  const asking = new Map(); // cache key -> the request under way
  let shown = null; // the span the panel is showing
  let timer = null;

  function status(text, busy) {
    head.textContent = text;
    el.setAttribute("aria-busy", String(busy));
  }

  function note(text, retry = false) {
    const p = make("p", { className: "sim-note" }, text);
    if (retry) p.append(" ", make("button", { type: "button", className: "sim-retry", textContent: "Try again", dataset: { simRetry: "1" } }));
    body.replaceChildren(p);
  }

  function resultItem(o, r, label) {
    const verdict = r.attrs?.[config.verdict];
    const explanation = r.attrs?.[config.note];
    const url = r.attrs?.[config.url];
    // Stored URLs are checked as http(s) on save; older rows are not linked otherwise.
    const checked = typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
    const meta = make("div", { className: "sim-meta" });
    if (verdict) {
      const tone = verdictTone(verdict, verdictField(label, config), config);
      meta.append(make("span", { className: `verdict v-${tone}`, textContent: verdict, title: "Its verdict" }));
    } else {
      meta.append(make("span", { className: "verdict v-none", textContent: "no verdict" }));
    }
    meta.append(make("span", { className: "sim-facts", textContent: `${statusText(r.status)} · ${scoreText(r.score)} similar` }));
    if (canEdit && usableVerdict(r, label, config)) {
      if (hasVerdictOf(o.attrs, r, copiedFields(label, config))) {
        meta.append(make("span", { className: "sim-same", textContent: "✓ this verdict" }));
      } else {
        meta.append(make("button", { type: "button", className: "sim-use", textContent: "Use this verdict", dataset: { simUse: String(r.id) } }));
      }
    }
    const item = make("li", { className: "sim-item" }, make("p", { className: "sim-text", textContent: r.text }));
    if (explanation || checked) {
      const why = make("p", { className: "sim-why" }, explanation ?? "");
      if (checked) why.append(explanation ? " " : "", make("a", { href: checked, textContent: "Fact-check", rel: "noopener noreferrer", target: "_blank" }));
      item.append(why);
    }
    item.append(meta);
    return item;
  }

  function render(o, results) {
    const label = labels.get(o.label);
    const n = articleCount(results);
    status(seenBeforeText(n), false);
    if (!n) return note("No similar claim in the other articles of your projects.");
    const list = make("ul", { className: "sim-groups" });
    for (const group of groupByArticle(results)) {
      const title = make("a", { href: group.url, textContent: group.article.title || "Untitled article" });
      const where = make("span", { className: "sim-project", textContent: group.project.name });
      const items = make("ul", { className: "sim-items" }, ...group.items.map((r) => resultItem(o, r, label)));
      list.append(make("li", { className: "sim-group" }, make("p", { className: "sim-article" }, title, " ", where), items));
    }
    body.replaceChildren(list);
    body.scrollTop = 0;
  }

  /** The results for span `o`, from the cache or asked for (one request per span at a
   * time); null when the request failed. Draws them if `o` is still the one shown. */
  async function load(o) {
    const key = cacheKey(o);
    if (cache.has(key)) return cache.get(key);
    if (!asking.has(key)) {
      asking.set(
        key,
        api.get(`spans/${o.id}/similar/`).then((res) => {
          asking.delete(key);
          if (res.ok) cache.set(key, res.data.results ?? []);
          return res;
        }),
      );
    }
    const res = await asking.get(key);
    if (shown === o && cacheKey(o) === key) {
      if (res.ok) render(o, cache.get(key));
      else {
        status("Similar claims", false);
        note(`Could not load similar claims. ${failureText(res)}`, true);
      }
    }
    return res.ok ? cache.get(key) : null;
  }

  /** Show the similar claims of span `o` (the panel hides for other labels, or null). */
  function show(o) {
    clearTimeout(timer);
    const mine = o && isForLabel(config, o.label);
    el.hidden = !mine;
    shown = mine ? o : null;
    if (!mine) return;
    const results = cache.get(cacheKey(o));
    if (results) return render(o, results);
    status("Looking for similar claims…", true);
    note("Loading…");
    // An unsaved span has no id the server knows: it is asked about once it is saved.
    if (!Number.isInteger(o.id)) return;
    timer = setTimeout(() => load(o), DELAY_MS);
  }

  el.addEventListener("click", (ev) => {
    if (!shown) return;
    if (ev.target.closest?.("[data-sim-retry]")) return load(shown);
    const btn = ev.target.closest?.("[data-sim-use]");
    const r = btn && cache.get(cacheKey(shown))?.find((x) => String(x.id) === btn.dataset.simUse);
    if (!r) return;
    onUse(shown, r);
    // The button was redrawn away: the list keeps the keyboard focus instead of the page.
    body.focus({ preventScroll: true });
  });

  /** C: copy the best earlier verdict onto claim `o`, waiting for its similar claims when
   * they are still loading (unless the focus moves on meanwhile). */
  async function copyBest(o) {
    if (!isForLabel(config, o.label)) return toast(`Only ${config.label} spans take an earlier verdict.`);
    if (!Number.isInteger(o.id)) return toast("This span is still being saved; press C again in a moment.");
    clearTimeout(timer);
    const results = await load(o);
    if (!results || shown !== o) return;
    const best = bestVerdict(results, labels.get(o.label), config);
    if (!best) return toast("No similar claim has a verdict this project's scale takes.");
    onUse(o, best);
  }

  return { show, copyBest };
}

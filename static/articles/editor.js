// The editor page: draws the article with its spans, and turns keys and clicks into API
// calls. Optimistic: the view changes at once, a failed call rolls back with a message.
import { OffsetMap, rangeToCodePoints, domPointToUtf16, wordBoundary, stepCp } from "./offsets.js";

performance.mark("editor-start");
const D = JSON.parse(document.getElementById("editor-data").textContent);
const TEXT = D.article.text;
const MAP = new OffsetMap(TEXT);
const root = document.querySelector("[data-article-text]");
const doc = root.parentElement;
const listEl = document.getElementById("span-list");
const detailEl = document.getElementById("detail");
const handles = doc.querySelector(".handles");
const LABELS = new Map(D.labels.map((l, i) => [l.name, { ...l, idx: i }]));
const HOTKEYS = new Map(D.labels.filter((l) => l.hotkey).map((l) => [l.hotkey, l.name]));

const spans = new Map(); // key -> span object (server fields + u0/u1/track/key)
let keySeq = 0;
// The text is drawn in blocks of whole paragraphs (content-visibility skips the ones off
// screen); a change redraws only the blocks it touches.
let chunks = []; // [{s, e, el, segs: [{s, e, el}]}] covering the whole text, in order
const segOf = new WeakMap(); // seg element -> its entry
let focusKey = null;
let maxTrack = 0;
const undoStack = [];
let pending = 0;
let chain = Promise.resolve();
let reviewState = D.article.review;

// ---------------------------------------------------------------- span objects

// Fields the page data leaves out when empty.
const empty = () => ({ attrs: {}, note: "", confidence: null, annotator: null, derived_from: null });

function adopt(json, key = null) {
  const obj = key ? spans.get(key) : { key: `k${++keySeq}` };
  Object.assign(obj, empty(), json);
  obj.u0 = MAP.toUtf16(obj.start);
  obj.u1 = MAP.toUtf16(obj.end);
  obj.text = TEXT.slice(obj.u0, obj.u1);
  spans.set(obj.key, obj);
  return obj;
}

/** A span of the page data: a compact row (see SPAN_COLUMNS in selectors/editor.py). */
function fromRow(r, tables) {
  const c = (tables.at ??= Object.fromEntries(tables.columns.map((name, i) => [name, i])));
  return {
    id: r[c.id],
    label: D.labels[r[c.label]].name,
    start: r[c.start],
    end: r[c.end],
    status: tables.status[r[c.status]],
    origin: tables.origin[r[c.origin]],
    kind: tables.kind[r[c.kind]],
    version: r[c.version],
    confidence: r[c.confidence] ?? null,
    annotator: r[c.annotator] ? D.user : null,
    derived_from: r[c.derived_from] ?? null,
    attrs: r[c.attrs] ?? {},
    note: r[c.note] ?? "",
  };
}

const snapshot = (obj) => JSON.parse(JSON.stringify(obj));
const isSuggestion = (o) => o.status === "suggested" && !o.annotator;
const isPending = isSuggestion;
const byText = (a, b) =>
  a.start - b.start || b.end - a.end || (LABELS.get(a.label)?.idx ?? 0) - (LABELS.get(b.label)?.idx ?? 0) || (a.id === b.id ? 0 : a.id > b.id ? 1 : -1);

let orderCache = null; // spans in text order; dropped when a span is added, moved or removed
function ordered() {
  if (!orderCache) orderCache = [...spans.values()].sort(byText);
  return orderCache;
}

function assignTrack(obj) {
  const used = new Set();
  for (const o of spans.values()) {
    if (o !== obj && o.track !== undefined && o.u0 < obj.u1 && o.u1 > obj.u0) used.add(o.track);
  }
  if (obj.track === undefined || used.has(obj.track)) {
    let t = 0;
    while (used.has(t)) t++;
    obj.track = t;
  }
  if (obj.track > maxTrack) setMaxTrack(obj.track);
}

function assignAllTracks() {
  // Greedy interval colouring in text order: few tracks, stable across segments.
  const active = [];
  for (const o of ordered()) {
    for (let i = active.length - 1; i >= 0; i--) if (active[i].u1 <= o.u0) active.splice(i, 1);
    const used = new Set(active.map((a) => a.track));
    let t = 0;
    while (used.has(t)) t++;
    o.track = t;
    if (t > maxTrack) maxTrack = t;
    active.push(o);
  }
  setMaxTrack(maxTrack);
}

function setMaxTrack(t) {
  maxTrack = t;
  root.style.setProperty("--tracks", String(Math.min(t + 1, 8)));
}

// ---------------------------------------------------------------- drawing the text

function installLabelStyles() {
  const css = [];
  for (const l of LABELS.values()) {
    const c = l.color;
    css.push(
      `.L${l.idx}{text-decoration-color:${c};text-decoration-style:${l.pattern}}`,
      `.L${l.idx}.st-accepted{background-color:${c}1a}`,
      `.L${l.idx}.st-suggested{text-decoration-color:${c}99}`,
      `.L${l.idx}.focus{background-color:${c}40}`,
      `[data-label-swatch="${l.name}"],.chip-${l.idx}{--c:${c}}`,
      `[data-label-swatch="${l.name}"]{border-bottom:3px ${l.pattern === "wavy" ? "dotted" : l.pattern} ${c}}`,
    );
  }
  for (let t = 0; t < 8; t++) css.push(`.t${t}{text-underline-offset:${3 + t * 4}px}`);
  const style = document.createElement("style");
  style.textContent = css.join("\n");
  document.head.append(style);
}

/** Segment elements for [a, b): boundaries at every span edge, one nested element per
 * covering span (outer = lower underline track). */
function buildSegments(a, b, candidates = spans.values()) {
  const inRegion = [];
  for (const o of candidates) if (o.u0 < b && o.u1 > a) inRegion.push(o);
  const cuts = new Set([a, b]);
  for (const o of inRegion) {
    if (o.u0 > a) cuts.add(o.u0);
    if (o.u1 < b) cuts.add(o.u1);
  }
  const points = [...cuts].sort((x, y) => x - y);
  inRegion.sort((x, y) => x.u0 - y.u0);
  const out = [];
  const frag = document.createDocumentFragment();
  let active = [];
  let next = 0;
  for (let i = 0; i < points.length - 1; i++) {
    const s = points[i];
    const e = points[i + 1];
    active = active.filter((o) => o.u1 > s);
    while (next < inRegion.length && inRegion[next].u0 <= s) {
      if (inRegion[next].u1 > s) active.push(inRegion[next]);
      next++;
    }
    const seg = document.createElement("span");
    seg.className = "seg";
    let inner = seg;
    if (active.length) {
      const covering = active.slice().sort((x, y) => y.track - x.track);
      for (const o of covering) {
        const el = document.createElement("span");
        el.className = spanClass(o);
        el.dataset.spanId = String(o.id);
        el.dataset.key = o.key;
        inner.append(el);
        inner = el;
      }
    }
    inner.append(TEXT.slice(s, e));
    frag.append(seg);
    const entry = { s, e, el: seg };
    segOf.set(seg, entry);
    out.push(entry);
  }
  return { frag, out };
}

function spanClass(o) {
  const l = LABELS.get(o.label);
  return `sp L${l ? l.idx : 0} t${Math.min(o.track ?? 0, 7)} st-${o.status}${o.key === focusKey ? " focus" : ""}`;
}

function chunkBounds() {
  const out = [];
  let s = 0;
  const breaks = /\n+/g;
  let m;
  while ((m = breaks.exec(TEXT))) {
    const e = m.index + m[0].length;
    if (e - s >= 1500) {
      out.push([s, e]);
      s = e;
    }
  }
  if (s < TEXT.length || !out.length) out.push([s, TEXT.length]);
  return out;
}

function drawChunk(c, candidates) {
  const { frag, out } = buildSegments(c.s, c.e, candidates);
  c.el.replaceChildren(frag);
  c.segs = out;
  c.later = null;
}

// Text drawn with its spans before the first paint (about two screens); the blocks after it
// are plain text until drawTheRest() fills them in slices, so a long article shows its top
// without building every span element first.
const FIRST_CHARS = 6000;

function drawAll() {
  const frag = document.createDocumentFragment();
  chunks = chunkBounds().map(([s, e]) => {
    const el = document.createElement("div");
    el.className = "chunk";
    frag.append(el);
    return { s, e, el, segs: [] };
  });
  // Each span goes to the blocks it touches, so drawing is linear in spans + blocks.
  const buckets = chunks.map(() => []);
  for (const o of spans.values()) {
    for (let i = indexAt(chunks, o.u0); i < chunks.length && chunks[i].s < o.u1; i++) {
      buckets[i].push(o);
    }
  }
  chunks.forEach((c, i) => {
    if (c.s < FIRST_CHARS) drawChunk(c, buckets[i]);
    else {
      drawChunk(c, []); // the same text, one segment: offsets and selections work at once
      c.later = buckets[i];
    }
  });
  root.replaceChildren(frag);
  for (const o of spans.values()) [o.r0, o.r1] = [o.u0, o.u1];
}

function indexAt(list, u) {
  // First entry whose end is beyond u.
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].e <= u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Fill in the blocks drawAll() left plain, a few at a time; resolves when all are done. */
function drawTheRest() {
  return new Promise((resolve) => {
    let i = 0;
    const slice = () => {
      const until = performance.now() + 12;
      for (; i < chunks.length && performance.now() < until; i++) {
        const c = chunks[i];
        // A block redrawn since (a change touched it) is already complete.
        if (c.later) drawChunk(c, c.later.filter((o) => spans.has(o.key)));
      }
      if (i < chunks.length) setTimeout(slice);
      else resolve();
    };
    slice();
  });
}

/** Redraw the blocks between a and b (UTF-16). */
function redrawRegion(a, b) {
  for (let i = indexAt(chunks, a); i < chunks.length && chunks[i].s < b; i++) drawChunk(chunks[i]);
}

/** Redraw what changed for these objects (their old and new extents). */
function redraw(...objs) {
  let a = Infinity;
  let b = -Infinity;
  for (const o of objs) {
    if (!o) continue;
    for (const [x, y] of [[o.r0, o.r1], [o.u0, o.u1]]) {
      if (x === undefined) continue;
      a = Math.min(a, x);
      b = Math.max(b, y);
    }
    if (spans.has(o.key)) {
      assignTrack(o);
      [o.r0, o.r1] = [o.u0, o.u1];
    }
  }
  if (a < b) redrawRegion(a, b);
  updateList(objs);
  updateProgress();
  if (objs.some((o) => o && o.key === focusKey)) showDetail();
}

// ---------------------------------------------------------------- side list

function esc(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function statusWord(o) {
  if (String(o.id).startsWith("new")) return "saving";
  return o.status === "accepted" ? o.kind || "accepted" : o.status;
}

function listItem(o) {
  const l = LABELS.get(o.label);
  const who = o.attrs?.speaker || o.attrs?.cue || "";
  const excerpt = o.text.length > 90 ? `${o.text.slice(0, 88)}…` : o.text;
  const conf = o.confidence == null ? "" : `<span class="conf">${Math.round(o.confidence * 100)}%</span>`;
  return `<li data-key="${o.key}" data-list-span-id="${o.id}" class="st-${o.status}${o.key === focusKey ? " focus" : ""}"><span class="chip chip-${l ? l.idx : 0}">${esc(o.label)}</span><span class="excerpt">${esc(excerpt)}</span>${who ? `<span class="who">${esc(who)}</span>` : ""}<span class="meta">${conf}<span class="badge">${esc(statusWord(o))}</span></span></li>`;
}

const listKey = (o) => `${o.start}:${o.end}:${o.label}`;

/** Replace the changed items in place; re-sort the whole list only when order may change. */
function updateList(objs) {
  for (const o of objs) {
    if (!o) continue;
    const li = listEl.querySelector(`li[data-key="${o.key}"]`);
    if (!spans.has(o.key) || !li || o.lk !== listKey(o)) {
      orderCache = null;
      return scheduleList();
    }
  }
  for (const o of objs) {
    if (!o) continue;
    listEl.querySelector(`li[data-key="${o.key}"]`).outerHTML = listItem(o);
  }
}

// Many changes in one task (a bulk decision, an undo) cost one redraw.
function coalesced(defer, run) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    defer(() => {
      queued = false;
      run();
    });
  };
}

const scheduleList = coalesced(queueMicrotask, () => drawList());

// The list is drawn a screenful first, the rest in slices after the first paint.
const LIST_SLICE = 200;
let listGeneration = 0;

function drawList() {
  const all = ordered();
  const generation = ++listGeneration;
  for (const o of all) o.lk = listKey(o);
  listEl.innerHTML = all.slice(0, LIST_SLICE).map(listItem).join("");
  const more = (from) => {
    if (generation !== listGeneration || from >= all.length) return;
    listEl.insertAdjacentHTML("beforeend", all.slice(from, from + 4 * LIST_SLICE).map(listItem).join(""));
    setTimeout(() => more(from + 4 * LIST_SLICE), 0);
  };
  if (all.length > LIST_SLICE) setTimeout(() => more(LIST_SLICE), 0);
  if (focusKey) {
    pendingScroll = true;
    scheduleVisual();
  }
}

function updateProgress() {
  let sug = 0;
  let acc = 0;
  let rej = 0;
  for (const o of spans.values()) {
    if (isPending(o)) sug++;
    else if (o.status === "accepted") acc++;
    else rej++;
  }
  document.getElementById("progress").innerHTML =
    `<b>${sug}</b> pending · <b>${acc}</b> accepted · <b>${rej}</b> rejected`;
}

function scrollIntoViewIfNeeded(el, container) {
  const r = el.getBoundingClientRect();
  const c = container ? container.getBoundingClientRect() : { top: 0, bottom: innerHeight };
  if (r.top < c.top + 40 || r.bottom > c.bottom - 40) el.scrollIntoView({ block: "center" });
}

// ---------------------------------------------------------------- focus & detail

function setFocus(key, { scroll = true } = {}) {
  const old = focusKey;
  focusKey = key && spans.has(key) ? key : null;
  for (const el of root.querySelectorAll(".sp.focus")) el.classList.remove("focus");
  for (const el of listEl.querySelectorAll("li.focus")) el.classList.remove("focus");
  if (focusKey) {
    const els = root.querySelectorAll(`[data-key="${focusKey}"]`);
    for (const el of els) el.classList.add("focus");
    const li = listEl.querySelector(`li[data-key="${focusKey}"]`);
    if (li) li.classList.add("focus");
    if (scroll) pendingScroll = true;
  }
  if (old !== focusKey || focusKey) showDetail();
}

// Layout reads (scrolling, handle positions) wait for the next frame, so a key press never
// forces more than one layout of a long article.
let pendingScroll = false;
const scheduleVisual = coalesced(requestAnimationFrame, () => {
  const o = focusKey && spans.get(focusKey);
  if (!o) return;
  if (pendingScroll) {
    pendingScroll = false;
    const el = root.querySelector(`[data-key="${o.key}"]`);
    const li = listEl.querySelector(`li[data-key="${o.key}"]`);
    if (el) scrollIntoViewIfNeeded(el);
    if (li) scrollIntoViewIfNeeded(li, listEl);
  }
  placeHandles(o);
});

function showDetail() {
  const o = focusKey && spans.get(focusKey);
  if (!o) {
    detailEl.hidden = true;
    handles.hidden = true;
    return;
  }
  const l = LABELS.get(o.label);
  detailEl.hidden = false;
  detailEl.dataset.status = o.status;
  const chip = document.getElementById("d-label");
  chip.className = `chip chip-${l ? l.idx : 0}`;
  chip.textContent = o.label;
  document.getElementById("d-status").textContent = statusWord(o);
  document.getElementById("d-conf").textContent =
    o.confidence == null ? "" : `confidence ${Math.round(o.confidence * 100)}%`;
  document.getElementById("d-offs").textContent = `[${o.start}, ${o.end})`;
  document.getElementById("d-text").textContent = o.text;
  const form = document.getElementById("d-form");
  form.dataset.label = o.label;
  if (document.activeElement?.form !== form) {
    form.speaker.value = o.attrs?.speaker ?? "";
    form.cue.value = o.attrs?.cue ?? "";
    form.direct.checked = !!o.attrs?.direct;
    form.note.value = o.note ?? "";
  }
  scheduleVisual();
}

function domPoint(u) {
  const at = Math.min(u, TEXT.length - 1);
  const c = chunks[indexAt(chunks, at)];
  const seg = c.segs[indexAt(c.segs, at)];
  let node = seg.el;
  while (node.firstChild) node = node.firstChild;
  return [node, Math.max(0, Math.min(u - seg.s, node.length ?? 0))];
}

function placeHandles(o) {
  if (!D.can_edit) return;
  const range = document.createRange();
  range.setStart(...domPoint(o.u0));
  const [n1, off1] = domPoint(o.u1 - 1);
  range.setEnd(n1, off1 + 1 > n1.length ? n1.length : off1 + 1);
  const rects = range.getClientRects();
  if (!rects.length) return;
  const base = doc.getBoundingClientRect();
  const first = rects[0];
  const last = rects[rects.length - 1];
  const [hs, he] = handles.children;
  hs.style.transform = `translate(${first.left - base.left - 3}px, ${first.top - base.top}px)`;
  hs.style.height = `${first.height}px`;
  he.style.transform = `translate(${last.right - base.left - 3}px, ${last.top - base.top}px)`;
  he.style.height = `${last.height}px`;
  handles.hidden = false;
}

function navigate(direction) {
  const all = ordered();
  if (!all.length) return;
  const pendingOnes = all.filter(isPending);
  const pool = pendingOnes.length ? pendingOnes : all;
  const cur = focusKey ? spans.get(focusKey) : null;
  let target;
  if (!cur) target = direction > 0 ? pool[0] : pool[pool.length - 1];
  else if (direction > 0) target = pool.find((o) => o !== cur && byText(o, cur) > 0) ?? pool[0];
  else target = pool.findLast((o) => o !== cur && byText(o, cur) < 0) ?? pool[pool.length - 1];
  setFocus(target.key);
}

function advanceAfterDecision(obj) {
  const nextPending = ordered().filter(isPending);
  const after = nextPending.find((o) => o !== obj && byText(o, obj) > 0) ?? nextPending[0];
  if (after) setFocus(after.key);
  else setFocus(obj.key);
}

// ---------------------------------------------------------------- server calls

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": D.csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = { detail: [`${response.status} ${response.statusText}`] };
    }
  }
  return { ok: response.ok, status: response.status, data };
}

function errorText(data) {
  if (!data) return "Something went wrong.";
  if (typeof data === "string") return data;
  return Object.entries(data)
    .filter(([k]) => k !== "current")
    .map(([k, v]) => `${k === "detail" || k === "non_field_errors" ? "" : `${k}: `}${Array.isArray(v) ? v.join(" ") : v}`)
    .join(" ");
}

function enqueue(fn) {
  pending++;
  document.body.dataset.saving = String(pending);
  const run = chain.then(fn).catch((err) => toast(`Not saved: ${err.message || err}`, "error"));
  chain = run.finally(() => {
    pending--;
    document.body.dataset.saving = String(pending);
  });
  return chain;
}

/** Handle a failed call: conflicts adopt the server's current span, others roll back. */
function failed(obj, before, res) {
  if (res.status === 409 && res.data?.current) {
    const cur = res.data.current;
    if (cur.article === D.article.id) {
      // The conflicting row may be another row (an earlier decision): show it in place.
      for (const o of spans.values()) if (o.id === cur.id && o !== obj) spans.delete(o.key);
      Object.assign(obj, before);
      adopt(cur, obj.key);
    }
    redraw(obj);
    toast(`Conflict: ${errorText(res.data)} Showing the current version.`, "conflict");
    return;
  }
  if (before) {
    Object.assign(obj, before);
    adopt(before, obj.key);
  } else {
    spans.delete(obj.key);
    if (focusKey === obj.key) setFocus(null);
  }
  redraw(obj);
  toast(`Not saved: ${errorText(res.data)}`, "error");
}

function touchReview() {
  if (reviewState || !D.can_edit) return;
  reviewState = "in_progress";
  enqueue(async () => {
    await api("PUT", `${D.urls.api}articles/${D.article.id}/review/`, { state: "in_progress" });
  });
}

function guard() {
  if (!D.can_edit) {
    toast("Your role in this project is read-only.", "error");
    return false;
  }
  touchReview();
  return true;
}

// ---------------------------------------------------------------- actions

function decide(obj, decision) {
  if (!obj || !guard()) return;
  const status = decision === "accept" ? "accepted" : "rejected";
  if (!isSuggestion(obj) && obj.origin === "human" && !obj.derived_from && decision === "reject") {
    return removeOwn(obj);
  }
  if (obj.status === status) return advanceAfterDecision(obj);
  const before = snapshot(obj);
  obj.status = status;
  obj.kind = status === "accepted" ? (obj.origin === "human" ? "edited" : "accepted") : status;
  if (isSuggestion(before)) obj.annotator = D.user;
  redraw(obj);
  advanceAfterDecision(obj);
  const t0 = performance.now();
  enqueue(async () => {
    if (!spans.has(obj.key)) return;
    const body = { decision };
    if (!isSuggestion(before)) body.version = obj.version;
    const res = await api("POST", `${D.urls.api}spans/${before.id}/decision/`, body);
    if (!res.ok) return failed(obj, before, res);
    adopt(res.data, obj.key);
    redraw(obj);
    undoStack.push(
      isSuggestion(before)
        ? { type: "restore-suggestion", key: obj.key, suggestion: before }
        : { type: "decide-row", key: obj.key, decision: before.status === "accepted" ? "accept" : "reject" },
    );
    editor.lastSave = performance.now() - t0;
  });
}

function removeOwn(obj) {
  const before = snapshot(obj);
  spans.delete(obj.key);
  redraw(obj);
  advanceAfterDecision(obj);
  enqueue(async () => {
    const res = await api("DELETE", `${D.urls.api}spans/${before.id}/?version=${before.version}`);
    if (!res.ok) {
      spans.set(obj.key, obj);
      return failed(obj, before, res);
    }
    undoStack.push({ type: "recreate", key: obj.key, span: before });
    toast("Span removed (Ctrl+Z brings it back).");
  });
}

function createSpan(labelName, start, end) {
  if (!guard()) return;
  // Trim like the server, so the optimistic span is where the saved one will be.
  let u0 = MAP.toUtf16(start);
  let u1 = MAP.toUtf16(end);
  while (u0 < u1 && /\s/.test(TEXT[u0])) u0++;
  while (u1 > u0 && /\s/.test(TEXT[u1 - 1])) u1--;
  if (u0 >= u1) return toast("The selection holds only whitespace.", "error");
  const obj = adopt({
    id: `new${keySeq + 1}`,
    article: D.article.id,
    label: labelName,
    start: MAP.toCp(u0),
    end: MAP.toCp(u1),
    text: TEXT.slice(u0, u1),
    attrs: {},
    origin: "human",
    status: "accepted",
    kind: "human",
    confidence: null,
    annotator: D.user,
    derived_from: null,
    note: "",
    version: 1,
  });
  redraw(obj);
  setFocus(obj.key);
  enqueue(async () => {
    const res = await api("POST", `${D.urls.api}articles/${D.article.id}/spans/`, {
      label: labelName,
      start: obj.start,
      end: obj.end,
    });
    if (!res.ok) return failed(obj, null, res);
    adopt(res.data, obj.key);
    redraw(obj);
    setFocus(obj.key, { scroll: false });
    undoStack.push({ type: "create", key: obj.key });
  });
}

/** Change label / offsets / attrs / note. `before` is the state to roll back to. */
function edit(obj, changes, before = snapshot(obj)) {
  if (!obj || !guard()) return;
  if ("start" in changes || "end" in changes) {
    const s = changes.start ?? obj.start;
    const e = changes.end ?? obj.end;
    if (s >= e) return;
    obj.start = s;
    obj.end = e;
    obj.u0 = MAP.toUtf16(s);
    obj.u1 = MAP.toUtf16(e);
    obj.text = TEXT.slice(obj.u0, obj.u1);
  }
  if (changes.label) obj.label = changes.label;
  if (changes.attrs) obj.attrs = changes.attrs;
  if (changes.note !== undefined) obj.note = changes.note;
  if (isSuggestion(before)) {
    obj.status = "accepted";
    obj.annotator = D.user;
  }
  redraw(obj);
  const fields = {};
  for (const k of ["label", "start", "end", "attrs", "note"]) if (k in changes) fields[k] = obj[k];
  enqueue(async () => {
    if (!spans.has(obj.key)) return;
    const id = isSuggestion(before) ? before.id : obj.id;
    const version = isSuggestion(before) ? before.version : obj.version;
    const res = await api("PATCH", `${D.urls.api}spans/${id}/`, { version, ...fields });
    if (!res.ok) return failed(obj, before, res);
    adopt(res.data, obj.key);
    redraw(obj);
    undoStack.push(
      isSuggestion(before)
        ? { type: "restore-suggestion", key: obj.key, suggestion: before }
        : {
            type: "edit-row",
            key: obj.key,
            fields: Object.fromEntries(Object.keys(fields).map((k) => [k, before[k]])),
          },
    );
  });
}

function moveBoundary(obj, which, direction, byWord) {
  if (!obj) return;
  let cp = which === "end" ? obj.end : obj.start;
  const step = () => (byWord ? wordBoundary(TEXT, MAP, cp, direction) : stepCp(MAP, cp, direction));
  cp = step();
  // Whitespace at an edge is trimmed by the server: move past it in one key press.
  const ws = (u) => /\s/.test(TEXT[u] ?? "");
  if (which === "end") {
    while (cp > obj.start && cp < MAP.length && ws(MAP.toUtf16(cp) - 1)) cp = stepCp(MAP, cp, direction > 0 ? 1 : -1);
    if (cp <= obj.start) return;
    edit(obj, { end: cp });
  } else {
    while (cp < obj.end && cp > 0 && ws(MAP.toUtf16(cp))) cp = stepCp(MAP, cp, direction > 0 ? 1 : -1);
    if (cp >= obj.end) return;
    edit(obj, { start: cp });
  }
}

function undo() {
  // Popped once every earlier action has been answered, so it undoes the latest one.
  enqueue(async () => {
    const step = undoStack.pop();
    if (!step) return toast("Nothing to undo.");
    const obj = spans.get(step.key);
    let res;
    if (step.type === "restore-suggestion" || step.type === "create") {
      if (!obj) return;
      res = await api("DELETE", `${D.urls.api}spans/${obj.id}/?version=${obj.version}`);
      if (!res.ok) return undoFailed(obj, res);
      const old = snapshot(obj);
      if (step.type === "create") spans.delete(obj.key);
      else adopt(step.suggestion, obj.key);
      redraw({ ...old, key: "gone" }, spans.get(step.key));
      setFocus(spans.has(step.key) ? step.key : null);
    } else if (step.type === "decide-row") {
      res = await api("POST", `${D.urls.api}spans/${obj.id}/decision/`, { decision: step.decision, version: obj.version });
      if (!res.ok) return undoFailed(obj, res);
      adopt(res.data, obj.key);
      redraw(obj);
      setFocus(obj.key);
    } else if (step.type === "edit-row") {
      res = await api("PATCH", `${D.urls.api}spans/${obj.id}/`, { version: obj.version, ...step.fields });
      if (!res.ok) return undoFailed(obj, res);
      adopt(res.data, obj.key);
      redraw(obj);
      setFocus(obj.key);
    } else if (step.type === "recreate") {
      const s = step.span;
      res = await api("POST", `${D.urls.api}articles/${D.article.id}/spans/`, {
        label: s.label, start: s.start, end: s.end, attrs: s.attrs, note: s.note,
      });
      if (!res.ok) return undoFailed(null, res);
      const back = adopt(res.data);
      redraw(back);
      setFocus(back.key);
    } else if (step.type === "bulk") {
      for (const item of step.items) {
        const o = spans.get(item.key);
        if (!o) continue;
        const r = await api("DELETE", `${D.urls.api}spans/${o.id}/?version=${o.version}`);
        if (!r.ok) {
          toast(`Undo stopped: ${errorText(r.data)}`, "error");
          break;
        }
        const old = snapshot(o);
        adopt(item.suggestion, o.key);
        redraw({ ...old, key: "gone" }, o);
      }
    }
    toast("Undone.");
  });
}

function undoFailed(obj, res) {
  if (obj && res.status === 409 && res.data?.current) {
    adopt(res.data.current, obj.key);
    redraw(obj);
  }
  toast(`Undo failed: ${errorText(res.data)}`, "error");
}

function bulkCandidates(form) {
  const label = form.label.value;
  const range = form.range.value;
  const th = parseFloat(form.threshold.value);
  return ordered().filter(
    (o) =>
      isPending(o) &&
      (!label || o.label === label) &&
      (!range || (o.confidence != null && (range === "below" ? o.confidence < th : o.confidence >= th))),
  );
}

function openBulk() {
  if (!guard()) return;
  const dialog = document.getElementById("bulk-dialog");
  const form = document.getElementById("bulk-form");
  const refresh = () => {
    const n = bulkCandidates(form).length;
    const verb = form.decision.value === "accept" ? "Accept" : "Reject";
    document.getElementById("bulk-count").textContent = `${n} suggestion${n === 1 ? "" : "s"} match.`;
    const btn = document.getElementById("bulk-confirm");
    btn.textContent = `${verb} ${n}`;
    btn.disabled = n === 0;
  };
  form.oninput = refresh;
  refresh();
  dialog.onclose = () => {
    if (dialog.returnValue === "confirm") runBulk(form.decision.value, bulkCandidates(form), form);
    root.focus();
  };
  dialog.returnValue = "";
  dialog.showModal();
}

function runBulk(decision, candidates, form) {
  if (!candidates.length) return;
  const before = new Map(candidates.map((o) => [o.id, snapshot(o)]));
  const status = decision === "accept" ? "accepted" : "rejected";
  for (const o of candidates) {
    o.status = status;
    o.annotator = D.user;
  }
  redraw(...candidates);
  const body = { decision, ids: candidates.map((o) => o.id) };
  if (form.label.value) body.label = form.label.value;
  enqueue(async () => {
    const res = await api("POST", `${D.urls.api}articles/${D.article.id}/spans/bulk-decision/`, body);
    if (!res.ok) {
      for (const o of candidates) adopt(before.get(o.id), o.key);
      redraw(...candidates);
      return toast(`Not saved: ${errorText(res.data)}`, "error");
    }
    const bySuggestion = new Map(candidates.map((o) => [before.get(o.id).id, o]));
    const items = [];
    for (const row of res.data.decided || []) {
      const o = bySuggestion.get(row.derived_from);
      if (!o) continue;
      adopt(row, o.key);
      items.push({ key: o.key, suggestion: before.get(row.derived_from) });
      bySuggestion.delete(row.derived_from);
    }
    for (const o of bySuggestion.values()) adopt(before.get(o.id) || o, o.key); // skipped
    redraw(...candidates);
    undoStack.push({ type: "bulk", items });
    const skipped = (res.data.skipped || []).length;
    toast(`${decision === "accept" ? "Accepted" : "Rejected"} ${items.length}${skipped ? `, skipped ${skipped}` : ""}.`);
  });
}

async function markDone() {
  if (!guard()) return;
  toast("Marking done…");
  enqueue(async () => {
    const res = await api("PUT", `${D.urls.api}articles/${D.article.id}/review/`, { state: "done" });
    if (!res.ok) return toast(`Not saved: ${errorText(res.data)}`, "error");
    reviewState = "done";
    location.href = D.urls.next;
  });
}

function commitDetail(field) {
  const o = focusKey && spans.get(focusKey);
  if (!o) return;
  const form = document.getElementById("d-form");
  if (field === "note") {
    if ((o.note ?? "") !== form.note.value) edit(o, { note: form.note.value });
    return;
  }
  const attrs = { ...(o.attrs || {}) };
  const set = (k, v) => (v === "" || v === false ? delete attrs[k] : (attrs[k] = v));
  if (o.label === "quote") {
    set("speaker", form.speaker.value.trim());
    attrs.direct = form.direct.checked;
  } else if (o.label === "speculation") {
    set("cue", form.cue.value.trim());
  } else {
    set("speaker", form.speaker.value.trim());
    set("cue", form.cue.value.trim());
  }
  if (JSON.stringify(attrs) !== JSON.stringify(o.attrs || {})) edit(o, { attrs });
}

// ---------------------------------------------------------------- UI bits

function toast(message, kind = "info") {
  const box = document.getElementById("toasts");
  const el = document.createElement("div");
  el.className = `toast ${kind}`;
  el.textContent = message;
  box.append(el);
  setTimeout(() => el.remove(), kind === "info" ? 2500 : 7000);
}

function toggle(id, force) {
  const el = document.getElementById(id);
  el.hidden = force === undefined ? !el.hidden : !force;
}

function selectionCp() {
  const sel = getSelection();
  if (!sel.rangeCount || sel.isCollapsed) return null;
  return rangeToCodePoints(root, sel.getRangeAt(0), TEXT);
}

// Keyboard selection: V puts a caret at the focused span's start (or the top of the text);
// Shift+Arrow then extends the selection, and 1/2/3 turns it into a span.
let selecting = false;
function startSelecting() {
  const o = focusKey && spans.get(focusKey);
  const sel = getSelection();
  sel.removeAllRanges();
  const range = document.createRange();
  range.setStart(...domPoint(o ? o.u0 : 0));
  range.collapse(true);
  sel.addRange(range);
  selecting = true;
  toast("Selecting: Shift+←/→ extends (Ctrl: by word), 1/2/3 makes the span, Esc cancels.");
}

function labelKey(name) {
  const range = selectionCp();
  if (range) {
    selecting = false;
    getSelection().removeAllRanges();
    return createSpan(name, range.start, range.end);
  }
  const o = focusKey && spans.get(focusKey);
  if (o && o.label !== name) edit(o, { label: name });
  else if (!o) toast("Select some text first, or focus a span (J/K).");
}

function onKey(ev) {
  const t = ev.target;
  const inForm = t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement;
  if (document.querySelector("dialog[open]")) return;
  if (inForm) {
    if (ev.key === "Escape" || (ev.key === "Enter" && t.type !== "checkbox")) {
      ev.preventDefault();
      commitDetail(t.name === "note" ? "note" : "attrs");
      t.blur();
      root.focus({ preventScroll: true });
    }
    return;
  }
  const k = ev.key;
  const o = focusKey ? spans.get(focusKey) : null;
  const mod = ev.ctrlKey || ev.metaKey;
  if (mod && (k === "z" || k === "Z")) {
    ev.preventDefault();
    return undo();
  }
  if (k === "ArrowLeft" || k === "ArrowRight") {
    const sel = getSelection();
    if (ev.shiftKey && (selecting || !sel.isCollapsed) && sel.rangeCount && root.contains(sel.focusNode)) {
      // Keyboard selection: extend it by a character (Ctrl: a word).
      ev.preventDefault();
      sel.modify("extend", k === "ArrowRight" ? "forward" : "backward", mod ? "word" : "character");
      return;
    }
    if (!ev.shiftKey || !o || !sel.isCollapsed) return;
    ev.preventDefault();
    return moveBoundary(o, ev.altKey ? "start" : "end", k === "ArrowRight" ? 1 : -1, mod);
  }
  if (mod || ev.altKey) return;
  if (HOTKEYS.has(k)) {
    ev.preventDefault();
    return labelKey(HOTKEYS.get(k));
  }
  const actions = {
    a: () => decide(o, "accept"),
    Enter: () => decide(o, "accept"),
    x: () => decide(o, "reject"),
    Delete: () => decide(o, "reject"),
    Backspace: () => decide(o, "reject"),
    j: () => navigate(1),
    k: () => navigate(-1),
    Tab: () => navigate(ev.shiftKey ? -1 : 1),
    u: undo,
    d: markDone,
    b: openBulk,
    g: () => toggle("guidelines-panel"),
    "?": () => toggle("help"),
    e: () => focusField(o?.label === "speculation" ? "cue" : o?.label === "quote" ? "speaker" : "note"),
    n: () => focusField("note"),
    v: startSelecting,
    Escape: () => {
      selecting = false;
      toggle("help", false);
      toggle("guidelines-panel", false);
      getSelection().removeAllRanges();
    },
  };
  const act = actions[k] ?? actions[k.toLowerCase?.()];
  if (!act) return;
  if ((k === "Tab" || k === "Enter") && t instanceof HTMLButtonElement) return;
  ev.preventDefault();
  if (["a", "Enter", "x", "Delete", "Backspace", "e", "n", "A", "X", "E", "N"].includes(k) && !o) {
    return toast("No span focused: J/K move between spans.");
  }
  act();
}

function focusField(name) {
  if (!focusKey) return;
  const input = document.getElementById("d-form")[name];
  input?.focus();
  input?.select?.();
}

function pointToU16(node, offset) {
  if (node.nodeType === Node.TEXT_NODE) {
    let seg = node.parentNode;
    while (seg && seg !== root && !segOf.has(seg)) seg = seg.parentNode;
    const found = seg && segOf.get(seg);
    if (found) return found.s + offset;
  }
  return domPointToUtf16(root, node, offset);
}

function caretAt(x, y) {
  if (document.caretPositionFromPoint) {
    const p = document.caretPositionFromPoint(x, y);
    return p && [p.offsetNode, p.offset];
  }
  const r = document.caretRangeFromPoint?.(x, y);
  return r && [r.startContainer, r.startOffset];
}

function wireHandles() {
  let drag = null;
  handles.addEventListener("pointerdown", (ev) => {
    const which = ev.target.dataset?.handle;
    const o = focusKey && spans.get(focusKey);
    if (!which || !o || !D.can_edit) return;
    ev.preventDefault();
    ev.target.setPointerCapture(ev.pointerId);
    drag = { which, obj: o, before: snapshot(o), el: ev.target };
  });
  handles.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    const p = caretAt(ev.clientX, ev.clientY);
    if (!p || !root.contains(p[0])) return;
    const cp = MAP.toCp(pointToU16(p[0], p[1]));
    const o = drag.obj;
    if (drag.which === "end" && cp > o.start && cp !== o.end) o.end = cp;
    else if (drag.which === "start" && cp < o.end && cp !== o.start) o.start = cp;
    else return;
    o.u0 = MAP.toUtf16(o.start);
    o.u1 = MAP.toUtf16(o.end);
    o.text = TEXT.slice(o.u0, o.u1);
    redraw(o);
    setFocus(o.key, { scroll: false });
  });
  const end = () => {
    if (!drag) return;
    const { obj, before, which } = drag;
    drag = null;
    if (obj[which] !== before[which]) edit(obj, { [which]: obj[which] }, before);
  };
  handles.addEventListener("pointerup", end);
  handles.addEventListener("pointercancel", end);
}

function wire() {
  document.addEventListener("keydown", onKey);
  root.addEventListener("click", (ev) => {
    if (!getSelection().isCollapsed) return;
    const el = ev.target.closest?.("[data-key]");
    if (el) setFocus(el.dataset.key, { scroll: false });
  });
  listEl.addEventListener("click", (ev) => {
    const li = ev.target.closest("li[data-key]");
    if (li) setFocus(li.dataset.key);
  });
  for (const btn of document.querySelectorAll(".label-btn")) {
    btn.addEventListener("mousedown", (ev) => ev.preventDefault()); // keep the selection
    btn.addEventListener("click", () => labelKey(btn.dataset.label));
  }
  const clicks = {
    accept: () => decide(focusKey && spans.get(focusKey), "accept"),
    reject: () => decide(focusKey && spans.get(focusKey), "reject"),
    bulk: openBulk,
    undo,
    done: markDone,
    guidelines: () => toggle("guidelines-panel"),
    help: () => toggle("help"),
  };
  document.addEventListener("click", (ev) => {
    const btn = ev.target.closest?.("[data-action]");
    if (btn && clicks[btn.dataset.action]) clicks[btn.dataset.action]();
    if (ev.target.id === "help") toggle("help", false);
  });
  const form = document.getElementById("d-form");
  form.addEventListener("submit", (ev) => ev.preventDefault());
  form.addEventListener("change", (ev) => commitDetail(ev.target.name === "note" ? "note" : "attrs"));
  window.addEventListener("resize", () => showDetail());
  if (!D.can_edit) document.body.classList.add("read-only");
  wireHandles();
}

// ---------------------------------------------------------------- start

const editor = {
  lastSave: null,
  idle: () => chain.then(() => (pending ? chain : undefined)),
  spans: () => ordered().map((o) => ({ ...o })),
  focused: () => (focusKey ? { ...spans.get(focusKey) } : null),
  focusSpan: (id) => {
    for (const o of spans.values()) if (o.id === id) setFocus(o.key);
  },
};
window.annEditor = editor;

installLabelStyles();
for (const r of D.spans.rows) adopt(fromRow(r, D.spans));
assignAllTracks();
performance.mark("editor-spans-ready");
drawAll();
performance.mark("editor-text-drawn");
updateProgress();
wire();
performance.mark("spans-drawn");
root.focus({ preventScroll: true });
// The side list waits for the first frame with the text (it is off the critical path: a
// long article's list is 2,000 items); the page is "ready" for automation once it is there.
requestAnimationFrame(() => {
  performance.mark("spans-painted");
  setTimeout(async () => {
    drawList();
    performance.mark("list-drawn");
    await drawTheRest();
    performance.mark("all-spans-drawn");
    document.body.dataset.ready = "1";
  });
});

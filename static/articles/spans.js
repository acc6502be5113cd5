// The spans the page shows, as one store: the server's fields of each span plus what the
// page adds (key, UTF-16 extent u0/u1, text, underline track, the extent last drawn r0/r1).
// Every change of a span's fields goes through add(), adopt(), update(), remove() or
// restore(), so the text order is re-sorted exactly when a span moves, appears or goes.
// Also the labels table. No DOM here.
import { textOrder } from "./order.js";

// Fields the page adds; everything else on a span object came from the server.
const LOCAL = new Set(["key", "u0", "u1", "text", "track", "r0", "r1", "lk"]);
// Fields the page data leaves out when empty.
const blank = () => ({ attrs: {}, note: "", confidence: null, annotator: null, derived_from: null });
const BLANK_KEYS = new Set(Object.keys(blank()));

/** A machine suggestion the user has not decided yet. */
export const isPending = (o) => o.status === "suggested" && !o.annotator;

/** A span of the page data: a compact row (see SPAN_COLUMNS in selectors/editor.py). */
export function fromRow(r, tables, labels, user) {
  const c = (tables.at ??= Object.fromEntries(tables.columns.map((name, i) => [name, i])));
  return {
    id: r[c.id],
    label: labels.at(r[c.label]).name,
    start: r[c.start],
    end: r[c.end],
    status: tables.status[r[c.status]],
    origin: tables.origin[r[c.origin]],
    kind: tables.kind[r[c.kind]],
    version: r[c.version],
    confidence: r[c.confidence] ?? null,
    annotator: r[c.annotator] ? user : null,
    derived_from: r[c.derived_from] ?? null,
    attrs: r[c.attrs] ?? {},
    note: r[c.note] ?? "",
  };
}

const placeOf = (o) => `${o.start}:${o.end}:${o.label}`;

export class SpanStore {
  constructor({ text, map, labels }) {
    this.text = text;
    this.map = map;
    this.labels = labels;
    this.compare = textOrder(labels);
    this.byKey = new Map();
    this.seq = 0;
    this.order = null; // spans in text order, dropped when one moves, appears or goes
    this.orderStamp = 0; // counts those drops: the side list re-sorts when it changed
  }

  get size() {
    return this.byKey.size;
  }
  has(key) {
    return this.byKey.has(key);
  }
  get(key) {
    return key == null ? undefined : this.byKey.get(key);
  }
  values() {
    return this.byKey.values();
  }
  findId(id) {
    for (const o of this.byKey.values()) if (o.id === id) return o;
    return undefined;
  }
  ordered() {
    if (!this.order) this.order = [...this.byKey.values()].sort(this.compare);
    return this.order;
  }

  _reorder() {
    this.order = null;
    this.orderStamp++;
  }

  _place(obj) {
    obj.u0 = this.map.toUtf16(obj.start);
    obj.u1 = this.map.toUtf16(obj.end);
    obj.text = this.text.slice(obj.u0, obj.u1);
  }

  /** A new span from the server's form of it (or an optimistic one). */
  add(fields) {
    const obj = blank();
    for (const [k, v] of Object.entries(fields)) if (!LOCAL.has(k)) obj[k] = v;
    obj.key = `k${++this.seq}`;
    this._place(obj);
    this.byKey.set(obj.key, obj);
    this._reorder();
    return obj;
  }

  /** Take the server's form of span `obj`, replacing all its server fields. A span removed
   * from the store meanwhile (its deletion is being saved) is updated but stays out. */
  adopt(fields, obj) {
    const place = placeOf(obj);
    // Fields the new form lacks go (rarely any: deleting keys makes objects slower).
    for (const k of Object.keys(obj)) {
      if (!LOCAL.has(k) && !(k in fields) && !BLANK_KEYS.has(k)) delete obj[k];
    }
    Object.assign(obj, blank());
    for (const [k, v] of Object.entries(fields)) if (!LOCAL.has(k)) obj[k] = v;
    this._place(obj);
    if (placeOf(obj) !== place && this.byKey.get(obj.key) === obj) this._reorder();
    return obj;
  }

  /** Change some server fields of a span in place (an optimistic change). */
  update(obj, changes) {
    const place = placeOf(obj);
    Object.assign(obj, changes);
    if ("start" in changes || "end" in changes) this._place(obj);
    if (placeOf(obj) !== place) this._reorder();
    return obj;
  }

  remove(key) {
    if (this.byKey.delete(key)) this._reorder();
  }

  /** Put `obj` back as `before` (a snapshot), into the store again if it was removed. */
  restore(obj, before) {
    if (this.byKey.get(obj.key) !== obj) {
      this.byKey.set(obj.key, obj);
      this._reorder();
    }
    return this.adopt(before, obj);
  }

  /** The server fields of a span, deep-copied: what a rollback restores. */
  snapshot(obj) {
    const out = {};
    for (const [k, v] of Object.entries(obj)) if (!LOCAL.has(k)) out[k] = structuredClone(v);
    return out;
  }

  counts() {
    let pending = 0;
    let accepted = 0;
    let rejected = 0;
    for (const o of this.byKey.values()) {
      if (isPending(o)) pending++;
      else if (o.status === "accepted") accepted++;
      else rejected++;
    }
    return { pending, accepted, rejected };
  }

  /**
   * Take the server's list of the user's view (SpanOut objects) without losing what the
   * page has not saved yet: spans in `busy` (keys and ids of changes still queued) stay as
   * they are; other spans follow the server (new ones added, changed ones replaced, ones
   * the server no longer has removed). Returns what changed, for redrawing.
   */
  merge(list, busy = { keys: new Set(), ids: new Set() }) {
    const server = new Map(list.map((s) => [s.id, s]));
    const added = [];
    const changed = [];
    const removed = [];
    for (const o of [...this.byKey.values()]) {
      if (busy.keys.has(o.key) || busy.ids.has(o.id)) continue;
      const s = server.get(o.id);
      if (!s) {
        this.remove(o.key);
        removed.push(o);
      } else if (s.version !== o.version || s.status !== o.status || s.kind !== o.kind) {
        changed.push(this.adopt(s, o));
      }
    }
    const known = new Set([...this.byKey.values()].map((o) => o.id));
    for (const s of list) {
      if (known.has(s.id) || busy.ids.has(s.id) || busy.ids.has(s.derived_from)) continue;
      added.push(this.add(s));
    }
    return { added, changed, removed };
  }
}

/** The status word of a span: its kind as the server worked it out (or as the action that
 * is being saved sets it), "saving" while a new span has no id yet. */
export function statusWord(o) {
  return typeof o.id === "string" ? "saving" : o.kind;
}

// How a status is told to people: a word (the list's badges, the card, the tag over the
// text; a filter of the list) and a phrase (accessible names, announcements).
const STATES = {
  suggested: ["pending", "pending suggestion"],
  accepted: ["accepted", "accepted suggestion"],
  edited: ["edited", "edited suggestion"],
  human: ["drawn", "drawn by hand"],
  rejected: ["rejected", "rejected"],
  saving: ["saving", "being saved"],
};

/** The status filters of the side list, in order: [value (a span kind), word]. */
export const STATUS_FILTERS = ["suggested", "accepted", "edited", "human", "rejected"].map((k) => [k, STATES[k][0]]);

/** The status of a span in one word ("pending", "accepted", "edited", "drawn", …). */
export function stateWord(o) {
  const word = statusWord(o);
  return STATES[word]?.[0] ?? String(word);
}

/** Whether span `o` passes the side list's filters ({label, status}: "" lets all through). */
export function passes(o, { label = "", status = "" } = {}) {
  return (!label || o.label === label) && (!status || o.kind === status);
}

/** `text` cut to at most `max` characters, with an ellipsis when cut. */
export function excerpt(text, max) {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

/**
 * What a screen reader says for a span: label, status, confidence (suggestions) and,
 * unless `withText` is false, the start of its text. "claim, pending suggestion, 92%
 * confidence: Officials said…"
 */
export function spanName(o, { withText = true } = {}) {
  const word = statusWord(o);
  const parts = [o.label, STATES[word]?.[1] ?? String(word)];
  if (o.confidence != null && o.origin === "machine") parts.push(`${Math.round(o.confidence * 100)}% confidence`);
  const name = parts.join(", ");
  return withText ? `${name}: ${excerpt(o.text ?? "", 120)}` : name;
}

// ---- The project's labels as the page data sends them: name, colour, pattern, hotkey and the
// attributes their spans carry. Nothing here knows a label by name.

/** Labels by name and by hotkey; `idx` is the label's index in the page data's list. */
export function labelTable(list) {
  const labels = list.map((l, idx) => ({ ...l, idx, attributes: l.attributes ?? [] }));
  const byName = new Map(labels.map((l) => [l.name, l]));
  const byHotkey = new Map(labels.filter((l) => l.hotkey).map((l) => [l.hotkey, l.name]));
  return {
    list: labels,
    byName,
    byHotkey,
    get: (name) => byName.get(name),
    at: (idx) => labels[idx],
    index: (name) => byName.get(name)?.idx ?? 0,
  };
}

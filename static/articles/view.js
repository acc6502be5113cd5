// Everything the page shows, kept in step: the text (render.js), the side list and the
// counters, the detail card (panels.js) and the handles (both below). Actions change spans in the store, then call redraw() with
// the spans they changed (added, moved, removed) and setFocus().
import { isPicked, listValue } from "./attrform.js";
import { createDetail } from "./panels.js";
import { caretAt, createTextView } from "./render.js";
import { statusWord } from "./spans.js";

function scrollIntoViewIfNeeded(el, container) {
  const r = el.getBoundingClientRect();
  const c = container ? container.getBoundingClientRect() : { top: 0, bottom: innerHeight };
  if (r.top < c.top + 40 || r.bottom > c.bottom - 40) el.scrollIntoView({ block: "center" });
}

export function createView({ root, store, labels, article, canEdit }) {
  let focusKey = null;
  let pendingScroll = false;
  const doc = root.parentElement;
  const text = createTextView({ root, text: article.text, store, labels, focusKey: () => focusKey });
  const list = createSideList({
    listEl: document.getElementById("span-list"),
    progressEl: document.getElementById("progress"),
    store,
    labels,
    focusKey: () => focusKey,
    onDrawn: () => {
      if (!focusKey) return;
      pendingScroll = true;
      scheduleVisual();
    },
  });
  const detail = createDetail({ el: document.getElementById("detail"), store, labels, article });
  const handles = createHandles({ doc, text, root, map: article.map });

  // Words an in_text attribute of the focused span was picked from, highlighted in the text.
  function markPicked(o) {
    if (!globalThis.CSS?.highlights) return;
    const ranges = [];
    for (const field of labels.get(o?.label)?.attributes ?? []) {
      if (!isPicked(field, o.attrs)) continue;
      const u0 = article.map.toUtf16(o.attrs[`${field.name}_start`]);
      const u1 = article.map.toUtf16(o.attrs[`${field.name}_end`]);
      if (u0 < u1) ranges.push(text.rangeOf(u0, u1));
    }
    if (ranges.length) CSS.highlights.set("picked", new Highlight(...ranges));
    else CSS.highlights.delete("picked");
  }

  // Layout reads (scrolling, handle positions) wait for the next frame, so a key press never
  // forces more than one layout of a long article.
  const scheduleVisual = coalesced(requestAnimationFrame, () => {
    const o = store.get(focusKey);
    markPicked(o);
    if (!o) return;
    if (pendingScroll) {
      pendingScroll = false;
      const el = text.element(o.key);
      const li = list.element(o.key);
      if (el) scrollIntoViewIfNeeded(el);
      if (li) scrollIntoViewIfNeeded(li, li.parentElement);
    }
    if (canEdit) handles.place(o);
  });

  function showDetail() {
    const o = store.get(focusKey) ?? null;
    detail.show(o);
    if (!o) handles.hide();
    scheduleVisual();
  }

  function setFocus(key, { scroll = true } = {}) {
    const old = focusKey;
    focusKey = key && store.has(key) ? key : null;
    text.markFocus(focusKey);
    list.markFocus(focusKey);
    if (focusKey && scroll) pendingScroll = true;
    if (old !== focusKey || focusKey) showDetail();
  }

  /** Redraw what changed for these spans (in the store or just removed from it). */
  function redraw(...objs) {
    const changed = objs.filter(Boolean);
    text.redraw(changed);
    list.update(changed);
    list.progress();
    if (!focusKey) return;
    if (!store.has(focusKey)) setFocus(null);
    else if (changed.some((o) => o.key === focusKey)) showDetail();
    else scheduleVisual(); // the handles may sit on a redrawn block
  }

  /** Redraw everything (after many spans came from the server at once). */
  async function redrawAll() {
    text.drawAll();
    list.draw();
    list.progress();
    setFocus(focusKey, { scroll: false });
    await text.drawTheRest();
  }

  return {
    text,
    list,
    detail,
    handles,
    redraw,
    redrawAll,
    setFocus,
    showDetail,
    get focusKey() {
      return focusKey;
    },
    focused: () => store.get(focusKey),
  };
}

// ---- The side list (every span in text order: label, excerpt, the first text attribute,
// confidence, status) and the progress counters above the text.
// The list is drawn a screenful first, the rest in slices after the first paint.

const LIST_SLICE = 200;

function esc(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}


export function createSideList({ listEl, progressEl, store, labels, focusKey, onDrawn }) {
  let generation = 0;
  let drawnStamp = -1;

  function item(o) {
    const l = labels.get(o.label);
    const who = listValue(l, o.attrs);
    const excerpt = o.text.length > 90 ? `${o.text.slice(0, 88)}…` : o.text;
    const conf = o.confidence == null ? "" : `<span class="conf">${Math.round(o.confidence * 100)}%</span>`;
    const focus = o.key === focusKey() ? " focus" : "";
    return `<li data-key="${o.key}" data-list-span-id="${esc(o.id)}" class="st-${esc(o.status)}${focus}"><span class="chip chip-${l ? l.idx : 0}">${esc(o.label)}</span><span class="excerpt">${esc(excerpt)}</span>${who ? `<span class="who">${esc(who)}</span>` : ""}<span class="meta">${conf}<span class="badge">${esc(statusWord(o))}</span></span></li>`;
  }

  const li = (key) => listEl.querySelector(`li[data-key="${key}"]`);

  function draw() {
    const all = store.ordered();
    const mine = ++generation;
    drawnStamp = store.orderStamp;
    listEl.innerHTML = all.slice(0, LIST_SLICE).map(item).join("");
    const more = (from) => {
      if (mine !== generation || from >= all.length) return;
      listEl.insertAdjacentHTML("beforeend", all.slice(from, from + 4 * LIST_SLICE).map(item).join(""));
      setTimeout(() => more(from + 4 * LIST_SLICE), 0);
    };
    if (all.length > LIST_SLICE) setTimeout(() => more(LIST_SLICE), 0);
    onDrawn?.();
  }

  // Many changes in one task (a bulk decision, an undo) cost one redraw.
  const scheduleDraw = coalesced(queueMicrotask, draw);

  /** Replace the changed items in place; redraw the whole list when the order changed. */
  function update(objs) {
    if (store.orderStamp !== drawnStamp) return scheduleDraw();
    for (const o of objs) {
      const el = li(o.key);
      if (!el) return scheduleDraw(); // not drawn yet (a long list is drawn in slices)
      el.outerHTML = item(o);
    }
  }

  function progress() {
    const { pending, accepted, rejected } = store.counts();
    progressEl.innerHTML = `<b>${pending}</b> pending · <b>${accepted}</b> accepted · <b>${rejected}</b> rejected`;
  }

  function markFocus(key) {
    for (const el of listEl.querySelectorAll("li.focus")) el.classList.remove("focus");
    if (key) li(key)?.classList.add("focus");
  }

  return { draw, update, progress, markFocus, element: li };
}

// ---- The two dark handles at the focused span's ends: placed after layout, dragged with the
// pointer to move a boundary (saved when the drag ends).

export function createHandles({ doc, text: view, root, map }) {
  const box = doc.querySelector(".handles");
  const [hs, he] = box.children;

  function place(o) {
    const rects = view.rangeOf(o.u0, o.u1).getClientRects();
    if (!rects.length) return;
    const base = doc.getBoundingClientRect();
    const first = rects[0];
    const last = rects[rects.length - 1];
    hs.style.transform = `translate(${first.left - base.left - 3}px, ${first.top - base.top}px)`;
    hs.style.height = `${first.height}px`;
    he.style.transform = `translate(${last.right - base.left - 3}px, ${last.top - base.top}px)`;
    he.style.height = `${last.height}px`;
    box.hidden = false;
  }

  /**
   * Dragging: `focused()` is the span being adjusted; `preview(o, changes)` shows a
   * boundary while dragging; `commit(o, changes, before)` saves when the pointer is released.
   */
  function wire({ focused, canEdit, snapshot, preview, commit }) {
    let drag = null;
    box.addEventListener("pointerdown", (ev) => {
      const which = ev.target.dataset?.handle;
      const o = focused();
      if (!which || !o || !canEdit) return;
      ev.preventDefault();
      ev.target.setPointerCapture(ev.pointerId);
      drag = { which, obj: o, before: snapshot(o) };
    });
    box.addEventListener("pointermove", (ev) => {
      if (!drag) return;
      const p = caretAt(ev.clientX, ev.clientY);
      if (!p || !root.contains(p[0])) return;
      const cp = map.toCp(view.pointToU16(p[0], p[1]));
      const o = drag.obj;
      if (drag.which === "end" && cp > o.start && cp !== o.end) preview(o, { end: cp });
      else if (drag.which === "start" && cp < o.end && cp !== o.start) preview(o, { start: cp });
    });
    const end = () => {
      if (!drag) return;
      const { obj, before, which } = drag;
      drag = null;
      if (obj[which] !== before[which]) commit(obj, { [which]: obj[which] }, before);
    };
    box.addEventListener("pointerup", end);
    box.addEventListener("pointercancel", end);
  }

  return {
    place,
    hide: () => {
      box.hidden = true;
    },
    wire,
  };
}

// ---- Coalescing: many calls in one task cost one run, deferred by `defer` (a microtask, the
// next animation frame).

export function coalesced(defer, run) {
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

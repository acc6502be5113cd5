// Everything the page shows, kept in step: the text (render.js), the side list and the
// counters (list.js), the detail card (panels.js), and below: the handles and the tag that
// names the focused or hovered span. Actions change spans in the store, then call redraw()
// with the spans they changed (added, moved, removed) and setFocus().
import { isPicked } from "./attrform.js";
import { coalesced, createSideList } from "./list.js";
import { createDetail } from "./panels.js";
import { caretAt, createTextView } from "./render.js";
import { spanName, stateWord } from "./spans.js";

const MARGIN = 12; // px kept between a span scrolled into view and the edge of what is visible

/** The part of the window the text is seen through: below the toolbar when it sticks to
 * the top, above the detail card when it is a sheet at the bottom (phones). */
function visibleBand() {
  let top = 0;
  let bottom = innerHeight;
  const bar = document.querySelector(".toolbar");
  if (bar && getComputedStyle(bar).position === "sticky") top = Math.max(0, bar.getBoundingClientRect().bottom);
  const sheet = document.getElementById("detail");
  if (sheet && !sheet.hidden && getComputedStyle(sheet).position === "fixed") {
    bottom = Math.min(bottom, sheet.getBoundingClientRect().top);
  }
  return { top, bottom };
}

/** Scroll the window so the element is in the visible band (its top, when it is taller). */
function revealInWindow(el) {
  const r = el.getBoundingClientRect();
  const { top, bottom } = visibleBand();
  if (r.top >= top + MARGIN && r.bottom <= bottom - MARGIN) return;
  const room = bottom - top - 2 * MARGIN;
  const by = r.height > room ? r.top - top - MARGIN : (r.top + r.bottom) / 2 - (top + bottom) / 2;
  window.scrollBy({ top: by });
}

/** Scroll a list (and only the list) so its item is in view. */
function revealInList(el, list) {
  const r = el.getBoundingClientRect();
  const c = list.getBoundingClientRect();
  if (r.top >= c.top && r.bottom <= c.bottom) return;
  list.scrollTop += (r.top + r.bottom) / 2 - (c.top + c.bottom) / 2;
}

export function createView({ root, store, labels, article, canEdit, onDetail = () => {} }) {
  let focusKey = null;
  let pendingScroll = false; // bring the focused span into view, in the text and the list
  let pendingList = false; // in the list only (it was redrawn)
  const doc = root.parentElement;
  const text = createTextView({ root, text: article.text, store, labels, focusKey: () => focusKey });
  const list = createSideList({
    listEl: document.getElementById("span-list"),
    tools: document.getElementById("list-tools"),
    countEl: document.getElementById("list-count"),
    progressEl: document.getElementById("progress"),
    store,
    labels,
    focusKey: () => focusKey,
    onDrawn: () => {
      if (!focusKey) return;
      pendingList = true;
      scheduleVisual();
    },
    onPick: (key) => setFocus(key),
  });
  const detail = createDetail({ el: document.getElementById("detail"), store, labels, article });
  const handles = createHandles({ doc, text, root, map: article.map });
  const tag = createTag({ doc, text, labels });
  const announcer = document.getElementById("announce");
  // The toolbar's height, for the sticky side panel and the scroll padding (editor.css):
  // it wraps to more rows in narrower windows.
  const bar = document.querySelector(".toolbar");
  if (bar && globalThis.ResizeObserver) {
    new ResizeObserver(() => {
      document.documentElement.style.setProperty("--bar-h", `${Math.ceil(bar.getBoundingClientRect().height)}px`);
    }).observe(bar);
  }
  list.wire();
  let hovered = null; // the span under the pointer, named by the tag instead of the focused one

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
    tag.show(store.get(hovered) ?? o);
    if (!o) return;
    if (pendingScroll || pendingList) {
      const el = pendingScroll && text.element(o.key);
      const li = list.element(o.key);
      if (el) revealInWindow(el);
      if (li) revealInList(li, li.parentElement);
      pendingScroll = pendingList = false;
    }
    if (canEdit) handles.place(o);
  });

  // The tag names the span under the pointer while it is there, the focused one otherwise.
  root.addEventListener("mouseover", (ev) => {
    const key = ev.target.closest?.("[data-key]")?.dataset.key ?? null;
    if (key !== hovered) {
      hovered = key;
      scheduleVisual();
    }
  });
  root.addEventListener("mouseleave", () => {
    hovered = null;
    scheduleVisual();
  });

  function showDetail() {
    const o = store.get(focusKey) ?? null;
    detail.show(o);
    onDetail(o);
    if (!o) handles.hide();
    scheduleVisual();
  }

  function setFocus(key, { scroll = true } = {}) {
    const old = focusKey;
    focusKey = key && store.has(key) ? key : null;
    text.markFocus(focusKey);
    list.markFocus(focusKey);
    if (focusKey && scroll) pendingScroll = true;
    // Screen readers hear which span the focus moved to (the text itself has no caret).
    if (old !== focusKey && focusKey && announcer) announcer.textContent = spanName(store.get(focusKey));
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

// ---- The tag over the text naming a span (label and status), so the label is read without
// knowing the colours: the focused span's, or the one under the pointer.

export function createTag({ doc, text: view, labels }) {
  const el = doc.querySelector(".span-tag");

  function show(o) {
    const rects = o ? view.rangeOf(o.u0, o.u1).getClientRects() : [];
    if (!rects.length) {
      el.hidden = true;
      return;
    }
    const l = labels.get(o.label);
    el.className = `span-tag chip chip-${l ? l.idx : 0}`;
    el.textContent = `${o.label} · ${stateWord(o)}`;
    el.hidden = false;
    const base = doc.getBoundingClientRect();
    const first = rects[0];
    const left = Math.min(first.left - base.left, base.width - el.offsetWidth - 4);
    el.style.transform = `translate(${Math.max(4, left)}px, ${first.top - base.top - el.offsetHeight}px)`;
  }

  return { show };
}

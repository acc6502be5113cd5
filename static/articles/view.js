// Everything the page shows, kept in step: the text, the side list, the counters, the
// detail card and the handles. Actions change spans in the store, then call redraw() with
// the spans they changed (added, moved, removed) and setFocus().
import { createDetail } from "./detail.js";
import { createHandles } from "./handles.js";
import { isPicked } from "./attrform.js";
import { createTextView } from "./render.js";
import { coalesced } from "./schedule.js";
import { createSideList } from "./sidelist.js";

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

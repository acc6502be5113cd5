// The side list (every span in text order: label, excerpt, the first text attribute,
// confidence, status) and the progress counters above the text.
import { listValue } from "./attrform.js";
import { coalesced } from "./schedule.js";

// The list is drawn a screenful first, the rest in slices after the first paint.
const LIST_SLICE = 200;

function esc(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

/** The status word of a span: its kind as the server worked it out (or as the action that
 * is being saved sets it), "saving" while a new span has no id yet. */
export function statusWord(o) {
  return typeof o.id === "string" ? "saving" : o.kind;
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

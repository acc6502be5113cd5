// The side list: every span in text order (label, excerpt, the first text attribute,
// confidence, status) as a listbox whose options are the spans, named by that text;
// filtered by label and status (a "pending only" box is the common case of the
// latter); the counters above the text. The list is drawn a screenful first, the rest in
// slices after the first paint.
import { listValue } from "./attrform.js";
import { STATUS_FILTERS, excerpt, passes, stateWord } from "./spans.js";

const LIST_SLICE = 200;
const PENDING = "suggested"; // the kind of a suggestion nobody has decided yet

function esc(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

const optionId = (key) => `opt-${key}`;
const SEP = '<span class="sr-only">, </span>';

/**
 * `onPick(key)` focuses a span chosen in the list (click, arrows, Home/End). The filter
 * controls are the elements of `tools` named list-label, list-status and list-pending.
 */
export function createSideList({ listEl, tools, countEl, progressEl, store, labels, focusKey, onDrawn, onPick }) {
  let generation = 0;
  let drawnStamp = -1;
  const filters = { label: "", status: "" };
  const filtering = () => Boolean(filters.label || filters.status);

  function item(o) {
    const l = labels.get(o.label);
    const who = listValue(l, o.attrs);
    const conf = o.confidence == null ? "" : `<span class="conf">${Math.round(o.confidence * 100)}%</span>${SEP}`;
    const focus = o.key === focusKey();
    // The option's name is its text (label, excerpt, speaker, confidence, status); the
    // hidden commas keep a screen reader from running the parts together.
    return `<li role="option" id="${optionId(o.key)}" aria-selected="${focus}" data-key="${o.key}" data-list-span-id="${esc(o.id)}" class="st-${esc(o.status)}${focus ? " focus" : ""}"><span class="chip chip-${l ? l.idx : 0}">${esc(o.label)}</span>${SEP}<span class="excerpt">${esc(excerpt(o.text, 160))}</span>${SEP}${who ? `<span class="who">${esc(who)}</span>${SEP}` : ""}<span class="meta">${conf}<span class="badge">${esc(stateWord(o))}</span></span></li>`;
  }

  const li = (key) => listEl.querySelector(`li[data-key="${key}"]`);

  function count() {
    if (!countEl) return;
    let shown = store.size;
    if (filtering()) {
      shown = 0;
      for (const o of store.values()) if (passes(o, filters)) shown++;
    }
    countEl.textContent = filtering() ? `${shown} of ${store.size} spans` : `${store.size} spans`;
  }

  function draw() {
    const all = filtering() ? store.ordered().filter((o) => passes(o, filters)) : store.ordered();
    const mine = ++generation;
    drawnStamp = store.orderStamp;
    listEl.innerHTML = all.slice(0, LIST_SLICE).map(item).join("");
    const more = (from) => {
      if (mine !== generation || from >= all.length) return;
      listEl.insertAdjacentHTML("beforeend", all.slice(from, from + 4 * LIST_SLICE).map(item).join(""));
      setTimeout(() => more(from + 4 * LIST_SLICE), 0);
    };
    if (all.length > LIST_SLICE) setTimeout(() => more(LIST_SLICE), 0);
    count();
    active(focusKey());
    onDrawn?.();
  }

  // Many changes in one task (a bulk decision, an undo) cost one redraw.
  const scheduleDraw = coalesced(queueMicrotask, draw);

  /** Replace the changed items in place; redraw the whole list when the order changed. An
   * item the filters no longer let through leaves; one they now let through comes back
   * with a redraw. */
  function update(objs) {
    if (store.orderStamp !== drawnStamp) return scheduleDraw();
    for (const o of objs) {
      const el = li(o.key);
      const fits = passes(o, filters);
      if (!el) {
        if (fits) return scheduleDraw(); // not drawn yet (a long list is drawn in slices)
      } else if (!fits) el.remove();
      else el.outerHTML = item(o);
    }
    if (filtering()) count();
  }

  function progress() {
    const { pending, accepted, rejected } = store.counts();
    progressEl.innerHTML = `<b>${pending}</b> <span class="k-pending">pending</span> · <b>${accepted}</b> <span class="k-accepted">accepted</span> · <b>${rejected}</b> <span class="k-rejected">rejected</span>`;
  }

  /** The listbox's active option: the focused span's item when the filters show it. */
  function active(key) {
    const el = key ? li(key) : null;
    if (el) listEl.setAttribute("aria-activedescendant", el.id);
    else listEl.removeAttribute("aria-activedescendant");
  }

  function markFocus(key) {
    for (const el of listEl.querySelectorAll("li.focus")) {
      el.classList.remove("focus");
      el.setAttribute("aria-selected", "false");
    }
    const el = key ? li(key) : null;
    el?.classList.add("focus");
    el?.setAttribute("aria-selected", "true");
    active(key);
  }

  // Arrows, Home and End move between the items shown (J/K keep to the pending-first order).
  const MOVES = {
    ArrowDown: (items, at) => items[Math.min(at + 1, items.length - 1)],
    ArrowUp: (items, at) => items[Math.max(at - 1, 0)],
    Home: (items) => items[0],
    End: (items) => items[items.length - 1],
  };

  function onKey(ev) {
    const move = MOVES[ev.key];
    if (!move || ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    ev.preventDefault();
    const items = [...listEl.children];
    if (!items.length) return;
    const at = items.findIndex((el) => el.dataset.key === focusKey());
    const target = at < 0 ? items[0] : move(items, at);
    if (target) onPick(target.dataset.key);
  }

  function wire() {
    listEl.addEventListener("keydown", onKey);
    listEl.addEventListener("click", (ev) => {
      const item = ev.target.closest("li[data-key]");
      if (item) onPick(item.dataset.key);
    });
    if (!tools) return;
    const labelSel = tools.querySelector("#list-label");
    const statusSel = tools.querySelector("#list-status");
    const pendingBox = tools.querySelector("#list-pending");
    for (const [value, word] of STATUS_FILTERS) statusSel.append(new Option(word, value));
    const apply = () => {
      filters.label = labelSel.value;
      filters.status = statusSel.value;
      draw();
    };
    labelSel.addEventListener("change", apply);
    statusSel.addEventListener("change", () => {
      pendingBox.checked = statusSel.value === PENDING;
      apply();
    });
    pendingBox.addEventListener("change", () => {
      statusSel.value = pendingBox.checked ? PENDING : "";
      apply();
    });
  }

  return { draw, update, progress, markFocus, wire, element: li, filters };
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

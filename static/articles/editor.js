// The editor page's entry module: reads the page data, builds the parts and wires them up.
// The other modules read nothing at import time; the pure ones (offsets, trim, spans,
// order, undo, savequeue, api, attrform, pretag) touch no DOM and are tested under Node
// (tests/js/).
import { createActions } from "./actions.js";
import { createApi, failureText } from "./api.js";
import { createKeyboard } from "./keyboard.js";
import { labelTable } from "./labels.js";
import { OffsetMap } from "./offsets.js";
import { toast } from "./panels.js";
import { FINISHED, createPoller } from "./pretag.js";
import { SaveQueue } from "./savequeue.js";
import { SpanStore, fromRow } from "./spans.js";
import { UndoStack } from "./undo.js";
import { createView } from "./view.js";

performance.mark("editor-start");
const data = JSON.parse(document.getElementById("editor-data").textContent);
const article = { text: data.article.text, map: new OffsetMap(data.article.text) };
const root = document.querySelector("[data-article-text]");
const labels = labelTable(data.labels);
const store = new SpanStore({ ...article, labels });
// Knobs for automation (tests shorten the timeout to see one happen).
const settings = { timeoutMs: 20_000 };
const api = createApi({ base: data.urls.api, csrf: data.csrf, settings });
const queue = new SaveQueue({
  onChange: (n) => {
    document.body.dataset.saving = String(n);
  },
});
const undo = new UndoStack();
const view = createView({ root, store, labels, article, canEdit: data.can_edit });

// For automation (browser tests, the benchmark): see README "The editor".
const editor = {
  lastSave: null,
  settings,
  idle: () => queue.idle(),
  spans: () => store.ordered().map((o) => ({ ...o })),
  focused: () => (view.focused() ? { ...view.focused() } : null),
  focusSpan: (id) => {
    const o = store.findId(id);
    if (o) view.setFocus(o.key);
  },
  undoDepth: () => undo.size,
};
window.annEditor = editor;

const actions = createActions({ data, article, store, view, queue, undo, api, editor });
const keyboard = createKeyboard({ root, article, labels, store, view, actions, canEdit: data.can_edit });

/** While pre-tagging is pending or running, wait for it; then load the suggestions. */
function watchPretag() {
  const pill = document.getElementById("pretag-pill");
  const showState = (state, error = "") => {
    if (!pill) return;
    pill.hidden = state === "done";
    pill.className = `pill pretag-${state}`;
    pill.textContent = `pre-tag ${state}`;
    pill.title = error;
  };
  const poller = createPoller({
    check: async () => {
      const res = await api.get(`articles/${data.article.id}/`);
      if (!res.ok) return null;
      showState(res.data.pretag_state, res.data.pretag_error ?? "");
      return res.data.pretag_state;
    },
    onFinished: (state) => (state === "done" ? loadSuggestions() : toast("Pre-tagging failed: no suggestions for this article.", "error")),
    hidden: () => document.hidden,
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) poller.shown();
  });
  poller.start();
}

/** The server's view of the spans, merged in after what is still being saved. */
function loadSuggestions() {
  const task = {
    run: () => api.get(`articles/${data.article.id}/spans/`),
    done: async (res) => {
      const list = Array.isArray(res.data) ? res.data : (res.data.results ?? []);
      const { added } = store.merge(list, queue.busy(task));
      await view.redrawAll();
      const n = added.length;
      toast(n ? `Pre-tagging finished: ${n} new suggestion${n === 1 ? "" : "s"}.` : "Pre-tagging finished.");
    },
    fail: (res) => toast(`The new suggestions could not be loaded. ${failureText(res)} Reload the page to see them.`, "error"),
  };
  queue.push(task);
}

view.text.installLabelStyles();
for (const r of data.spans.rows) store.add(fromRow(r, data.spans, labels, data.user));
performance.mark("editor-spans-ready");
view.text.drawAll();
performance.mark("editor-text-drawn");
view.list.progress();
keyboard.wire();
view.handles.wire({
  focused: () => view.focused(),
  canEdit: data.can_edit,
  snapshot: (o) => store.snapshot(o),
  preview: (o, changes) => {
    store.update(o, changes);
    view.redraw(o);
    view.setFocus(o.key, { scroll: false });
  },
  commit: (o, changes, before) => actions.edit(o, changes, before),
});
performance.mark("spans-drawn");
root.focus({ preventScroll: true });
// The side list waits for the first frame with the text (it is off the critical path: a
// long article's list is 2,000 items); the page is "ready" for automation once it is there.
requestAnimationFrame(() => {
  performance.mark("spans-painted");
  setTimeout(async () => {
    view.list.draw();
    performance.mark("list-drawn");
    await view.text.drawTheRest();
    performance.mark("all-spans-drawn");
    document.body.dataset.ready = "1";
    if (!FINISHED.has(data.article.pretag_state)) watchPretag();
  });
});

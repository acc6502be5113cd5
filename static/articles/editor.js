// The editor page's entry module: reads the page data, builds the parts and wires them up.
// The other modules read nothing at import time; the pure parts (offsets, trim, spans and
// labels, order and tracks, attrform, the undo stack, the API client and save queue, the
// pre-tag poller) touch no DOM and are tested under Node (tests/js/).
import { createActions } from "./actions.js";
import { SaveQueue, createApi } from "./api.js";
import { createKeyboard } from "./keyboard.js";
import { OffsetMap } from "./offsets.js";
import { copiedFields } from "./similar.js";
import { createSimilarPanel } from "./similarpanel.js";
import { SpanStore, fromRow, isPending, labelTable } from "./spans.js";
import { createSync } from "./sync.js";
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
const similar = createSimilarPanel({
  el: document.getElementById("similar"),
  api,
  labels,
  config: data.similar,
  canEdit: data.can_edit,
  onUse: (o, result) => actions.copyVerdict(o, result, copiedFields(labels.get(o.label), data.similar)),
});
const view = createView({ root, store, labels, article, canEdit: data.can_edit, onDetail: similar.show });

// For automation (browser tests, the benchmark): see README "The editor".
const editor = {
  lastSave: null,
  settings,
  idle: () => queue.idle(),
  spans: () => store.ordered().map((o) => ({ ...o })),
  focused: () => (view.focused() ? { ...view.focused() } : null),
  focusSpan: (id) => {
    const o = id == null ? null : store.findId(id);
    if (o || id == null) view.setFocus(o?.key ?? null); // null: no span focused
  },
  undoDepth: () => undo.size,
};
window.annEditor = editor;

const sync = createSync({ data, store, view, queue, api });
const actions = createActions({ data, article, store, view, queue, undo, api, editor, resync: sync.resync });
const keyboard = createKeyboard({ root, article, labels, store, view, actions, similar, canEdit: data.can_edit });

view.text.installLabelStyles();
for (const r of data.spans.rows) store.add(fromRow(r, data.spans, labels, data.user));
performance.mark("editor-spans-ready");
view.text.drawAll();
performance.mark("editor-text-drawn");
// The page opens on the span its address names (#span-<id>, the similar-claims panel's
// links: that row, or your decision on it), else on the first suggestion still to decide.
const named = Number(/^#span-(\d+)$/.exec(location.hash)?.[1]);
const opening = (named && (store.findId(named) ?? store.ordered().find((o) => o.derived_from === named))) || store.ordered().find(isPending);
if (opening) view.setFocus(opening.key);
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
    sync.watchPretag();
  });
});

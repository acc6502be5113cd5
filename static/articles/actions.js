// What the user does to spans: decide, draw, edit, remove, bulk decisions, undo, mark done.
// Each action changes the page at once and queues its call to the server (savequeue.js).
// An answer replaces the span with the server's form of it and pushes an undo command; a
// failure of any kind (no answer, timeout, 5xx, 4xx) puts back exactly what the page
// showed before the action, and says so.
import { failureText } from "./api.js";
import { sameAttrs, withPicked } from "./attrform.js";
import { afterDecision, step } from "./order.js";
import { confirmDone, toast } from "./panels.js";
import { withVerdictOf } from "./similar.js";
import { isPending } from "./spans.js";
import { createCommands } from "./undo.js";
import { stepCp, wordBoundary } from "./offsets.js";
import { isSpace, trimUtf16 } from "./trim.js";

const SKIPPED = { ok: true, skipped: true };
const FIELDS = ["label", "start", "end", "attrs", "note"];

export function createActions({ data, article, store, view, queue, undo, api, editor, resync }) {
  const articleId = data.article.id;
  const { text, map } = article;
  const commands = createCommands({ store, view, api, articleId });
  let reviewState = data.article.review;
  let newSeq = 0;
  let cursor = null; // where J/K go on from when the focused span was removed

  const here = (obj) => store.get(obj.key) === obj;

  function guard() {
    if (!data.can_edit) {
      toast("Your role in this project is read-only.", "error");
      return false;
    }
    touchReview();
    return true;
  }

  function touchReview() {
    if (reviewState) return;
    reviewState = "in_progress";
    queue.push({
      run: () => api.put(`articles/${articleId}/review/`, { state: "in_progress" }),
      // Not an action of the user's: tried again with the next one.
      fail: () => {
        if (reviewState === "in_progress") reviewState = null;
      },
    });
  }

  function notSaved(result, cancelled) {
    // No answer in time: the server may still have saved it, so ask it what it has.
    if (result.failure === "timeout") resync();
    const undone = cancelled
      ? `Your change and ${cancelled} made after it were undone here.`
      : "Your change was undone here.";
    toast(`Not saved. ${failureText(result)} ${undone}`, "error");
  }

  /** Give the focus back to `key` after a rollback, unless the user has moved it since
   * (it is still where the action put it, `now`, or on nothing). */
  function refocus(key, now) {
    if (view.focusKey === now || view.focusKey === null) view.setFocus(key, { scroll: false });
  }

  /** Put span `obj` back as `before` (null: it was new, so it goes). */
  function putBack(obj, before) {
    if (before) store.restore(obj, before);
    else store.remove(obj.key);
    view.redraw(obj);
  }

  /** A failed call about one span: a conflict shows the server's current span, anything
   * else puts back the span as it was before the action. */
  function failedOne(obj, before, result, cancelled) {
    const current = result.status === 409 ? result.data?.current : null;
    if (current && current.article === articleId) {
      // The conflicting row may be another one (an earlier decision): show it in its place.
      for (const o of [...store.values()]) {
        if (o.id === current.id && o !== obj) {
          store.remove(o.key);
          view.redraw(o);
        }
      }
      store.restore(obj, current);
      view.redraw(obj);
      const later = cancelled ? ` Your ${cancelled} later change${cancelled === 1 ? " was" : "s were"} undone.` : "";
      toast(`Not saved. This span was changed meanwhile (perhaps in another tab): it is shown as it is now.${later}`, "conflict");
      return;
    }
    putBack(obj, before);
    notSaved(result, cancelled);
  }

  function decide(obj, decision) {
    if (!obj || !guard()) return;
    const status = decision === "accept" ? "accepted" : "rejected";
    const pending = isPending(obj);
    if (!pending && obj.origin === "human" && !obj.derived_from && decision === "reject") {
      return removeOwn(obj);
    }
    if (obj.status === status) return toast(`This span is already ${status}.`);
    const before = store.snapshot(obj);
    store.update(obj, pending ? { status, kind: status, annotator: data.user } : { status, kind: status });
    view.redraw(obj);
    // Deciding a suggestion moves on to the next one; deciding a row of your own stays.
    const next = pending ? afterDecision(store.ordered(), obj, isPending, store.compare) : obj;
    if (pending) view.setFocus(next.key);
    const t0 = performance.now();
    queue.push({
      keys: [obj.key],
      ids: [before.id],
      run: () => {
        if (!here(obj)) return SKIPPED;
        const body = pending ? { decision } : { decision, version: obj.version };
        return api.post(`spans/${obj.id}/decision/`, body);
      },
      done: (res) => {
        if (res.skipped) return;
        store.adopt(res.data, obj);
        view.redraw(obj);
        undo.push(pending ? commands.restoreSuggestion(obj, before) : commands.decideBack(obj, before.status));
        editor.lastSave = performance.now() - t0;
      },
      fail: (res, cancelled) => {
        failedOne(obj, before, res, cancelled);
        refocus(obj.key, next.key);
      },
      cancel: () => putBack(obj, before),
    });
  }

  function removeOwn(obj) {
    const before = store.snapshot(obj);
    cursor = before;
    store.remove(obj.key);
    view.redraw(obj);
    queue.push({
      keys: [obj.key],
      ids: [before.id],
      run: () => api.delete(`spans/${obj.id}/?version=${obj.version}`),
      done: () => {
        undo.push(commands.drawAgain(store.snapshot(obj)));
        toast("Span removed (Ctrl+Z brings it back).");
      },
      fail: (res, cancelled) => {
        failedOne(obj, before, res, cancelled);
        refocus(obj.key, null);
      },
      cancel: () => putBack(obj, before),
    });
  }

  function createSpan(label, start, end) {
    if (!guard()) return;
    // Trimmed like the server does, so the optimistic span is where the saved one will be.
    const [u0, u1] = trimUtf16(text, map.toUtf16(start), map.toUtf16(end));
    if (u0 >= u1) return toast("The selection holds only whitespace.", "error");
    const body = { label, start: map.toCp(u0), end: map.toCp(u1) };
    const obj = store.add({
      ...body,
      id: `new${++newSeq}`,
      article: articleId,
      origin: "human",
      status: "accepted",
      kind: "human",
      annotator: data.user,
      version: 1,
    });
    const focusedBefore = view.focusKey;
    view.redraw(obj);
    view.setFocus(obj.key);
    queue.push({
      keys: [obj.key],
      run: () => api.post(`articles/${articleId}/spans/`, body),
      done: (res) => {
        store.adopt(res.data, obj);
        view.redraw(obj);
        undo.push(commands.deleteDrawn(obj));
      },
      fail: (res, cancelled) => {
        failedOne(obj, null, res, cancelled);
        refocus(focusedBefore, null);
      },
      cancel: () => putBack(obj, null),
    });
  }

  /** Change label, offsets, attrs or note; `before` is what a failure puts back. */
  function edit(obj, changes, before = store.snapshot(obj)) {
    if (!obj || !guard()) return;
    if ((changes.start ?? obj.start) >= (changes.end ?? obj.end)) return;
    const pending = isPending(before);
    const content = FIELDS.slice(0, 4).some((k) => k in changes);
    const patch = { ...changes };
    // The server's rule: an edit of label, boundaries or attributes is an accepted edit; a
    // note on a suggestion accepts it.
    if (content) Object.assign(patch, { status: "accepted", kind: "edited" });
    else if (pending) Object.assign(patch, { status: "accepted", kind: "accepted" });
    if (pending) patch.annotator = data.user;
    store.update(obj, patch);
    view.redraw(obj);
    const fields = Object.fromEntries(FIELDS.filter((k) => k in changes).map((k) => [k, obj[k]]));
    queue.push({
      keys: [obj.key],
      ids: [before.id],
      run: () => (here(obj) ? api.patch(`spans/${obj.id}/`, { version: obj.version, ...fields }) : SKIPPED),
      done: (res) => {
        if (res.skipped) return;
        store.adopt(res.data, obj);
        view.redraw(obj);
        const back = Object.fromEntries(Object.keys(fields).map((k) => [k, before[k]]));
        undo.push(pending ? commands.restoreSuggestion(obj, before) : commands.editBack(obj, back));
      },
      fail: (res, cancelled) => failedOne(obj, before, res, cancelled),
      cancel: () => putBack(obj, before),
    });
  }

  /** Shift+Arrow: move a boundary by a character or (Ctrl) a word. */
  function moveBoundary(obj, which, direction, byWord) {
    if (!obj) return;
    let cp = which === "end" ? obj.end : obj.start;
    cp = byWord ? wordBoundary(text, map, cp, direction) : stepCp(map, cp, direction);
    // Whitespace at an edge is trimmed by the server: move past it in one key press.
    const ws = (u) => isSpace(text[u]);
    const on = direction > 0 ? 1 : -1;
    if (which === "end") {
      while (cp > obj.start && cp < map.length && ws(map.toUtf16(cp) - 1)) cp = stepCp(map, cp, on);
      if (cp > obj.start) edit(obj, { end: cp });
    } else {
      while (cp < obj.end && cp > 0 && ws(map.toUtf16(cp))) cp = stepCp(map, cp, on);
      if (cp < obj.end) edit(obj, { start: cp });
    }
  }

  /** Give an in_text attribute the words [start, end) of the article. */
  function pick(obj, field, start, end) {
    if (!obj) return;
    const attrs = withPicked(obj.attrs, field, start, end, article);
    if (!attrs) return toast("The selection holds only whitespace.", "error");
    if (!sameAttrs(attrs, obj.attrs)) edit(obj, { attrs });
  }

  /** Give claim `obj` the verdict fields `names` of the similar claim `source` (C, or "Use
   * this verdict"): an edit like any other, so it is undone and rolled back the same way. */
  function copyVerdict(obj, source, names) {
    if (!obj || !guard()) return;
    const attrs = withVerdictOf(obj.attrs, source, names);
    if (sameAttrs(attrs, obj.attrs)) return toast("This claim already has that verdict.");
    edit(obj, { attrs });
    toast(`Verdict copied from “${source.article.title || "another article"}” (U undoes).`);
  }

  function undoLast() {
    queue.push({
      run: async () => {
        const r = await undo.undoLast();
        return r.state === "failed" ? { ...r.result, ok: false } : { ok: true, state: r.state };
      },
      done: (r) => toast(r.state === "empty" ? "Nothing to undo." : "Undone."),
      fail: (r) => {
        if (r.failure === "timeout") resync();
        toast(
          r.final
            ? `Not undone. ${failureText(r)} The span is shown as it is now.`
            : `Not undone. ${failureText(r)} Press Ctrl+Z to try again.`,
          "error",
        );
      },
    });
  }

  function bulkCandidates({ label, range, threshold }) {
    return store
      .ordered()
      .filter(
        (o) =>
          isPending(o) &&
          (!label || o.label === label) &&
          (!range || (o.confidence != null && (range === "below" ? o.confidence < threshold : o.confidence >= threshold))),
      );
  }

  function bulk(decision, candidates, filters) {
    if (!candidates.length || !guard()) return;
    const before = new Map(candidates.map((o) => [o.key, store.snapshot(o)]));
    const status = decision === "accept" ? "accepted" : "rejected";
    for (const o of candidates) store.update(o, { status, kind: status, annotator: data.user });
    view.redraw(...candidates);
    const ids = candidates.map((o) => before.get(o.key).id);
    const body = { decision, ids };
    if (filters.label) body.label = filters.label;
    const putAllBack = () => {
      for (const o of candidates) store.restore(o, before.get(o.key));
      view.redraw(...candidates);
    };
    queue.push({
      keys: candidates.map((o) => o.key),
      ids,
      run: () => api.post(`articles/${articleId}/spans/bulk-decision/`, body),
      done: (res) => {
        const bySuggestion = new Map(candidates.map((o) => [before.get(o.key).id, o]));
        const items = [];
        for (const row of res.data.decided ?? []) {
          const o = bySuggestion.get(row.derived_from);
          if (!o) continue;
          store.adopt(row, o);
          items.push({ obj: o, suggestion: before.get(o.key) });
          bySuggestion.delete(row.derived_from);
        }
        for (const o of bySuggestion.values()) store.restore(o, before.get(o.key)); // skipped
        view.redraw(...candidates);
        if (items.length) undo.push(commands.bulkBack(items));
        const skipped = (res.data.skipped ?? []).length;
        toast(`${decision === "accept" ? "Accepted" : "Rejected"} ${items.length}${skipped ? `, skipped ${skipped}` : ""}.`);
      },
      fail: (res, cancelled) => {
        putAllBack();
        notSaved(res, cancelled);
      },
      cancel: putAllBack,
    });
  }

  /** D: mark done, after asking when suggestions are still undecided. */
  function markDone(onClose) {
    if (!guard()) return;
    const { pending } = store.counts();
    if (pending) return confirmDone({ pending, go: finish, onClose });
    finish();
  }

  function finish() {
    const failures = queue.failures;
    toast("Marking done…");
    queue.push({
      run: () =>
        queue.failures > failures
          ? { ok: false, message: "An earlier change was not saved; check the page, then mark it done again" }
          : api.put(`articles/${articleId}/review/`, { state: "done" }),
      done: () => {
        reviewState = "done";
        location.href = data.urls.next;
      },
      fail: (res) => toast(`Not marked done. ${failureText(res)}`, "error"),
    });
  }

  function navigate(direction) {
    const target = step(store.ordered(), view.focused() ?? cursor, direction, isPending, store.compare);
    cursor = null;
    if (target) view.setFocus(target.key);
  }

  /** The first (1) or last (-1) pending suggestion in text order. */
  function jumpPending(which) {
    const ordered = store.ordered();
    const target = which > 0 ? ordered.find(isPending) : ordered.findLast(isPending);
    if (target) view.setFocus(target.key);
    else toast("No suggestion is pending.");
  }

  return { decide, createSpan, edit, moveBoundary, pick, copyVerdict, undoLast, bulkCandidates, bulk, markDone, navigate, jumpPending, guard };
}

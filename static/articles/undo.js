// Undo as command objects: every saved action pushes a command that knows how to undo
// itself ({ title, undo: async () => result }). A result is { ok: true } or a failed call
// ({ ok: false, ... }); a command whose undo failed goes back on the stack, unless it says
// it can never succeed (`result.final`, e.g. the span changed meanwhile). The commands
// work through the store, the view and the API client they are given; no DOM here.

export class UndoStack {
  constructor(limit = 500) {
    this.limit = limit;
    this.items = [];
  }

  get size() {
    return this.items.length;
  }

  push(command) {
    this.items.push(command);
    if (this.items.length > this.limit) this.items.shift();
  }

  /** The newest command, undone: { state: "empty" } when there is none, else
   * { state: "done" | "failed", command, result }. */
  async undoLast() {
    const command = this.items.pop();
    if (!command) return { state: "empty" };
    let result;
    try {
      result = await command.undo();
    } catch (error) {
      result = { ok: false, status: 0, failure: "error", message: String(error?.message ?? error) };
    }
    if (result?.ok === false) {
      if (!result.final) this.items.push(result.rest ?? command);
      return { state: "failed", command, result };
    }
    return { state: "done", command, result };
  }
}

// ---- Undo commands: what a saved action pushes on the undo stack. Each knows how to undo
// itself against the server and then shows the result; a failed undo answers the failed
// call (the stack keeps the command, see UndoStack), with `final` when the span changed
// meanwhile (then the page shows it as it now is and the command is dropped).

export function createCommands({ store, view, api, articleId }) {
  // The span is still the one the command was made for (not removed by a later action).
  const here = (obj) => store.get(obj.key) === obj;

  function failed(obj, res) {
    if (obj && res.status === 409 && res.data?.current) {
      store.adopt(res.data.current, obj);
      view.redraw(obj);
      return { ...res, final: true };
    }
    return res;
  }

  function shown(obj, res) {
    view.redraw(obj);
    view.setFocus(here(obj) ? obj.key : null);
    return res;
  }

  /** Undo a decision on (or an edit of) a suggestion: delete the row, the suggestion returns. */
  function restoreSuggestion(obj, suggestion) {
    return {
      title: "decision",
      async undo() {
        if (!here(obj)) return { ok: true };
        const res = await api.delete(`spans/${obj.id}/?version=${obj.version}`);
        if (!res.ok) return failed(obj, res);
        store.adopt(suggestion, obj);
        return shown(obj, res);
      },
    };
  }

  /** Undo a decision on a row of the user's layer: decide it back. */
  function decideBack(obj, status) {
    const decision = status === "accepted" ? "accept" : "reject";
    return {
      title: "decision",
      async undo() {
        if (!here(obj)) return { ok: true };
        const res = await api.post(`spans/${obj.id}/decision/`, { decision, version: obj.version });
        if (!res.ok) return failed(obj, res);
        store.adopt(res.data, obj);
        return shown(obj, res);
      },
    };
  }

  /** Undo an edit of a row of the user's layer: put the changed fields back. */
  function editBack(obj, fields) {
    return {
      title: "edit",
      async undo() {
        if (!here(obj)) return { ok: true };
        const res = await api.patch(`spans/${obj.id}/`, { version: obj.version, ...fields });
        if (!res.ok) return failed(obj, res);
        store.adopt(res.data, obj);
        return shown(obj, res);
      },
    };
  }

  /** Undo drawing a span: delete it. */
  function deleteDrawn(obj) {
    return {
      title: "new span",
      async undo() {
        if (!here(obj)) return { ok: true };
        const res = await api.delete(`spans/${obj.id}/?version=${obj.version}`);
        if (!res.ok) return failed(obj, res);
        store.remove(obj.key);
        return shown(obj, res);
      },
    };
  }

  /** Undo deleting a span the user drew: draw it again. */
  function drawAgain(span) {
    return {
      title: "removal",
      async undo() {
        const res = await api.post(`articles/${articleId}/spans/`, {
          label: span.label,
          start: span.start,
          end: span.end,
          attrs: span.attrs,
          note: span.note,
        });
        if (!res.ok) return res;
        return shown(store.add(res.data), res);
      },
    };
  }

  /** Undo a bulk decision: every decided suggestion returns. If one fails, the ones not
   * undone yet stay on the stack as a command of their own. */
  function bulkBack(items) {
    return {
      title: "bulk decision",
      async undo() {
        for (let i = 0; i < items.length; i++) {
          const { obj, suggestion } = items[i];
          if (!here(obj)) continue;
          const res = await api.delete(`spans/${obj.id}/?version=${obj.version}`);
          if (!res.ok) {
            // A conflict: that one changed meanwhile (shown as it is now), the rest can go on.
            const out = failed(obj, res);
            const rest = items.slice(out.final ? i + 1 : i);
            return rest.length ? { ...out, final: false, rest: bulkBack(rest) } : out;
          }
          store.adopt(suggestion, obj);
          view.redraw(obj);
        }
        return { ok: true };
      },
    };
  }

  return { restoreSuggestion, decideBack, editBack, deleteDrawn, drawAgain, bulkBack };
}

// Undo as command objects: every saved action pushes a command that knows how to undo
// itself ({ title, undo: async () => result }). A result is { ok: true } or a failed call
// ({ ok: false, ... }); a command whose undo failed goes back on the stack, unless it says
// it can never succeed (`result.final`, e.g. the span changed meanwhile). No DOM here.

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

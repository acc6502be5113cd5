// The save queue: the page changes at once (optimistic) and its calls to the server run one
// at a time, in order. A task is
//   { keys: [span keys], ids: [span ids], run: async () => result,
//     done(result), fail(result, cancelled), cancel() }
// where run() answers { ok: true, ... } or { ok: false, ... } (it may also throw: that is a
// failure too). When a task fails, the tasks still waiting that touch one of its spans were
// built on its optimistic state: they are dropped and rolled back (cancel(), newest first)
// before the failed task's fail() restores the state from before it. No DOM here.

export class SaveQueue {
  constructor({ onChange = () => {}, onError = (error) => console.error(error) } = {}) {
    this.tasks = []; // waiting and running, in order; the running one is tasks[0]
    this.running = false;
    this.failures = 0; // failed tasks so far (cancelled ones not counted)
    this.waiters = [];
    this.onChange = onChange;
    this.onError = onError;
  }

  get pending() {
    return this.tasks.length;
  }

  push(task) {
    task.keys ??= [];
    task.ids ??= [];
    this.tasks.push(task);
    this.onChange(this.pending);
    this._pump();
  }

  /** Resolves once every task pushed so far (and any pushed meanwhile) has finished. */
  idle() {
    if (!this.tasks.length && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Span keys and ids of the tasks that have not finished, except `task`. */
  busy(except = null) {
    const keys = new Set();
    const ids = new Set();
    for (const t of this.tasks) {
      if (t === except) continue;
      for (const k of t.keys) keys.add(k);
      for (const id of t.ids) ids.add(id);
    }
    return { keys, ids };
  }

  _call(fn, ...args) {
    try {
      fn?.(...args);
    } catch (error) {
      this.onError(error);
    }
  }

  async _pump() {
    if (this.running) return;
    this.running = true;
    while (this.tasks.length) {
      const task = this.tasks[0];
      let result;
      try {
        result = await task.run();
      } catch (error) {
        result = { ok: false, status: 0, failure: "error", message: String(error?.message ?? error) };
      }
      this.tasks.shift();
      if (result?.ok === false) {
        this.failures++;
        const cancelled = this._dependents(task);
        for (const t of [...cancelled].reverse()) this._call(t.cancel);
        this._call(task.fail, result, cancelled.length);
      } else {
        this._call(task.done, result);
      }
      this.onChange(this.pending);
    }
    this.running = false;
    const waiters = this.waiters.splice(0);
    for (const resolve of waiters) resolve();
  }

  /** Remove and return the waiting tasks that touch the failed task's spans, directly or
   * through an earlier dropped task, in queue order. */
  _dependents(failed) {
    const keys = new Set(failed.keys);
    const out = [];
    this.tasks = this.tasks.filter((t) => {
      if (!t.keys.some((k) => keys.has(k))) return true;
      for (const k of t.keys) keys.add(k);
      out.push(t);
      return false;
    });
    return out;
  }
}

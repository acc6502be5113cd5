// The REST API client of the editor. A call never throws: it answers
//   { ok, status, data, failure }
// with failure null, "network" (no answer), "timeout" (no answer in time), "server" (5xx or
// an unreadable answer) or "refused" (4xx). failureText() says what went wrong in words a
// reader of the page understands: no field names, no row ids. Then the save queue that
// runs the calls. Uses fetch; no DOM.

export function createApi({ base, csrf, settings, fetch: fetchImpl = globalThis.fetch }) {
  async function request(method, path, body) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), settings.timeoutMs);
    const failed = (failure, status = 0, data = null) => ({ ok: false, status, data, failure });
    try {
      let response;
      try {
        response = await fetchImpl(base + path, {
          method,
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: controller.signal,
        });
      } catch {
        return failed(controller.signal.aborted ? "timeout" : "network");
      }
      let data = null;
      if (response.status !== 204) {
        try {
          data = await response.json();
        } catch {
          if (controller.signal.aborted) return failed("timeout", response.status);
          if (response.ok || response.status >= 500) return failed("server", response.status);
        }
      }
      if (response.ok) return { ok: true, status: response.status, data, failure: null };
      return failed(response.status >= 500 ? "server" : "refused", response.status, data);
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    request,
    get: (path) => request("GET", path),
    post: (path, body) => request("POST", path, body),
    patch: (path, body) => request("PATCH", path, body),
    put: (path, body) => request("PUT", path, body),
    delete: (path) => request("DELETE", path),
  };
}

const BY_FAILURE = {
  network: "The server could not be reached.",
  timeout: "The server did not answer in time.",
  server: "The server ran into a problem.",
  error: "Something went wrong in the page.",
};

const BY_STATUS = {
  403: "Your role in this project does not allow this.",
  404: "It no longer exists on the server.",
  409: "It was changed meanwhile, perhaps in another tab.",
};

// Server messages name rows and versions for API users; the page leaves those out.
const DETAILS = [
  [/ span \d+ \[\d+, \d+\)/g, " span"],
  [/ \(your version \d+, now \d+\)/g, ""],
];

// The API's field names as words, for messages that say "this field".
const FIELD_WORDS = {
  label: "the label",
  start: "the start of the span",
  end: "the end of the span",
  attrs: "the span's details",
  note: "the note",
  decision: "the decision",
  state: "the review state",
  version: "the span",
  ids: "the suggestions",
};

// A message still written for API users after that (field names in quotes, offsets, code,
// row ids) is replaced by a plain one for its field.
const TECHNICAL = /'\w+'|\b\w+_(start|end)\b|[<>=]|\[\d+, ?\d+\)|\w\[\d+\]|\bpk\b|\bids?\b|#\d+/;
const PLAIN = {
  label: "That label is not one of this project's.",
  start: "The span's boundaries are not inside the text.",
  end: "The span's boundaries are not inside the text.",
  attrs: "A value taken from the text no longer matches its words; pick it again.",
};
const PLAIN_ANY = "The server refused the change.";

/** A server message about field `key` in words a reader of the page understands. */
export function plainMessage(key, message) {
  let text = String(message);
  for (const [pattern, replacement] of DETAILS) text = text.replace(pattern, replacement);
  text = text.replace(/\bthis field\b/gi, FIELD_WORDS[key] ?? "this value");
  return TECHNICAL.test(text) ? (PLAIN[key] ?? PLAIN_ANY) : sentence(text);
}

/** What went wrong with a failed call, as one or more sentences. */
export function failureText(result) {
  if (result.message) return sentence(result.message);
  if (result.failure && BY_FAILURE[result.failure]) return BY_FAILURE[result.failure];
  const messages = [];
  const data = result.data;
  if (typeof data === "string") messages.push(plainMessage("", data));
  else if (data && typeof data === "object") {
    for (const [key, value] of Object.entries(data)) {
      if (key === "current") continue;
      for (const m of Array.isArray(value) ? value : [value]) {
        if (typeof m === "string") messages.push(plainMessage(key, m));
      }
    }
  }
  if (!messages.length) return BY_STATUS[result.status] ?? PLAIN_ANY;
  return [...new Set(messages)].join(" ");
}

function sentence(text) {
  const t = String(text).trim();
  if (!t) return t;
  const capital = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

// ---- The save queue: the page changes at once (optimistic) and its calls to the server run one
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
    // Started after the current task (a key handler) returns, so the call is not made
    // inside the handler.
    queueMicrotask(() => this._pump());
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

// Bringing the page back in step with the server: the suggestions of a pre-tagging that
// finished while the page was open, and after a call that timed out (the server may have
// saved it after all) the server's view. Both are queued behind the saves already waiting,
// and neither touches a span whose change is still being saved. Nothing runs at import.
import { failureText } from "./api.js";
import { toast } from "./panels.js";

export function createSync({ data, store, view, queue, api }) {
  const articleId = data.article.id;
  const listOf = (res) => (Array.isArray(res.data) ? res.data : (res.data?.results ?? []));

  /** The server's view of the spans, merged in: `after(result)` says what changed. */
  function merge({ redrawAll, after, failed }) {
    const task = {
      run: () => api.get(`articles/${articleId}/spans/`),
      done: async (res) => {
        const result = store.merge(listOf(res), queue.busy(task));
        if (redrawAll) await view.redrawAll();
        else view.redraw(...result.added, ...result.changed, ...result.removed);
        after(result);
      },
      fail: failed,
    };
    queue.push(task);
  }

  function loadSuggestions() {
    merge({
      redrawAll: true,
      after: ({ added }) => {
        const n = added.length;
        toast(n ? `Pre-tagging finished: ${n} new suggestion${n === 1 ? "" : "s"}.` : "Pre-tagging finished.");
      },
      failed: (res) => toast(`The new suggestions could not be loaded. ${failureText(res)} Reload the page to see them.`, "error"),
    });
  }

  /** After a timeout: show what the server has, if it differs from the page. */
  function resync() {
    merge({
      redrawAll: false,
      after: ({ added, changed, removed }) => {
        if (added.length + changed.length + removed.length) {
          toast("The server had saved part of it after all: the page now shows what it has.", "conflict");
        }
      },
      failed: () => {}, // the timeout has been told already
    });
  }

  /** While pre-tagging is pending or running, wait for it; then load the suggestions. */
  function watchPretag() {
    if (FINISHED.has(data.article.pretag_state)) return;
    const pill = document.getElementById("pretag-pill");
    const show = (state, error) => {
      if (!pill) return;
      pill.hidden = state === "done";
      pill.className = `pill pretag-${state}`;
      pill.textContent = `pre-tag ${state}`;
      pill.title = error ?? "";
    };
    const poller = createPoller({
      check: async () => {
        const res = await api.get(`articles/${articleId}/`);
        if (!res.ok) return null;
        show(res.data.pretag_state, res.data.pretag_error);
        return res.data.pretag_state;
      },
      onFinished: (state) =>
        state === "done" ? loadSuggestions() : toast("Pre-tagging failed: this article has no suggestions.", "error"),
      hidden: () => document.hidden,
    });
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) poller.shown();
    });
    poller.start();
  }

  return { loadSuggestions, resync, watchPretag };
}

// ---- Waiting for pre-tagging: while the article's pre-tag state is pending or running, ask the
// server every few seconds, less often the longer it takes; pause while the tab is hidden
// (and ask again at once when it is shown); stop when it is done or failed. No DOM here:
// the clock and the visibility test are passed in.

export const POLL_DELAYS = [2000, 3000, 4000, 6000, 9000, 13000, 20000, 30000];
export const FINISHED = new Set(["done", "failed"]);

/**
 * check: async () => the pre-tag state, or null when the server did not answer;
 * onFinished(state): called once, with "done" or "failed".
 */
export function createPoller({
  check,
  onFinished,
  hidden = () => false,
  timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (id) => clearTimeout(id) },
  delays = POLL_DELAYS,
}) {
  let attempt = 0;
  let timer = null;
  let stopped = false;
  let paused = false;
  let asking = false;

  const schedule = () => {
    if (stopped) return;
    timer = timers.set(tick, delays[Math.min(attempt, delays.length - 1)]);
    attempt++;
  };

  async function tick() {
    timer = null;
    if (stopped || asking) return;
    if (hidden()) {
      paused = true;
      return;
    }
    asking = true;
    const state = await check();
    asking = false;
    if (stopped) return;
    if (FINISHED.has(state)) {
      stopped = true;
      onFinished(state);
      return;
    }
    schedule();
  }

  return {
    start: schedule,
    stop() {
      stopped = true;
      if (timer !== null) timers.clear(timer);
      timer = null;
    },
    /** The tab is shown again: ask at once, then back to the shortest delay. */
    shown() {
      if (!paused || stopped) return;
      paused = false;
      attempt = 0;
      tick();
    },
    get stopped() {
      return stopped;
    },
    get paused() {
      return paused;
    },
  };
}

// Bringing the page back in step with the server: the suggestions of a pre-tagging that
// finished while the page was open, and after a call that timed out (the server may have
// saved it after all) the server's view. Both are queued behind the saves already waiting,
// and neither touches a span whose change is still being saved.
import { failureText } from "./api.js";
import { toast } from "./panels.js";
import { FINISHED, createPoller } from "./pretag.js";

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

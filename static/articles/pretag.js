// Waiting for pre-tagging: while the article's pre-tag state is pending or running, ask the
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

// Waiting for pre-tagging: backs off, pauses while hidden, stops when done or failed.
import assert from "node:assert/strict";
import test from "node:test";

import { createPoller } from "../../static/articles/sync.js";

// A clock the test advances by hand: timers fire in order of their due time.
function manualClock() {
  let now = 0;
  let seq = 0;
  const due = new Map();
  return {
    timers: {
      set: (fn, ms) => {
        due.set(++seq, { at: now + ms, fn });
        return seq;
      },
      clear: (id) => due.delete(id),
    },
    delays: () => [...due.values()].map((t) => t.at - now),
    async next() {
      const [id, t] = [...due.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      due.delete(id);
      now = t.at;
      await t.fn();
    },
    get now() {
      return now;
    },
  };
}

test("asks with growing delays until done, then calls back once", async () => {
  const clock = manualClock();
  const states = ["pending", "running", null, "running", "done"];
  const asked = [];
  const finished = [];
  const poller = createPoller({
    check: async () => {
      asked.push(clock.now);
      return states.shift();
    },
    onFinished: (s) => finished.push(s),
    timers: clock.timers,
    delays: [10, 20, 40],
  });
  poller.start();
  for (let i = 0; i < 5; i++) await clock.next();
  assert.deepEqual(asked, [10, 30, 70, 110, 150]);
  assert.deepEqual(finished, ["done"]);
  assert.equal(poller.stopped, true);
  assert.deepEqual(clock.delays(), []);
});

test("failed pre-tagging stops too", async () => {
  const clock = manualClock();
  const finished = [];
  createPoller({ check: async () => "failed", onFinished: (s) => finished.push(s), timers: clock.timers }).start();
  await clock.next();
  assert.deepEqual(finished, ["failed"]);
  assert.deepEqual(clock.delays(), []);
});

test("a hidden tab is not polled; shown again, it asks at once", async () => {
  const clock = manualClock();
  let hidden = false;
  let asked = 0;
  const poller = createPoller({
    check: async () => {
      asked++;
      return "pending";
    },
    onFinished: () => {},
    hidden: () => hidden,
    timers: clock.timers,
    delays: [10, 20],
  });
  poller.start();
  await clock.next();
  assert.equal(asked, 1);
  hidden = true;
  await clock.next();
  assert.equal(asked, 1);
  assert.equal(poller.paused, true);
  assert.deepEqual(clock.delays(), []);
  hidden = false;
  await poller.shown();
  assert.equal(asked, 2);
  assert.deepEqual(clock.delays(), [10]); // back to the shortest delay
});

test("stop() cancels the next question", async () => {
  const clock = manualClock();
  const poller = createPoller({ check: async () => "pending", onFinished: () => {}, timers: clock.timers });
  poller.start();
  poller.stop();
  assert.deepEqual(clock.delays(), []);
  poller.shown();
  assert.deepEqual(clock.delays(), []);
});

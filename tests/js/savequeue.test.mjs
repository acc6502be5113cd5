// The save queue: calls in order, one at a time; a failure rolls back the failed task and
// the waiting tasks built on it, newest first; idle() waits for everything.
import assert from "node:assert/strict";
import test from "node:test";

import { SaveQueue } from "../../static/articles/api.js";

// A call whose answer the test gives when it wants to.
function later() {
  let answer;
  const promise = new Promise((resolve) => (answer = resolve));
  return { promise, answer };
}

function task(name, log, { keys = [], ids = [], result = { ok: true }, gate } = {}) {
  return {
    keys,
    ids,
    run: async () => {
      log.push(`run ${name}`);
      if (gate) await gate.promise;
      if (result instanceof Error) throw result;
      return result;
    },
    done: () => log.push(`done ${name}`),
    fail: (r, cancelled) => log.push(`fail ${name} (${r.failure ?? r.status}, ${cancelled} cancelled)`),
    cancel: () => log.push(`cancel ${name}`),
  };
}

test("tasks run one at a time in order; idle() resolves after the last", async () => {
  const log = [];
  const counts = [];
  const queue = new SaveQueue({ onChange: (n) => counts.push(n) });
  const gate = later();
  queue.push(task("a", log, { gate }));
  queue.push(task("b", log));
  assert.deepEqual(log, []); // calls start once the pushing code has returned
  await null;
  assert.deepEqual(log, ["run a"]);
  assert.equal(queue.pending, 2);
  const idle = queue.idle();
  gate.answer();
  await idle;
  assert.deepEqual(log, ["run a", "done a", "run b", "done b"]);
  assert.equal(queue.pending, 0);
  assert.deepEqual(counts, [1, 2, 1, 0]);
  await queue.idle(); // nothing pending: resolves at once
});

test("a failure cancels the waiting tasks on the same spans, newest first, then rolls back", async () => {
  const log = [];
  const queue = new SaveQueue();
  const gate = later();
  queue.push(task("accept A", log, { keys: ["A"], gate, result: { ok: false, failure: "network" } }));
  queue.push(task("note on A", log, { keys: ["A"] }));
  queue.push(task("accept B", log, { keys: ["B"] }));
  queue.push(task("bulk A+C", log, { keys: ["A", "C"] }));
  queue.push(task("edit C", log, { keys: ["C"] }));
  gate.answer();
  await queue.idle();
  assert.deepEqual(log, [
    "run accept A",
    "cancel edit C",
    "cancel bulk A+C",
    "cancel note on A",
    "fail accept A (network, 3 cancelled)",
    "run accept B",
    "done accept B",
  ]);
  assert.equal(queue.failures, 1);
});

test("a call that throws is a failure like any other", async () => {
  const log = [];
  const queue = new SaveQueue();
  queue.push(task("a", log, { keys: ["A"], result: new Error("offline") }));
  await queue.idle();
  assert.deepEqual(log, ["run a", "fail a (error, 0 cancelled)"]);
});

test("busy() names the spans of the tasks that have not finished", async () => {
  const log = [];
  const queue = new SaveQueue();
  const gate = later();
  const merge = task("merge", log, { gate });
  queue.push(merge);
  queue.push(task("accept", log, { keys: ["k1"], ids: [11] }));
  queue.push(task("remove", log, { keys: ["k2"], ids: [12] }));
  const busy = queue.busy(merge);
  assert.deepEqual([...busy.keys], ["k1", "k2"]);
  assert.deepEqual([...busy.ids], [11, 12]);
  gate.answer();
  await queue.idle();
  assert.equal(queue.busy().keys.size, 0);
});

test("an error in a done handler is reported and the queue goes on", async () => {
  const errors = [];
  const log = [];
  const queue = new SaveQueue({ onError: (e) => errors.push(e.message) });
  queue.push({ run: async () => ({ ok: true }), done: () => { throw new Error("bad handler"); } });
  queue.push(task("next", log));
  await queue.idle();
  assert.deepEqual(errors, ["bad handler"]);
  assert.deepEqual(log, ["run next", "done next"]);
});

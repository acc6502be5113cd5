// The undo stack of command objects.
import assert from "node:assert/strict";
import test from "node:test";

import { UndoStack } from "../../static/articles/undo.js";

const command = (title, result, log) => ({
  title,
  undo: async () => {
    log.push(title);
    return typeof result === "function" ? result() : result;
  },
});

test("undoes the newest command first; empty says so", async () => {
  const log = [];
  const stack = new UndoStack();
  stack.push(command("draw", { ok: true }, log));
  stack.push(command("accept", { ok: true }, log));
  assert.equal((await stack.undoLast()).state, "done");
  assert.equal((await stack.undoLast()).state, "done");
  assert.deepEqual(log, ["accept", "draw"]);
  assert.deepEqual(await stack.undoLast(), { state: "empty" });
});

test("a failed undo stays on the stack to be tried again", async () => {
  const log = [];
  const stack = new UndoStack();
  let online = false;
  stack.push(command("accept", () => (online ? { ok: true } : { ok: false, failure: "network" }), log));
  const first = await stack.undoLast();
  assert.equal(first.state, "failed");
  assert.equal(first.result.failure, "network");
  assert.equal(stack.size, 1);
  online = true;
  assert.equal((await stack.undoLast()).state, "done");
  assert.equal(stack.size, 0);
});

test("a final failure drops the command; a partial one leaves the rest", async () => {
  const log = [];
  const stack = new UndoStack();
  const rest = command("the rest", { ok: true }, log);
  stack.push(command("stale", { ok: false, status: 409, final: true }, log));
  assert.equal((await stack.undoLast()).state, "failed");
  assert.equal(stack.size, 0);
  stack.push(command("bulk", { ok: false, failure: "timeout", rest }, log));
  await stack.undoLast();
  assert.equal(stack.items[0], rest);
});

test("a command that throws is a failed undo, kept", async () => {
  const stack = new UndoStack();
  stack.push({ title: "broken", undo: async () => { throw new Error("boom"); } });
  const r = await stack.undoLast();
  assert.equal(r.state, "failed");
  assert.equal(r.result.message, "boom");
  assert.equal(stack.size, 1);
});

test("the stack keeps at most `limit` commands", () => {
  const stack = new UndoStack(2);
  for (const t of ["a", "b", "c"]) stack.push({ title: t, undo: async () => ({ ok: true }) });
  assert.deepEqual(stack.items.map((c) => c.title), ["b", "c"]);
});

// The API client against a small HTTP server of ours: answers, refusals, server errors, no
// server at all, and a server that never answers; and the words a failure is told in.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import test from "node:test";

import { createApi, failureText, plainMessage } from "../../static/articles/api.js";

const ROUTES = {
  "/api/ok/": (req, res, body) => json(res, 200, { method: req.method, got: body, csrf: req.headers["x-csrftoken"] }),
  "/api/gone/": (req, res) => {
    res.writeHead(204);
    res.end();
  },
  "/api/overlap/": (req, res) =>
    json(res, 400, { start: ["It overlaps your claim span 812 [10, 41); spans of one label never overlap."] }),
  "/api/fields/": (req, res) => json(res, 400, { attrs: ["Null characters and lone surrogates are not allowed."], note: ["too long"] }),
  "/api/stale/": (req, res) =>
    json(res, 409, { version: ["The span changed since you loaded it (your version 2, now 3)."], current: { id: 7 } }),
  "/api/forbidden/": (req, res) => json(res, 403, {}),
  "/api/crash/": (req, res) => {
    res.writeHead(500, { "Content-Type": "text/html" });
    res.end("<h1>Server Error (500)</h1>");
  },
  "/api/hang/": () => {}, // never answers
};

function json(res, status, data) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(data));
}

async function withServer(fn) {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => ROUTES[req.url]?.(req, res, body ? JSON.parse(body) : null));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}/api/`;
  try {
    await fn(base);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const settings = { timeoutMs: 2000 };

test("answers: JSON with the CSRF header sent, 204 without a body", async () => {
  await withServer(async (base) => {
    const api = createApi({ base, csrf: "tok", settings });
    const r = await api.post("ok/", { decision: "accept" });
    assert.deepEqual(r, { ok: true, status: 200, failure: null, data: { method: "POST", got: { decision: "accept" }, csrf: "tok" } });
    assert.deepEqual(await api.delete("gone/"), { ok: true, status: 204, data: null, failure: null });
  });
});

test("refusals keep the server's messages, told without field names or row ids", async () => {
  await withServer(async (base) => {
    const api = createApi({ base, csrf: "", settings });
    const overlap = await api.patch("overlap/", {});
    assert.equal(overlap.failure, "refused");
    assert.equal(overlap.status, 400);
    assert.equal(failureText(overlap), "It overlaps your claim span; spans of one label never overlap.");
    assert.equal(failureText(await api.patch("fields/", {})), "Null characters and lone surrogates are not allowed. Too long.");
    const stale = await api.post("stale/", {});
    assert.equal(stale.data.current.id, 7);
    assert.equal(failureText(stale), "The span changed since you loaded it.");
    assert.equal(failureText(await api.post("forbidden/", {})), "Your role in this project does not allow this.");
  });
});

test("a 500 page is a server failure", async () => {
  await withServer(async (base) => {
    const r = await createApi({ base, csrf: "", settings }).post("crash/", {});
    assert.deepEqual([r.ok, r.status, r.failure], [false, 500, "server"]);
    assert.equal(failureText(r), "The server ran into a problem.");
  });
});

test("no server: a network failure, not an exception", async () => {
  let base;
  await withServer(async (b) => (base = b)); // a port that was just closed
  const r = await createApi({ base, csrf: "", settings }).post("ok/", {});
  assert.deepEqual([r.ok, r.status, r.failure], [false, 0, "network"]);
  assert.equal(failureText(r), "The server could not be reached.");
});

test("no answer in time: a timeout", async () => {
  await withServer(async (base) => {
    const t0 = Date.now();
    const r = await createApi({ base, csrf: "", settings: { timeoutMs: 150 } }).post("hang/", {});
    assert.deepEqual([r.ok, r.failure], [false, "timeout"]);
    assert.ok(Date.now() - t0 < 1500);
    assert.equal(failureText(r), "The server did not answer in time.");
  });
});

test("a message of the page's own is told as a sentence", () => {
  assert.equal(failureText({ ok: false, message: "an earlier change was not saved" }), "An earlier change was not saved.");
  assert.equal(failureText({ ok: false, status: 404, data: null }), "It no longer exists on the server.");
  assert.equal(failureText({ ok: false, status: 400, data: "plain" }), "Plain.");
});

test("messages written for API users are told without field names, offsets or code", () => {
  // The server's own wording for a picked speaker whose offsets went stale.
  const stale = "'speaker' must be the words at [speaker_start, speaker_end): 'Ana'.";
  assert.equal(plainMessage("attrs", stale), "A value taken from the text no longer matches its words; pick it again.");
  assert.equal(plainMessage("start", "Offsets must satisfy 0 <= start < end <= 120 (got 5, 200)."), "The span's boundaries are not inside the text.");
  assert.equal(plainMessage("label", "Object with name=opinion does not exist."), "That label is not one of this project's.");
  assert.equal(plainMessage("version", 'Invalid pk "5" - object does not exist.'), "The server refused the change.");
  // "This field" says which one.
  assert.equal(plainMessage("note", "Ensure this field has no more than 2000 characters."), "Ensure the note has no more than 2000 characters.");
  assert.equal(plainMessage("label", "This field is required."), "The label is required.");
  assert.equal(plainMessage("whatever", "This field may not be blank."), "This value may not be blank.");
  // Plain messages pass as they are.
  assert.equal(plainMessage("attrs", "Null characters and lone surrogates are not allowed."), "Null characters and lone surrogates are not allowed.");
});

test("a refusal with the same plain message for two fields says it once", () => {
  const r = { ok: false, status: 400, failure: "refused", data: { start: ["Offsets must satisfy 0 <= start"], end: ["Offsets must satisfy 0 <= start"] } };
  assert.equal(failureText(r), "The span's boundaries are not inside the text.");
});

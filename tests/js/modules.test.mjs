// The editor's modules as a whole: small files, nothing read from the DOM at import time,
// no label tested by name, and every module preloaded and in the page's import map.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const dir = join(repo, "static/articles");
const modules = readdirSync(dir).filter((f) => f.endsWith(".js")).sort();
const ENTRY = "editor.js";

function jsFiles(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(folder, e.name)) : e.name.endsWith(".js") ? [join(folder, e.name)] : [],
  );
}

test("no JavaScript file under static/ is over 400 lines", () => {
  const long = jsFiles(join(repo, "static"))
    .map((f) => [f.slice(repo.length), readFileSync(f, "utf8").split("\n").length - 1])
    .filter(([, n]) => n > 400);
  assert.deepEqual(long, []);
});

test("every module but the entry loads without a DOM (nothing runs at import time)", async () => {
  assert.equal(typeof document, "undefined");
  for (const name of modules.filter((m) => m !== ENTRY)) {
    const m = await import(join(dir, name));
    assert.ok(Object.keys(m).length > 0, `${name} exports something`);
  }
});

test("no module knows a label by name", () => {
  for (const name of modules) {
    const source = readFileSync(join(dir, name), "utf8");
    assert.doesNotMatch(source, /["'`](quote|speculation|claim|speaker|cue|direct)["'`]/, name);
  }
});

test("the page preloads every module and maps each in its import map", () => {
  const page = readFileSync(join(repo, "templates/articles/article_detail.html"), "utf8");
  const mapped = [...page.matchAll(/"\{% get_static_prefix %\}articles\/([\w-]+\.js)": "\{% static 'articles\/\1' %\}"/g)].map((m) => m[1]);
  const preloaded = [...page.matchAll(/<link rel="modulepreload" href="\{% static 'articles\/([\w-]+\.js)' %\}">/g)].map((m) => m[1]);
  const others = modules.filter((m) => m !== ENTRY);
  assert.deepEqual(mapped.sort(), others);
  assert.deepEqual(preloaded.sort(), others);
  assert.match(page, /<script type="module" src="\{% static 'articles\/editor\.js' %\}">/);
});

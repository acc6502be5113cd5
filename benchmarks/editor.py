"""Editor: page draw time and weight, a long article, accept latency in headless Chromium,
and the server's decision save time at two database sizes.

Serves the app on a free local port (``benchmarks.server``) against the configured database,
works in a throw-away project (deleted afterwards unless ``--keep``), and reads the marks the
editor script sets (``performance.mark``) from the page. Coupling to the app: the editor
page's URL and marks, the login form, ``window.annEditor.idle()``, and the decision API.
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING, Any

from django.test import Client
from django.test.utils import override_settings

from benchmarks import seeding
from benchmarks.browser import CHROMIUM_PATH, chromium, require_chromium
from benchmarks.cli import Output
from benchmarks.errors import BenchmarkError
from benchmarks.server import served
from benchmarks.timing import Samples, samples

if TYPE_CHECKING:
    from articles.models import Project


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--chromium", default=CHROMIUM_PATH)
    parser.add_argument("--words", type=int, default=20_000, help="Words of the long article.")
    parser.add_argument("--spans", type=int, default=2_000, help="Its suggestions.")
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument(
        "--filler-spans",
        type=int,
        default=100_000,
        help="Spans added for the second database size of the decision benchmark (0: skip).",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark project.")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="Also print where a page load's time goes (navigation and resource timing).",
    )


def run(options: argparse.Namespace, out: Output) -> None:
    require_chromium(options.chromium)
    with seeding.scratch(keep=options.keep) as made:
        editor = made.user(can_log_in=True)
        project = made.project("editor", editors=[editor])
        seed_text, seed_tagged = seeding.tagged_text(1_150)
        seed = seeding.article(project, seed_text, "Seed article")
        seed_spans = seeding.suggest(seed, seed_tagged, 25)
        big_text, big_tagged = seeding.tagged_text(options.words)
        big = seeding.article(project, big_text, "Long article")
        big_spans = seeding.suggest(big, big_tagged, options.spans)
        big_words = len(big.text.split())
        out(
            f"seed article: {len(seed.text.encode()) / 1024:.1f} KB, {seed_spans} spans; "
            f"long article: {big_words} words, {big_spans} spans"
        )
        with served() as base:
            for line in _browser(base, editor, seed.pk, big.pk, big_words, big_spans, options):
                out(line)
            _decisions(project, editor, options, out)


# Figures of one page load, read from the Navigation and Resource Timing APIs and the marks
# the editor sets; times are ms after navigation started.
_LOAD_FIGURES_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  // must: the marks every load sets (a missing one is an error); mark: those it may not.
  const must = (name) => performance.getEntriesByName(name)[0].startTime;
  const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? 0;
  return {
    drawn: must('spans-drawn'), painted: must('spans-painted'),
    bytes: nav.transferSize + res.reduce((n, r) => n + r.transferSize, 0),
    body: nav.encodedBodySize + res.reduce((n, r) => n + r.encodedBodySize, 0),
    requests: res.length + 1,
    response: nav.responseEnd, script: mark('editor-start'),
    ttfb: nav.responseStart, interactive: nav.domInteractive,
    list: mark('list-drawn'), all: mark('all-spans-drawn'),
    ready: must('editor-spans-ready'), textDrawn: must('editor-text-drawn'),
    text: must('editor-text-drawn') - must('editor-spans-ready'),
    resources: res.map((r) => [
      r.name.split('/').pop(), r.startTime, r.responseEnd, r.transferSize,
    ]),
  };
}"""

# ``n`` accepts in a row ('a' on the focused suggestion moves focus to the next one): the key
# handlers' time, the next painted frame, and the server's answer, each from the key press.
_ACCEPTS_JS = """async (n) => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
  const ui = [], saved = [], js = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    document.dispatchEvent(new KeyboardEvent('keydown', {key: 'a', bubbles: true}));
    js.push(performance.now() - t0);
    await frame();
    ui.push(performance.now() - t0);
    await window.annEditor.idle();
    saved.push(performance.now() - t0);
  }
  return {ui, saved, js, errors: document.querySelectorAll('.toast.error').length};
}"""


def _median(loads: list[dict[str, Any]], key: str) -> float:
    return samples([load[key] for load in loads]).median


def _browser(
    base: str,
    editor: seeding.BenchUser,
    seed_id: int,
    big_id: int,
    big_words: int,
    big_spans: int,
    options: argparse.Namespace,
) -> list[str]:
    lines: list[str] = []
    with chromium(options.chromium) as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", editor.username)
        page.fill("#id_password", editor.password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

        def load(article_id: int) -> dict[str, Any]:
            page.goto(f"{base}/articles/{article_id}/")
            page.wait_for_selector("body[data-ready='1']")
            page.wait_for_function("() => performance.getEntriesByName('spans-painted').length")
            return page.evaluate(_LOAD_FIGURES_JS)

        first = load(seed_id)  # cold cache: every byte counted
        warm = [load(seed_id) for _ in range(5)]
        lines.append(
            f"seed article, cold: spans drawn {first['drawn']:.0f} ms after navigation "
            f"(painted {first['painted']:.0f} ms), {first['bytes'] / 1024:.1f} kB "
            f"transferred ({first['body'] / 1024:.1f} kB bodies) in {first['requests']} "
            "requests"
        )
        lines.append(
            "seed article, warm (median of 5): spans drawn "
            f"{_median(warm, 'drawn'):.0f} ms, painted {_median(warm, 'painted'):.0f} ms "
            f"(HTML received {_median(warm, 'response'):.0f} ms, editor script started "
            f"{_median(warm, 'script'):.0f} ms)"
        )
        if options.profile:
            w = warm[-1]
            lines.append(
                f"  profile, last warm seed load: first byte {w['ttfb']:.0f} ms, HTML "
                f"{w['response']:.0f} ms, DOM interactive {w['interactive']:.0f} ms, script "
                f"{w['script']:.0f} ms, drawn {w['drawn']:.0f} ms; resources: "
                + ", ".join(
                    f"{name} {t0:.0f}-{t1:.0f} ms ({size} B)"
                    for name, t0, t1, size in w["resources"]
                )
            )
        runs = [load(big_id) for _ in range(3)]
        lines.append(
            f"long article ({big_words} words, {big_spans} spans), median "
            f"of 3: spans drawn {_median(runs, 'drawn'):.0f} ms, painted "
            f"{_median(runs, 'painted'):.0f} ms, every span and the side "
            f"list drawn {_median(runs, 'all'):.0f} ms (HTML received "
            f"{_median(runs, 'response'):.0f} ms, script started "
            f"{_median(runs, 'script'):.0f} ms, text DOM built in "
            f"{_median(runs, 'text'):.0f} ms), page "
            f"{runs[0]['body'] / 1024:.0f} kB"
        )
        if options.profile:
            r = runs[-1]
            lines.append(
                f"  profile, last long load: first byte {r['ttfb']:.0f} ms, HTML "
                f"{r['response']:.0f} ms, DOM interactive {r['interactive']:.0f} ms, script "
                f"{r['script']:.0f} ms, spans parsed {r['ready']:.0f} ms, text drawn "
                f"{r['textDrawn']:.0f} ms, drawn {r['drawn']:.0f} ms, painted "
                f"{r['painted']:.0f} ms, side list {r['list']:.0f} ms, all spans "
                f"{r['all']:.0f} ms"
            )
        page.keyboard.press("j")  # focus the first suggestion; each accept moves on
        accepts = page.evaluate(_ACCEPTS_JS, 30)
        ui = samples(accepts["ui"])
        lines.append(
            "accept on the long article, median of 30: key handlers "
            f"{samples(accepts['js']).median:.1f} ms, next frame painted "
            f"{ui.median:.1f} ms, saved on the server "
            f"{samples(accepts['saved']).median:.1f} ms (max frame "
            f"{ui.worst:.1f} ms; {accepts['errors']} errors)"
        )
    return lines


def _decisions(
    project: Project,
    editor: seeding.BenchUser,
    options: argparse.Namespace,
    out: Output,
) -> None:
    """Decision saves through Django's test client (no browser, no network), timed one by
    one, in a small database and again after adding ``--filler-spans`` spans."""
    client = Client()
    client.force_login(editor.user)
    n = options.decisions

    def measure(size: str) -> None:
        text, tagged = seeding.tagged_text(n * 12)
        article = seeding.article(project, f"{size}. {text}", f"Decisions {size}")
        seeding.suggest(article, tagged, n)
        times = []
        for pk in seeding.suggestion_ids(article):
            began = time.perf_counter()
            response = client.post(
                f"/api/spans/{pk}/decision/",
                {"decision": "accept" if pk % 3 else "reject"},
                content_type="application/json",
            )
            times.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                raise BenchmarkError(
                    f"decision failed: {response.status_code} {response.content!r}"
                )
        _print_decisions(out, size, seeding.span_count(), samples(times))

    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        measure("small")
        if options.filler_spans:
            per = 1_000
            text, tagged = seeding.tagged_text(per * 12)
            for i in range(max(1, options.filler_spans // per)):
                filler = seeding.article(project, f"{i}. {text}", "Filler")
                seeding.suggest(filler, tagged, per)
            measure("large")


def _print_decisions(out: Output, size: str, total: int, times: Samples) -> None:
    out(
        f"decision POST in-process ({size}, {total} spans in the database): "
        f"median {times.median:.1f} ms, p90 {times.p90:.1f} ms over {len(times)} decisions"
    )

"""Measure the editor: page draw time and weight, a 20k-word article, accept latency,
and the server's decision save time at two database sizes.

Starts its own threaded WSGI server on a free port against the configured database, creates
its data in a throw-away project (deleted afterwards unless --keep), and drives Debian's
headless Chromium through Playwright.
"""

from __future__ import annotations

import os
import secrets
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.test.utils import override_settings

from articles.chromium import CHROMIUM_ARGS, CHROMIUM_PATH
from articles.models import Article, Label, Project, Span
from articles.services import article_create, membership_set, project_create
from articles.serving import served_like_development

SENTENCES = [
    ("claim", "The council approved the new budget on Monday after a long debate."),
    ("speculation", "Perhaps the vote will be reopened when the spring session begins."),
    ("quote", "We are ready to rebuild the bridge before the winter storms arrive."),
    ("claim", "Traffic on the river crossing fell by twelve percent last year 🌉."),
    ("speculation", "It may turn out that the subsidy costs more than anyone expected."),
]
FILLER = "Residents gathered outside the hall while reporters waited for the results. "


class _QuietHandler(WSGIRequestHandler):
    # wsgiref writes the status line, headers and body separately: without this, Nagle's
    # algorithm and delayed ACKs add ~40 ms to every response.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadedServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@contextmanager
def _served() -> Iterator[str]:
    """The app on a free local port, served as in development (no TLS, static from finders)."""
    overrides = served_like_development(
        ALLOWED_HOSTS=["127.0.0.1", "localhost"], WHITENOISE_AUTOREFRESH=False
    )
    overrides.enable()
    try:
        from django.core.wsgi import get_wsgi_application

        server = make_server(
            "127.0.0.1",
            0,
            get_wsgi_application(),
            server_class=_ThreadedServer,
            handler_class=_QuietHandler,
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            server.server_close()
    finally:
        overrides.disable()


def _article_text(words: int) -> tuple[str, list[tuple[str, str]]]:
    """Text of about ``words`` words and the sentences to pre-tag, in order."""
    parts: list[str] = []
    tagged: list[tuple[str, str]] = []
    count = 0
    i = 0
    while count < words:
        label, sentence = SENTENCES[i % len(SENTENCES)]
        parts.append(sentence + " ")
        tagged.append((label, sentence))
        if label in ("speculation", "quote"):
            # A claim nested in the speculation: overlapping spans of different labels.
            tagged.append(("claim", " ".join(sentence.split()[-5:])))
        count += len(sentence.split())
        if i % 4 == 3:
            parts.append(FILLER + "\n\n")
            count += len(FILLER.split())
        i += 1
    return "".join(parts).strip(), tagged


def _suggest(article: Article, tagged: list[tuple[str, str]], limit: int) -> int:
    """Store one suggestion per tagged sentence (up to ``limit``), as the pre-tagger would."""
    labels = {label.name: label for label in Label.objects.filter(project=article.project)}
    text = article.text
    rows = []
    at = 0
    for n, (label, sentence) in enumerate(tagged[:limit]):
        start = text.index(sentence, at)
        end = start + len(sentence)
        at = start
        attrs = {"speaker": "the mayor", "direct": True} if label == "quote" else {}
        if label in ("speculation", "quote"):
            attrs = {"cue": sentence.split()[0]}
        rows.append(
            Span(
                article=article,
                label=labels[label],
                start=start,
                end=end,
                text=text[start:end],
                attrs=attrs,
                origin=Span.Origin.MACHINE,
                status=Span.Status.SUGGESTED,
                confidence=round(0.35 + (n % 13) / 20, 2),
                tagger_version="bench@1",
            )
        )
    Span.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


class Command(BaseCommand):
    help = "Benchmark the editor page in headless Chromium and the decision API in-process."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--chromium", default=CHROMIUM_PATH)
        parser.add_argument("--words", type=int, default=20_000)
        parser.add_argument("--spans", type=int, default=2_000)
        parser.add_argument("--decisions", type=int, default=200)
        parser.add_argument(
            "--filler-spans",
            type=int,
            default=100_000,
            help="Spans added for the second database size of the decision benchmark.",
        )
        parser.add_argument("--keep", action="store_true", help="Keep the benchmark project.")
        parser.add_argument(
            "--profile",
            action="store_true",
            help="Also print where a page load's time goes (navigation and resource timing).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not os.access(options["chromium"], os.X_OK):
            raise CommandError(f"{options['chromium']} not found: apt-get install chromium")
        # Playwright's sync API runs an event loop in this thread; our ORM calls stay sync.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        password = secrets.token_urlsafe(12)
        user = get_user_model().objects.create_user(
            username=f"bench-{secrets.token_hex(4)}", password=password
        )
        project = project_create(name=f"Benchmark: editor {user.username}", created_by=user)
        membership_set(project=project, user=user, role="editor")
        try:
            self._run(project, user, password, options)
        finally:
            if not options["keep"]:
                # Labels protect spans and suggestions restrict their decisions: inner first.
                spans = Span.objects.filter(article__project=project)
                spans.filter(derived_from__isnull=False).delete()
                spans.delete()
                project.delete()
                user.delete()

    def _run(self, project: Project, user: Any, password: str, options: dict[str, Any]) -> None:
        seed_text, seed_tagged = _article_text(1_150)
        seed = article_create(project=project, text=seed_text, title="Seed article")
        seed_spans = _suggest(seed, seed_tagged, 25)
        big_text, big_tagged = _article_text(options["words"])
        big = article_create(project=project, text=big_text, title="Long article")
        big_spans = _suggest(big, big_tagged, options["spans"])
        self.stdout.write(
            f"seed article: {len(seed.text.encode()) / 1024:.1f} KB, {seed_spans} spans; "
            f"long article: {len(big.text.split())} words, {big_spans} spans"
        )

        with _served() as base:
            browser_figures = self._browser(
                base, user.username, password, seed, big, big_spans, options
            )
            for line in browser_figures:
                self.stdout.write(line)
            self._decisions(project, user, options)

    def _browser(
        self,
        base: str,
        username: str,
        password: str,
        seed: Article,
        big: Article,
        big_spans: int,
        options: Any,
    ) -> list[str]:
        from playwright.sync_api import sync_playwright

        out: list[str] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=options["chromium"], args=CHROMIUM_ARGS
            )
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/accounts/login/" not in url)

            def load(article: Article) -> dict[str, float]:
                page.goto(f"{base}/articles/{article.pk}/")
                page.wait_for_selector("body[data-ready='1']")
                page.wait_for_function("() => performance.getEntriesByName('spans-painted').length")
                return page.evaluate(
                    """() => {
                    const nav = performance.getEntriesByType('navigation')[0];
                    const res = performance.getEntriesByType('resource');
                    const bytes = nav.transferSize + res.reduce((n, r) => n + r.transferSize, 0);
                    const start = performance.getEntriesByName('editor-start')[0];
                    const body = nav.encodedBodySize
                      + res.reduce((n, r) => n + r.encodedBodySize, 0);
                    return {
                      drawn: performance.getEntriesByName('spans-drawn')[0].startTime,
                      painted: performance.getEntriesByName('spans-painted')[0].startTime,
                      bytes, body, requests: res.length + 1,
                      response: nav.responseEnd, script: start ? start.startTime : 0,
                      ttfb: nav.responseStart, interactive: nav.domInteractive,
                      list: performance.getEntriesByName('list-drawn')[0]?.startTime ?? 0,
                      all: performance.getEntriesByName('all-spans-drawn')[0]?.startTime ?? 0,
                      ready: performance.getEntriesByName('editor-spans-ready')[0].startTime,
                      textDrawn: performance.getEntriesByName('editor-text-drawn')[0].startTime,
                      resources: res.map((r) => [
                        r.name.split('/').pop(), r.startTime, r.responseEnd, r.transferSize,
                      ]),
                      text: performance.getEntriesByName('editor-text-drawn')[0].startTime
                        - performance.getEntriesByName('editor-spans-ready')[0].startTime,
                    };
                }"""
                )

            first = load(seed)  # cold cache: every byte counted
            warm = [load(seed) for _ in range(5)]
            out.append(
                f"seed article, cold: spans drawn {first['drawn']:.0f} ms after navigation "
                f"(painted {first['painted']:.0f} ms), {first['bytes'] / 1024:.1f} kB "
                f"transferred ({first['body'] / 1024:.1f} kB bodies) in {first['requests']} "
                "requests"
            )
            out.append(
                "seed article, warm (median of 5): spans drawn "
                f"{_median([w['drawn'] for w in warm]):.0f} ms, painted "
                f"{_median([w['painted'] for w in warm]):.0f} ms (HTML received "
                f"{_median([w['response'] for w in warm]):.0f} ms, editor script started "
                f"{_median([w['script'] for w in warm]):.0f} ms)"
            )
            if options["profile"]:
                w = warm[-1]
                out.append(
                    f"  profile, last warm seed load: first byte {w['ttfb']:.0f} ms, HTML "
                    f"{w['response']:.0f} ms, DOM interactive {w['interactive']:.0f} ms, script "
                    f"{w['script']:.0f} ms, drawn {w['drawn']:.0f} ms; resources: "
                    + ", ".join(
                        f"{name} {t0:.0f}-{t1:.0f} ms ({size} B)"
                        for name, t0, t1, size in w["resources"]
                    )
                )
            runs = [load(big) for _ in range(3)]
            out.append(
                f"long article ({len(big.text.split())} words, {big_spans} spans), median "
                f"of 3: spans drawn {_median([r['drawn'] for r in runs]):.0f} ms, painted "
                f"{_median([r['painted'] for r in runs]):.0f} ms, every span and the side "
                f"list drawn {_median([r['all'] for r in runs]):.0f} ms (HTML received "
                f"{_median([r['response'] for r in runs]):.0f} ms, script started "
                f"{_median([r['script'] for r in runs]):.0f} ms, text DOM built in "
                f"{_median([r['text'] for r in runs]):.0f} ms), page "
                f"{runs[0]['body'] / 1024:.0f} kB"
            )
            if options["profile"]:
                r = runs[-1]
                out.append(
                    f"  profile, last long load: first byte {r['ttfb']:.0f} ms, HTML "
                    f"{r['response']:.0f} ms, DOM interactive {r['interactive']:.0f} ms, script "
                    f"{r['script']:.0f} ms, spans parsed {r['ready']:.0f} ms, text drawn "
                    f"{r['textDrawn']:.0f} ms, drawn {r['drawn']:.0f} ms, painted "
                    f"{r['painted']:.0f} ms, side list {r['list']:.0f} ms, all spans "
                    f"{r['all']:.0f} ms"
                )
            page.keyboard.press("j")  # focus the first suggestion; each accept moves on
            latencies = page.evaluate(
                """async (n) => {
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
                const errors = document.querySelectorAll('.toast.error').length;
                return {ui, saved, js, errors};
            }""",
                30,
            )
            out.append(
                "accept on the long article, median of 30: key handlers "
                f"{_median(latencies['js']):.1f} ms, next frame painted "
                f"{_median(latencies['ui']):.1f} ms, saved on the server "
                f"{_median(latencies['saved']):.1f} ms (max frame "
                f"{max(latencies['ui']):.1f} ms; {latencies['errors']} errors)"
            )
            browser.close()
        return out

    def _decisions(self, project: Project, user: Any, options: dict[str, Any]) -> None:
        client = Client()
        client.force_login(user)
        n = options["decisions"]

        def run(label: str) -> None:
            text, tagged = _article_text(n * 12)
            article = article_create(
                project=project, text=f"{label}. {text}", title=f"Decisions {label}"
            )
            _suggest(article, tagged, n)
            ids = list(
                Span.objects.filter(article=article).order_by("start").values_list("pk", flat=True)
            )
            times = []
            for pk in ids:
                t0 = time.perf_counter()
                response = client.post(
                    f"/api/spans/{pk}/decision/",
                    {"decision": "accept" if pk % 3 else "reject"},
                    content_type="application/json",
                )
                times.append((time.perf_counter() - t0) * 1000)
                if response.status_code != 200:
                    raise CommandError(
                        f"decision failed: {response.status_code} {response.content}"
                    )
            total = Span.objects.count()
            self.stdout.write(
                f"decision POST in-process ({label}, {total} spans in the database): "
                f"median {_median(times):.1f} ms, p90 "
                f"{sorted(times)[int(len(times) * 0.9)]:.1f} ms over {len(times)} decisions"
            )

        with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
            run("small")
            filler = options["filler_spans"]
            if filler:
                per = 1_000
                text, tagged = _article_text(per * 12)
                for i in range(max(1, filler // per)):
                    article = article_create(project=project, text=f"{i}. {text}", title="Filler")
                    _suggest(article, tagged, per)
                run("large")

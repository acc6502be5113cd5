"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against live_server.

Skipped where Chromium is missing, unless REQUIRE_BROWSER=1 (CI), where that fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from articles.chromium import CHROMIUM_ARGS
from articles.chromium import CHROMIUM_PATH as CHROMIUM

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def chromium_available() -> bool:
    return os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    if chromium_available():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but {CHROMIUM} is not there.")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium)")
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for the browser tests, stopped when they are done."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous calls. Only while it runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield instance
            instance.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1300, "height": 850})
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page that records console errors and leaves a screenshot when the test fails."""
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)


@pytest.fixture
def seeded(project: Any) -> dict[str, Any]:
    """The bridge article with three suggestions, and a second article to go on to."""
    from tests.browser.helpers import BRIDGE, span_of
    from tests.factories import make_article, make_suggestion

    article = make_article(project, BRIDGE, title="Bridge")
    following = make_article(project, "The next article to annotate.", title="Next one")
    claim = make_suggestion(
        article, "claim", *span_of(BRIDGE, "Officials said the bridge 🌉 opened in 2019.")
    )
    spec = make_suggestion(
        article, "speculation", *span_of(BRIDGE, "It may close next year."), attrs={"cue": "may"}
    )
    quote = make_suggestion(
        article,
        "quote",
        *span_of(BRIDGE, "the budget had doubled"),
        attrs={"speaker": "Ana Lima", "direct": False},
        confidence=0.6,
    )
    return {"article": article, "next": following, "claim": claim, "spec": spec, "quote": quote}

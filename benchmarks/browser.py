"""Debian's headless Chromium driven by Playwright, started the way the browser tests start
it (path and flags from ``articles.chromium``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from articles.chromium import CHROMIUM_ARGS, CHROMIUM_PATH
from benchmarks.errors import BenchmarkError

__all__ = ["CHROMIUM_PATH", "chromium", "require_chromium"]


def require_chromium(executable: str = CHROMIUM_PATH) -> None:
    """Fail before any work is done when the browser is not there."""
    if not os.access(executable, os.X_OK):
        raise BenchmarkError(f"{executable} not found: apt-get install chromium")


@contextmanager
def chromium(executable: str = CHROMIUM_PATH) -> Iterator[Any]:
    """A launched Playwright ``Browser``; closed, and the environment restored, on leaving."""
    require_chromium(executable)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM
    # calls as if they were async; ours are plain synchronous calls, so allow them meanwhile.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous

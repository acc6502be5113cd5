"""Where Debian's headless Chromium is and how we start it (browser tests, benchmarks).

The flags keep it off the network: this kind of machine refuses outside connections, and
Chromium's background services would otherwise retry them at every start.
"""

from __future__ import annotations

import os

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

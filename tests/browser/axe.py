"""axe-core in the browser tests: run it on a page and fail on serious or critical violations.

axe-core is a test-only npm package (``package.json``; ``npm ci`` installs it into
``node_modules/``). Its source is run through ``page.evaluate``, which Chromium runs over the
DevTools protocol, outside the page's Content-Security-Policy: a ``<script>`` tag injected
into the page (``add_script_tag``) would be blocked by a policy without ``'unsafe-inline'``,
so no test-only relaxation of the policy is needed. Where the package is missing the checks
are skipped, except under ``REQUIRE_BROWSER=1`` (CI), where that is a failure.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
# The nodes shown per violation: enough to find the element, short enough to read.
SHOWN_NODES = 6


def require_axe() -> None:
    """Skip the calling test when axe-core is not installed (fail under REQUIRE_BROWSER=1)."""
    if AXE_PATH.is_file():
        return
    message = f"{AXE_PATH} is missing: run `npm ci` at the top of the repository."
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@cache
def _source() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


def violations(page: Any, *, impacts: tuple[str, ...] = FAILING_IMPACTS) -> list[dict[str, Any]]:
    """axe-core's violations of these impacts on the page as it is now (the whole document)."""
    require_axe()
    if not page.evaluate("() => Boolean(window.axe)"):
        # An expression, not a function: the script defines window.axe at the top level.
        page.evaluate(_source() + "\n;typeof window.axe")
    found = page.evaluate(
        """async () => {
          const result = await axe.run(document, { resultTypes: ["violations"] });
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map((n) => ({
              target: n.target.join(" "), html: n.html, summary: n.failureSummary,
            })),
          }));
        }"""
    )
    return [v for v in found if v["impact"] in impacts]


def report(found: list[dict[str, Any]]) -> str:
    """The violations as a list a person reads: rule, impact, help, and where."""
    lines: list[str] = []
    for v in found:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:SHOWN_NODES]:
            summary = " ".join(str(node["summary"] or "").split())
            lines.append(f"    {node['target']}  {node['html'][:120]}")
            lines.append(f"      {summary[:300]}")
        if len(v["nodes"]) > SHOWN_NODES:
            lines.append(f"    … and {len(v['nodes']) - SHOWN_NODES} more")
    return "\n".join(lines)


def assert_accessible(page: Any, what: str) -> None:
    """Fail with a readable list when axe-core finds a serious or critical violation."""
    found = violations(page)
    if found:
        count = sum(len(v["nodes"]) for v in found)
        raise AssertionError(
            f"axe-core: {len(found)} serious or critical rule(s) broken on {what} "
            f"({count} element(s)):\n{report(found)}"
        )

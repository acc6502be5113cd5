"""The Content-Security-Policy in headless Chromium: every page loads without a violation, the
editor still draws, and the policy does refuse inline script and style (so the watch works)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import login, open_editor
from tests.factories import PASSWORD, make_article, make_suggestion

pytestmark = pytest.mark.browser

# Chromium fires `securitypolicyviolation` on the document for every refusal; the listener is
# installed before any page script runs, and reports through the console so that nothing is
# lost when the page navigates away.
WATCH = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


def _is_csp(text: str) -> bool:
    return text.startswith("CSP violation") or "Content Security Policy" in text


@pytest.fixture
def watched(page: Any) -> Any:
    """A page whose ``problems`` lists every CSP refusal and uncaught script error."""
    page.problems = []
    page.add_init_script(WATCH)
    page.on(
        "console",
        lambda message: page.problems.append(message.text) if _is_csp(message.text) else None,
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    return page


def visit(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")


def test_pages_load_without_violations(watched, live_server, teammate, project):
    base = live_server.url
    article = make_article(project, "The mayor said taxes may rise. Critics disagree.")
    make_suggestion(article, "speculation", 0, len("The mayor said taxes may rise."))

    for path in ["/accounts/login/", "/accounts/password/reset/"]:
        visit(watched, base + path)
    login(watched, base, "teammate", PASSWORD)
    for path in [
        "/",
        f"/projects/{project.pk}/",
        "/accounts/profile/",
        "/accounts/password/change/",
        "/guidelines/",
    ]:
        visit(watched, base + path)

    open_editor(watched, base, article.pk)
    watched.wait_for_load_state("networkidle")
    # The label styles (a constructed style sheet) apply: speculation's legend is underlined
    # wavy, as its spans are (without the sheet it would be solid).
    legend = watched.locator('.label-btn[data-label="speculation"] .name')
    assert legend.evaluate("el => getComputedStyle(el).textDecorationStyle") == "wavy"
    assert watched.locator("[data-article-text] [data-span-id]").count() >= 1
    assert watched.problems == []


def test_api_docs_and_admin_login_load_without_violations(watched, live_server, superuser):
    base = live_server.url
    visit(watched, base + "/admin/login/")
    login_form = watched.locator("#login-form")
    login_form.locator("#id_username").fill("root")
    login_form.locator("#id_password").fill(PASSWORD)
    login_form.locator("[type=submit]").click()
    watched.wait_for_url(f"{base}/admin/")
    visit(watched, base + "/api/docs/")
    watched.wait_for_selector(".swagger-ui .information-container")
    assert watched.problems == []


def test_lockout_page_loads_without_violations(watched, live_server, owner, settings):
    settings.AUTH_FAILURE_LIMITS = {"username": 2, "ip_address": 10}
    base = live_server.url
    for _ in range(2):
        watched.goto(f"{base}/accounts/login/")
        watched.fill("#id_username", "owner")
        watched.fill("#id_password", "wrong-password")
        with watched.expect_navigation() as answer:
            watched.click("button[type=submit]")
    assert answer.value.status == 429
    assert watched.get_by_role("heading", name="Too many attempts").is_visible()
    assert watched.problems == []


def test_inline_script_and_style_are_refused(watched, live_server, teammate, project):
    """The other tests pass only if violations are seen: make two and see them."""
    base = live_server.url
    login(watched, base, "teammate", PASSWORD)
    visit(watched, base + "/")
    ran = watched.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.inlineRan = true";
          document.head.append(s);
          document.body.setAttribute("style", "background: red");
          return window.inlineRan === true;
        }"""
    )
    assert ran is False
    assert watched.evaluate("() => getComputedStyle(document.body).backgroundColor") != (
        "rgb(255, 0, 0)"
    )
    watched.wait_for_function("() => true")
    assert any("script-src-elem blocked inline" in p for p in watched.problems), watched.problems
    assert any("style-src-attr blocked inline" in p for p in watched.problems), watched.problems

"""axe-core on every page (login, project list, queue, editor with its panels and
dialogs, guidelines, profile): no serious or critical violation. And the check itself finds
violations, also on a page whose Content-Security-Policy forbids every script."""

from __future__ import annotations

import pytest

from articles.services import review_set_state
from tests.browser.axe import assert_accessible, report, require_axe, violations
from tests.browser.helpers import login, open_editor
from tests.factories import PASSWORD, make_article, make_suggestion

pytestmark = pytest.mark.browser

TEXT = (
    "The council promised new buses before the first snow.\n"
    '"We underestimated the grid," said Marta Lindqvist.\n\n'
    "Perhaps the council will rent mobile chargers. The depot may open in spring."
)


@pytest.fixture(autouse=True)
def _axe_installed() -> None:
    """Skip (or fail, under REQUIRE_BROWSER=1) before any page is opened."""
    require_axe()


def phrase(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


@pytest.fixture
def seeded(project, teammate):
    article = make_article(project, TEXT, title="Buses")
    make_suggestion(article, "claim", *phrase(TEXT, "The council promised new buses"))
    make_suggestion(
        article,
        "quote",
        *phrase(TEXT, "We underestimated the grid,"),
        attrs={"speaker": "Marta Lindqvist", "direct": True},
        confidence=0.91,
    )
    make_suggestion(
        article, "speculation", *phrase(TEXT, "The depot may open in spring."), attrs={"cue": "may"}
    )
    done = make_article(project, "An article already reviewed.", title="Done one")
    review_set_state(article=done, actor=teammate, state="done")
    return article


def test_the_check_finds_violations_even_under_a_strict_csp(page):
    page.set_content(
        """<!doctype html><html lang="en"><head><title>Bad page</title>
        <meta http-equiv="Content-Security-Policy" content="script-src 'none'"></head>
        <body><main><p style="color:#aaa;background:#fff">Pale text</p>
        <button></button><img src="data:,"></main></body></html>"""
    )
    found = {v["id"]: v for v in violations(page)}
    assert {"color-contrast", "button-name", "image-alt"} <= set(found)
    text = report(list(found.values()))
    assert "[serious] color-contrast" in text and "<p style=" in text
    with pytest.raises(AssertionError, match=r"rule\(s\) broken on the bad page"):
        assert_accessible(page, "the bad page")


def test_a_plain_page_passes(page):
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Fine</title></head>'
        "<body><main><h1>Fine</h1><p>Dark text.</p></main></body></html>"
    )
    assert_accessible(page, "a plain page")


def test_logged_out_pages(page, live_server, teammate):
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page, "the login page")
    page.fill("#id_username", "teammate")
    page.fill("#id_password", "wrong password")
    page.click("button[type=submit]")
    page.wait_for_selector("p.error")
    assert_accessible(page, "the login page with its error")


def test_project_list_queue_guidelines_and_profile(page, live_server, teammate, seeded):
    base = live_server.url
    login(page, base, "teammate", PASSWORD)
    for path, what in [
        ("/", "the project list"),
        (f"/projects/{seeded.project_id}/", "the queue"),
        (f"/projects/{seeded.project_id}/?review=done&q=nothing", "an empty queue"),
        ("/guidelines/", "the guidelines"),
        ("/accounts/profile/", "the profile"),
    ]:
        page.goto(base + path)
        assert_accessible(page, what)
    page.click("button[value=regenerate]")
    page.wait_for_selector("#api-token")
    assert_accessible(page, "the profile with a token")


@pytest.mark.parametrize("width", [1300, 390])
def test_editor_with_its_panels_and_dialogs(page, live_server, teammate, seeded, width):
    page.set_viewport_size({"width": width, "height": 850})
    login(page, live_server.url, "teammate", PASSWORD)
    open_editor(page, live_server.url, seeded.pk)
    page.wait_for_selector("#detail:not([hidden])")
    assert_accessible(page, f"the editor at {width} px")
    page.keyboard.press("?")
    assert_accessible(page, "the editor's shortcut help")
    page.keyboard.press("Escape")
    page.keyboard.press("g")
    assert_accessible(page, "the editor's guidelines panel")
    page.keyboard.press("g")
    page.keyboard.press("b")
    assert_accessible(page, "the bulk dialog")
    page.keyboard.press("Escape")
    page.keyboard.press("d")
    page.wait_for_selector("#done-dialog[open]")
    assert_accessible(page, "the mark-done dialog")
    page.keyboard.press("Escape")
    page.keyboard.press("a")  # accepted and rejected spans are drawn differently
    page.keyboard.press("x")
    page.evaluate("() => window.annEditor.idle()")
    assert_accessible(page, "the editor with decided spans")


def test_read_only_editor(page, live_server, viewer, seeded):
    login(page, live_server.url, "viewer", PASSWORD)
    open_editor(page, live_server.url, seeded.pk)
    assert_accessible(page, "the read-only editor")


def test_editor_with_pale_label_colours(page, live_server, teammate, project, seeded):
    # Admins pick any colour; chips and tags derived from pale ones still pass.
    project.labels.filter(name="claim").update(color="#ffe600")
    project.labels.filter(name="quote").update(color="#22d3ee")
    project.labels.filter(name="speculation").update(color="#f0f0f0")
    login(page, live_server.url, "teammate", PASSWORD)
    open_editor(page, live_server.url, seeded.pk)
    page.keyboard.press("a")
    page.evaluate("() => window.annEditor.idle()")
    assert_accessible(page, "the editor with pale label colours")

"""The pages carry no inline script or style (the Content-Security-Policy refuses both):
scripts are files, colours and bar widths are SVG attributes."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles.services import import_one
from tests.factories import make_suggestion


class Inline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if "style" in names:
            self.found.append(f"<{tag} style=…>")
        if any(name.startswith("on") for name in names):
            self.found.append(f"<{tag} on…=>")
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")


@pytest.fixture
def pages(project, owner, article):
    make_suggestion(article, "claim", 0, 41)
    job = import_one(
        project=project,
        data={"title": "Wire", "text": "The council met."},
        actor=owner,
        spans_as="machine",
    )
    label = project.labels.get(name="quote")
    names = [
        ("project_list", []),
        ("project_create", []),
        ("article_list", [project.pk]),
        ("project_settings", [project.pk]),
        ("project_delete", [project.pk]),
        ("project_members", [project.pk]),
        ("project_account_new", [project.pk]),
        ("project_labels", [project.pk]),
        ("project_label_new", [project.pk]),
        ("project_label", [project.pk, label.pk]),
        ("project_import", [project.pk]),
        ("project_import_job", [project.pk, job.pk]),
        ("project_export", [project.pk]),
        ("project_stats", [project.pk]),
    ]
    return [reverse(f"articles:{name}", args=args) for name, args in names]


def test_no_inline_script_or_style(client, superuser, pages):
    client.force_login(superuser)
    for url in [*pages, "/accounts/profile/", reverse("articles:invitation", args=["MQ", "x-y"])]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        parser = Inline()
        parser.feed(response.content.decode())
        assert parser.found == [], url

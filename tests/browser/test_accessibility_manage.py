"""axe-core on every management page an admin uses (project forms, members, labels,
import with a finished job, export, stats, the reviewer's pages, password change): no
serious or critical violation, at desktop and phone widths."""

from __future__ import annotations

import pytest

from articles.services import import_upload, project_create
from tests.browser.axe import assert_accessible, require_axe
from tests.browser.helpers import login
from tests.factories import PASSWORD, make_article

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _axe_installed() -> None:
    require_axe()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1300, 390])
def test_management_pages(page, live_server, width):
    from tests.factories import make_user

    admin = make_user("deskadmin", is_staff=True)
    project = project_create(name="Accessible desk", created_by=admin)
    first = make_article(project, "The council met on Monday. It may vote again next week.")
    job = import_upload(
        project=project,
        name="two.jsonl",
        data=b'{"text": "A second text. Officials said it rained."}\n',
        actor=admin,
        pretag=False,
    )
    claim = project.labels.get(name="claim")
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server.url, "deskadmin", PASSWORD)
    base = f"{live_server.url}/projects/{project.pk}"
    for path, what in [
        ("/projects/new/", "new project form"),
        (f"{base}/settings/", "project settings"),
        (f"{base}/delete/", "delete confirmation"),
        (f"{base}/members/", "members"),
        (f"{base}/accounts/new/", "new account form"),
        (f"{base}/labels/", "labels"),
        (f"{base}/labels/new/", "new label form"),
        (f"{base}/labels/{claim.pk}/", "label form"),
        (f"{base}/import/", "import"),
        (f"{base}/imports/{job.pk}/", "import job"),
        (f"{base}/export/", "export"),
        (f"{base}/stats/", "stats"),
        (f"{base}/stats/quality/", "progress and quality"),
        (f"{base}/history/", "audit trail"),
        (f"/articles/{first.pk}/review/", "adjudication"),
        ("/accounts/password/change/", "password change"),
    ]:
        url = path if path.startswith("http") else f"{live_server.url}{path}"
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert_accessible(page, f"{what} at {width} px")

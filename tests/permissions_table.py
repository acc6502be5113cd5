"""Who gets which status from each URL: the table ``test_permissions.py`` checks.

One ``Row`` per (method, route) and, where one method behaves differently by its input, per
variant (``?layer=all``, ``gold``, a row of your own layer). ``route`` is the pattern as
Django's resolver spells it, prefixes included (``api/spans/<int:span_id>/``); the test
fills in ids of real objects of the project (``World.url_kwargs``). Adding an endpoint is one
line, e.g.::

    Row("POST", "api/projects/<int:project_id>/archive/", api(ADMIN, 204)),

(``api(ADMIN, 204)``: 401 anonymous, 404 outsider, 403 viewer/editor/reviewer, 204 admin
and superuser). A variant with its own body or ids gets ``variant=``, ``body=``,
``query=`` or ``kwargs=``.

The expectations come from the README ("REST API", "Permissions") and ``articles/access.py``:
anonymous API calls get 401 with ``WWW-Authenticate: Token``; outsiders (signed in, no
membership) 404 for anything inside a project; members below the needed role 403; the
roles from it up, and a superuser (an admin of every project), the success status. Pages
send anonymous visitors to the login page, outsiders get 404, members the page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import PASSWORD

ANONYMOUS, OUTSIDER, SUPERUSER = "anonymous", "outsider", "superuser"
VIEWER, EDITOR, REVIEWER, ADMIN = "viewer", "editor", "reviewer", "admin"
# Project roles, each allowing what the ones before it allow (as ``articles.models.Role``).
MEMBERS = (VIEWER, EDITOR, REVIEWER, ADMIN)
ROLES = (ANONYMOUS, OUTSIDER, *MEMBERS, SUPERUSER)

# The test client's response: an HttpResponse (or a streaming one) with ``json()`` added.
Answer = Any


@dataclass(frozen=True)
class Status:
    """An expected answer: the status code, and for redirects and 401s the header that
    says where to (a regex on ``Location``) or how to authenticate."""

    code: int
    location: str | None = None
    challenge: str | None = None

    def mismatch(self, response: Answer) -> str | None:
        got = f"got {response.status_code}"
        if response.status_code != self.code:
            location = response.get("Location")
            return f"expected {self}, {got}" + (f" to {location}" if location else "")
        if self.location is not None and not re.search(self.location, response["Location"]):
            return f"expected {self}, {got} to {response['Location']}"
        if self.challenge is not None and not response.get("WWW-Authenticate", "").startswith(
            self.challenge
        ):
            header = response.get("WWW-Authenticate")
            return f"expected {self}, {got} with WWW-Authenticate {header!r}"
        return None

    def __str__(self) -> str:
        if self.location is not None:
            return f"{self.code} to {self.location}"
        if self.challenge is not None:
            return f"{self.code} with WWW-Authenticate: {self.challenge}"
        return str(self.code)


Expect = Mapping[str, Status]

LOGIN = Status(302, location=r"^/accounts/login/\?next=/")
ADMIN_LOGIN = Status(302, location=r"^/admin/login/\?next=/admin/")
NO_CREDENTIALS = Status(401, challenge="Token")


def _status(value: int | Status) -> Status:
    return value if isinstance(value, Status) else Status(value)


def api(at_least: str, ok: int | Status = 200) -> Expect:
    """Inside a project: 401 anonymous, 404 outsider, 403 below ``at_least``, ``ok`` from
    it up and for the superuser."""
    allowed = MEMBERS[MEMBERS.index(at_least) :]
    members = {role: _status(ok) if role in allowed else Status(403) for role in MEMBERS}
    return {ANONYMOUS: NO_CREDENTIALS, OUTSIDER: Status(404), **members, SUPERUSER: _status(ok)}


def api_user(ok: int | Status = 200) -> Expect:
    """Any signed-in user (lists filter to the user's projects)."""
    return {ANONYMOUS: NO_CREDENTIALS, **{role: _status(ok) for role in ROLES[1:]}}


def api_staff(ok: int | Status) -> Expect:
    """Staff only (of the cast, the superuser); other signed-in users 403."""
    return {
        ANONYMOUS: NO_CREDENTIALS,
        **{role: Status(403) for role in ROLES[1:-1]},
        SUPERUSER: _status(ok),
    }


def page(ok: int | Status = 200) -> Expect:
    """A page inside a project: login redirect, 404 for outsiders, ``ok`` for members."""
    return {ANONYMOUS: LOGIN, OUTSIDER: Status(404), **{r: _status(ok) for r in ROLES[2:]}}


def reviewers_page() -> Expect:
    """A page for reviewers and admins: members below get 403."""
    return {**page(200), VIEWER: Status(403), EDITOR: Status(403)}


def page_user(ok: int | Status = 200) -> Expect:
    """A page for any signed-in user."""
    return {ANONYMOUS: LOGIN, **{role: _status(ok) for role in ROLES[1:]}}


def page_role(at_least: str, ok: int | Status = 200) -> Expect:
    """A management page inside a project: login redirect, 404 for outsiders, 403 below
    ``at_least``, ``ok`` from it up and for the superuser."""
    allowed = MEMBERS[MEMBERS.index(at_least) :]
    members = {role: _status(ok) if role in allowed else Status(403) for role in MEMBERS}
    return {ANONYMOUS: LOGIN, OUTSIDER: Status(404), **members, SUPERUSER: _status(ok)}


def page_staff(ok: int | Status = 200) -> Expect:
    """A page for staff (of the cast, the superuser): other signed-in users 403."""
    return {ANONYMOUS: LOGIN, **{role: Status(403) for role in ROLES[1:-1]}, SUPERUSER: _status(ok)}


def public(ok: int | Status = 200) -> Expect:
    return {role: _status(ok) for role in ROLES}


@dataclass
class World:
    """Ids of the real objects the requests use, built afresh for every test."""

    project: int
    article: int
    suggestion: int  # an undecided machine suggestion of ``article``
    label: int
    unused_label: int  # no span uses it, so an admin may delete it
    import_job: int
    snapshot: int  # built: its file is there to download
    editor_snapshot: int  # built by the editor from their own layer
    member: str  # username of a member an admin may remove (the viewer)
    usernames: dict[str, str] = field(default_factory=dict)  # role -> username
    own_spans: dict[str, int] = field(default_factory=dict)  # role -> a row of their layer

    def own_span(self, role: str) -> int:
        """A human row in this role's own layer (an anonymous caller tries the editor's)."""
        return self.own_spans.get(role, self.own_spans[EDITOR])

    def url_kwargs(self) -> dict[str, object]:
        return {
            "project_id": self.project,
            "article_id": self.article,
            "span_id": self.suggestion,
            "label_id": self.label,
            "import_id": self.import_job,
            "snapshot_id": self.snapshot,
            "username": self.member,
            # A password-reset link that was never sent (no link is valid for the matrix).
            "uidb64": "MQ",
            "token": "0-0",
        }


Builder = Callable[[World, str], Mapping[str, Any]]
Check = Callable[[Answer, str, World], str | None]


@dataclass(frozen=True)
class Row:
    """One (method, route, variant) and the status each role gets.

    ``body`` is sent as JSON to the API (``multipart`` for uploads) and as a form to
    pages; ``body``, ``query`` and ``kwargs`` (URL kwargs replacing the defaults) are
    mappings or callables of (world, role). ``check`` looks at a response beyond its status.
    """

    method: str
    route: str
    expect: Expect
    variant: str = ""
    body: Mapping[str, Any] | Builder | None = None
    query: Mapping[str, Any] | Builder | None = None
    kwargs: Builder | None = None
    multipart: bool = False
    check: Check | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.route)

    @property
    def id(self) -> str:
        return f"{self.method} /{self.route}" + (f" [{self.variant}]" if self.variant else "")


def own_span(world: World, role: str) -> dict[str, object]:
    return {"span_id": world.own_span(role)}


def editor_snapshot(world: World, role: str) -> dict[str, object]:
    return {"snapshot_id": world.editor_snapshot}


def blind(expect: Expect, editor: int) -> Expect:
    """In a blind project (the default, and the world's) an editor reads only the
    suggestions and their own layer: ``editor`` is what they get instead."""
    return {**expect, EDITOR: Status(editor)}


def unused_label(world: World, role: str) -> dict[str, object]:
    return {"label_id": world.unused_label}


def upload(world: World, role: str) -> dict[str, object]:
    text = b"Letters\nThe mayor said the budget is balanced this year.\n"
    return {"file": SimpleUploadedFile("letters.txt", text, content_type="text/plain")}


def own_credentials(world: World, role: str) -> dict[str, str]:
    """The role's own username (an anonymous visitor logs in as the editor)."""
    username = world.usernames.get(role, world.usernames[EDITOR])
    return {"username": username, "password": PASSWORD}


# "Officials said the bridge opened in 2019." in the conftest article.
CLAIM = {"label": "claim", "start": 0, "end": 41}
ARTICLE = {"title": "Letter", "text": "A reader writes that the ferry may stop in winter."}
HOME = Status(302, location=r"^/$")
QUEUE_OR_NEXT = Status(302, location=r"^/(articles|projects)/\d+/$")
# The management pages answer a write with a redirect to the page that shows it.
SAVED = Status(302, location=r"^/projects/\d+/")
LABEL_FORM = {
    "name": "opinion",
    "color": "#336699",
    "pattern": "solid",
    "hotkey": "",
    "description": "",
    "attr-TOTAL_FORMS": "0",
    "attr-INITIAL_FORMS": "0",
    "attr-MIN_NUM_FORMS": "0",
    "attr-MAX_NUM_FORMS": "20",
}


def invitation(world: World, role: str) -> dict[str, object]:
    """An invitation link whose token is not valid: its page says so to anyone."""
    return {"uidb64": "MQ", "token": "not-a-token"}


def _listed_to_members(key: str, attribute: str) -> Check:
    """A list shows the project's objects to its members and the superuser, none to an
    outsider: the items' ``key`` is compared with the world's ``attribute``."""

    def check(response: Answer, role: str, world: World) -> str | None:
        if response.status_code != 200:
            return None
        results = response.json()["results"]
        if role == OUTSIDER and results:
            return f"an outsider's list is not empty: {results}"
        if role != OUTSIDER and getattr(world, attribute) not in {r[key] for r in results}:
            return f"the project's {attribute} is missing from the list: {results}"
        return None

    return check


def _read_only_for_viewers(response: Answer, role: str, world: World) -> str | None:
    """The editor page's inline data: a viewer's page cannot edit, an editor's can."""
    if response.status_code != 200:
        return None
    found = re.search(
        rb'<script id="editor-data" type="application/json">(.*?)</script>', response.content, re.S
    )
    if found is None:
        return "no editor data in the page"
    can_edit = json.loads(found.group(1))["can_edit"]
    if can_edit != (role != VIEWER):
        return f"can_edit is {can_edit} for the {role}"
    return None


ROWS: list[Row] = [
    # Health, accounts.
    Row("GET", "healthz", public(200)),
    # Any other path under /api/: a JSON 404 for everyone, whatever the method.
    *(Row(method, "api/", public(404)) for method in ("GET", "POST", "PUT", "PATCH", "DELETE")),
    Row("OPTIONS", "api/", public(404)),
    Row("GET", "accounts/login/", public(200)),
    Row("POST", "accounts/login/", public(HOME), body=own_credentials),
    # Django's FormView answers PUT like POST, but only POST bodies are parsed: the form
    # arrives empty and is shown again.
    Row("PUT", "accounts/login/", public(200), body=own_credentials),
    Row("POST", "accounts/logout/", public(Status(302, location=r"^/accounts/login/$"))),
    Row("GET", "accounts/profile/", page_user(200)),
    Row(
        "POST",
        "accounts/profile/",
        page_user(Status(302, location=r"^/accounts/profile/$")),
        body={"action": "regenerate"},
    ),
    # Password change (signed in) and reset (anyone; a wrong link shows "no longer works").
    Row("GET", "accounts/password/change/", page_user(200)),
    Row(
        "POST",
        "accounts/password/change/",
        page_user(Status(302, location=r"^/accounts/profile/$")),
        body=lambda world, role: {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    ),
    Row("PUT", "accounts/password/change/", page_user(200)),
    Row("GET", "accounts/password/reset/", public(200)),
    Row(
        "POST",
        "accounts/password/reset/",
        public(Status(302, location=r"^/accounts/password/reset/sent/$")),
        body={"email": "nobody@example.org"},
    ),
    Row("PUT", "accounts/password/reset/", public(200)),
    Row("GET", "accounts/password/reset/sent/", public(200)),
    Row("GET", "accounts/password/reset/<uidb64>/<token>/", public(200)),
    Row("POST", "accounts/password/reset/<uidb64>/<token>/", public(200)),
    Row("PUT", "accounts/password/reset/<uidb64>/<token>/", public(200)),
    Row("GET", "accounts/password/reset/done/", public(200)),
    # The API's description: documentation, no project data.
    Row("GET", "api/schema/", public(200)),
    Row("GET", "api/docs/", public(200)),
    # Projects and members.
    Row("GET", "api/projects/", api_user(), check=_listed_to_members("id", "project")),
    Row("POST", "api/projects/", api_staff(201), body={"name": "Letters desk"}),
    Row("GET", "api/projects/<int:project_id>/", api(VIEWER)),
    Row("PATCH", "api/projects/<int:project_id>/", api(ADMIN), body={"description": "Letters."}),
    Row("DELETE", "api/projects/<int:project_id>/", api(ADMIN, 204)),
    Row("GET", "api/projects/<int:project_id>/members/", api(VIEWER)),
    Row(
        "POST",
        "api/projects/<int:project_id>/members/",
        api(ADMIN),
        body={"user": "outsider", "role": "viewer"},
    ),
    Row("DELETE", "api/projects/<int:project_id>/members/<str:username>/", api(ADMIN, 204)),
    Row("POST", "api/projects/<int:project_id>/pretag/", api(EDITOR, 202), body={}),
    # The learning pre-tagger: members read, editors train, admins choose the active version.
    Row("GET", "api/projects/<int:project_id>/tagger/", api(VIEWER)),
    Row("POST", "api/projects/<int:project_id>/tagger/train/", api(EDITOR, 202), body={}),
    Row(
        "POST",
        "api/projects/<int:project_id>/tagger/activate/",
        api(ADMIN, 200),
        body={"version": None},
    ),
    # Labels.
    Row("GET", "api/projects/<int:project_id>/labels/", api(VIEWER)),
    Row(
        "POST",
        "api/projects/<int:project_id>/labels/",
        api(ADMIN, 201),
        body={"name": "opinion", "color": "#336699"},
    ),
    Row("PATCH", "api/labels/<int:label_id>/", api(ADMIN), body={"description": "Stated."}),
    Row("DELETE", "api/labels/<int:label_id>/", api(ADMIN, 204), kwargs=unused_label),
    # Articles and the editor's view of their spans.
    Row("GET", "api/articles/", api_user(), check=_listed_to_members("project", "project")),
    Row("GET", "api/articles/<int:article_id>/", api(VIEWER)),
    Row("GET", "api/articles/<int:article_id>/spans/", api(VIEWER)),
    Row(
        "GET",
        "api/articles/<int:article_id>/spans/",
        api(VIEWER),
        variant="suggestions",
        query={"layer": "suggestions"},
    ),
    Row(
        "GET",
        "api/articles/<int:article_id>/spans/",
        api(REVIEWER),
        variant="every layer",
        query={"layer": "all"},
    ),
    Row("POST", "api/articles/<int:article_id>/spans/", api(EDITOR, 201), body=CLAIM),
    Row(
        "POST",
        "api/articles/<int:article_id>/spans/",
        api(REVIEWER, 201),
        variant="gold",
        body={**CLAIM, "gold": True},
    ),
    Row(
        "POST",
        "api/articles/<int:article_id>/spans/bulk-decision/",
        api(EDITOR),
        body={"decision": "accept"},
    ),
    Row("PUT", "api/articles/<int:article_id>/review/", api(EDITOR), body={"state": "done"}),
    Row("POST", "api/articles/<int:article_id>/pretag/", api(EDITOR, 202), body={}),
    Row("POST", "api/projects/<int:project_id>/articles/", api(EDITOR, 201), body=ARTICLE),
    # Spans.
    Row("GET", "api/spans/", api_user(), check=_listed_to_members("article", "article")),
    Row("GET", "api/spans/<int:span_id>/", api(VIEWER)),
    Row("GET", "api/spans/<int:span_id>/similar/", api(VIEWER)),
    Row("GET", "api/projects/<int:project_id>/spans/search/", api(VIEWER)),
    Row(
        "PATCH",
        "api/spans/<int:span_id>/",
        api(EDITOR),
        variant="a suggestion",
        body={"version": 1, "label": "claim"},
    ),
    Row(
        "PATCH",
        "api/spans/<int:span_id>/",
        api(REVIEWER),
        variant="a suggestion, into gold",
        body={"version": 1, "label": "claim", "gold": True},
    ),
    Row(
        "PATCH",
        "api/spans/<int:span_id>/",
        api(EDITOR),
        variant="own row",
        kwargs=own_span,
        body={"version": 1, "note": "Checked."},
    ),
    Row(
        "DELETE",
        "api/spans/<int:span_id>/",
        api(EDITOR, 204),
        variant="own row",
        kwargs=own_span,
        query={"version": 1},
    ),
    Row(
        "POST",
        "api/spans/<int:span_id>/decision/",
        api(EDITOR),
        variant="a suggestion",
        body={"decision": "accept"},
    ),
    Row(
        "POST",
        "api/spans/<int:span_id>/decision/",
        api(REVIEWER),
        variant="a suggestion, into gold",
        body={"decision": "accept", "gold": True},
    ),
    Row(
        "POST",
        "api/spans/<int:span_id>/decision/",
        api(EDITOR),
        variant="own row",
        kwargs=own_span,
        body={"decision": "reject", "version": 1},
    ),
    # Imports.
    Row(
        "POST",
        "api/projects/<int:project_id>/imports/",
        api(EDITOR, 202),
        body=upload,
        multipart=True,
    ),
    Row("GET", "api/imports/<int:import_id>/", api(VIEWER)),
    # Exports and snapshots ("viewer … can read and export").
    Row("GET", "api/projects/<int:project_id>/export/", api(VIEWER), query={"format": "jsonl"}),
    Row(
        "GET",
        "api/projects/<int:project_id>/export/",
        blind(api(VIEWER), 403),
        variant="another's layer",
        query={"format": "jsonl", "annotator": "owner"},
    ),
    Row(
        "GET",
        "api/projects/<int:project_id>/export/",
        blind(api(VIEWER), 403),
        variant="gold layer",
        query={"format": "jsonl", "layer": "gold"},
    ),
    Row("GET", "api/projects/<int:project_id>/snapshots/", api(VIEWER)),
    Row(
        "POST",
        "api/projects/<int:project_id>/snapshots/",
        api(VIEWER, 202),
        body={"format": "jsonl"},
    ),
    Row("GET", "api/snapshots/<int:snapshot_id>/", blind(api(VIEWER), 404)),
    Row(
        "GET",
        "api/snapshots/<int:snapshot_id>/",
        api(VIEWER),
        variant="the editor's own layer",
        kwargs=editor_snapshot,
    ),
    Row("GET", "api/snapshots/<int:snapshot_id>/download/", blind(api(VIEWER), 404)),
    Row(
        "GET",
        "api/snapshots/<int:snapshot_id>/download/",
        api(VIEWER),
        variant="the editor's own layer",
        kwargs=editor_snapshot,
    ),
    # Teams: assignments (editors see their own), agreement.
    Row("GET", "api/projects/<int:project_id>/assignments/", api(EDITOR)),
    Row(
        "POST",
        "api/projects/<int:project_id>/assignments/",
        api(ADMIN, 201),
        body=lambda world, role: {"article": world.article, "annotator": "reviewer"},
    ),
    # The article is assigned to the editor alone (round robin over editors); the roles
    # above may flag, but have no assignment to flag: "not assigned to you".
    Row(
        "POST",
        "api/articles/<int:article_id>/assignment/",
        {**api(EDITOR), REVIEWER: Status(400), ADMIN: Status(400), SUPERUSER: Status(400)},
        body={"action": "flag", "reason": "Paywalled"},
    ),
    Row("GET", "api/projects/<int:project_id>/agreement/", api(VIEWER)),
    Row("GET", "api/articles/<int:article_id>/adjudication/", api(REVIEWER)),
    Row(
        "POST",
        "api/articles/<int:article_id>/adjudication/",
        api(REVIEWER),
        body={"action": "take_agreed"},
    ),
    Row("GET", "api/projects/<int:project_id>/stats/", api(REVIEWER)),
    Row("GET", "api/projects/<int:project_id>/history/", api(REVIEWER)),
    Row(
        "GET",
        "api/projects/<int:project_id>/history/export/",
        api(REVIEWER),
        query={"format": "csv"},
    ),
    # Pages.
    Row("GET", "", page_user(200)),
    Row("GET", "guidelines/", page_user(200)),
    Row("GET", "projects/<int:project_id>/", page(200)),
    Row("GET", "articles/<int:article_id>/", page(200), check=_read_only_for_viewers),
    Row("GET", "articles/<int:article_id>/next/", page(QUEUE_OR_NEXT)),
    # Management pages: projects.
    Row("GET", "projects/new/", page_staff(200)),
    Row("POST", "projects/new/", page_staff(SAVED), body={"name": "Letters desk", "tagger": ""}),
    Row("GET", "projects/<int:project_id>/settings/", page_role(ADMIN)),
    Row(
        "POST",
        "projects/<int:project_id>/settings/",
        page_role(ADMIN, SAVED),
        body={"name": "Opinion desk", "description": "Letters.", "tagger": ""},
    ),
    Row("GET", "projects/<int:project_id>/delete/", page_role(ADMIN)),
    Row(
        "POST",
        "projects/<int:project_id>/delete/",
        page_role(ADMIN, HOME),
        body={"confirm": "Opinion desk"},
    ),
    Row("GET", "projects/<int:project_id>/stats/", page(200)),
    Row("GET", "projects/<int:project_id>/search/", page(200)),
    # Members and accounts.
    Row("GET", "projects/<int:project_id>/members/", page(200)),
    Row(
        "POST",
        "projects/<int:project_id>/members/",
        page_role(ADMIN, SAVED),
        body={"user": "outsider", "role": "viewer"},
    ),
    Row(
        "POST",
        "projects/<int:project_id>/members/<str:username>/",
        page_role(ADMIN, SAVED),
        body={"role": "editor"},
    ),
    Row("GET", "projects/<int:project_id>/accounts/new/", page_role(ADMIN)),
    Row(
        "POST",
        "projects/<int:project_id>/accounts/new/",
        page_role(ADMIN, 200),
        body={"username": "newcomer", "email": "", "role": "editor", "access": "invite"},
    ),
    Row("GET", "invitations/<uidb64>/<token>/", public(200), kwargs=invitation),
    Row("POST", "invitations/<uidb64>/<token>/", public(200), kwargs=invitation),
    # Labels.
    Row("GET", "projects/<int:project_id>/labels/", page(200)),
    Row("GET", "projects/<int:project_id>/labels/new/", page_role(ADMIN)),
    Row("POST", "projects/<int:project_id>/labels/new/", page_role(ADMIN, SAVED), body=LABEL_FORM),
    Row("GET", "projects/<int:project_id>/labels/<int:label_id>/", page_role(ADMIN)),
    Row(
        "POST",
        "projects/<int:project_id>/labels/<int:label_id>/",
        page_role(ADMIN, SAVED),
        body={**LABEL_FORM, "name": "quote"},
    ),
    Row(
        "POST",
        "projects/<int:project_id>/labels/<int:label_id>/delete/",
        page_role(ADMIN, SAVED),
        kwargs=unused_label,
    ),
    # Import ("editor … imports") and export ("viewer … can read and export").
    Row("GET", "projects/<int:project_id>/import/", page_role(EDITOR)),
    Row(
        "POST",
        "projects/<int:project_id>/import/",
        page_role(EDITOR, SAVED),
        body={"source": "text", "text-title": "Letter", "text-text": ARTICLE["text"]},
    ),
    Row("GET", "projects/<int:project_id>/imports/<int:import_id>/", page(200)),
    Row("GET", "projects/<int:project_id>/export/", page(200)),
    Row(
        "POST",
        "projects/<int:project_id>/export/",
        page(SAVED),
        body={"format": "jsonl", "status": "accepted"},
    ),
    # Teams pages: adjudication, stats and the audit trail are for reviewers and admins.
    Row("GET", "articles/<int:article_id>/review/", reviewers_page()),
    Row("GET", "projects/<int:project_id>/stats/quality/", reviewers_page()),
    Row("GET", "projects/<int:project_id>/history/", reviewers_page()),
    # Skip/flag from the queue: back to the queue (a refusal there says why).
    Row(
        "POST",
        "articles/<int:article_id>/assignment/",
        {**page(Status(302, location=r"^/projects/\d+/$")), VIEWER: Status(403)},
        body={"action": "flag", "reason": "Paywalled"},
    ),
]


def options_expect(route: str) -> Expect:
    """``OPTIONS`` on a class-based view describes the view, never an object: any signed-in
    API user (the API's own docs: anyone), anyone on pages."""
    if route.startswith("api/") and route not in ("api/schema/", "api/docs/"):
        return api_user(200)
    if route == "accounts/password/change/":
        return page_user(200)  # signed-in users only, whatever the method
    return public(200)


# The admin site: staff only, for every method (``AdminSite.admin_view``). Other users are
# sent to its login page; logout sends them to the index, which does the same.
ADMIN_PREFIX = "admin/"


def admin_expect(route: str, method: str) -> Expect:
    """What each role gets from an admin URL.

    GET is asked of every role. The staff check does not look at the method, so POST is
    asked of the least and the most trusted non-staff callers (anonymous, a project admin)
    only; the superuser's POSTs would submit Django's own forms, not ours to test, except
    logging in and out.
    """
    tail = route.removeprefix(ADMIN_PREFIX)
    others: Status
    if tail == "login/":
        # Anyone may see and post the login form; only staff get in (signed-in staff are
        # sent on to the index; once in, to LOGIN_REDIRECT_URL).
        others = Status(200)
        superuser = Status(302, location=r"^/admin/$" if method == "GET" else r"^/$")
    elif tail == "logout/":
        others = Status(302, location=r"^/admin/$")
        superuser = Status(405) if method == "GET" else Status(302)
    else:
        others, superuser = ADMIN_LOGIN, _admin_superuser_get(tail)
    if method == "GET":
        return {**{role: others for role in ROLES[:-1]}, SUPERUSER: superuser}
    expect = {ANONYMOUS: others, ADMIN: others}
    if tail in ("login/", "logout/"):
        expect[SUPERUSER] = superuser
    return expect


# What our ModelAdmins refuse even the superuser.
ADMIN_REFUSED = {  # history is append-only: never added, changed or deleted by hand
    "articles/spanevent/add/": Status(403),
    "articles/spanevent/<path:object_id>/delete/": Status(403),
    "axes/accessattempt/add/": Status(403),  # failed sign-ins are recorded, never made up
}


def _admin_superuser_get(tail: str) -> Status:
    if tail in ADMIN_REFUSED:
        return ADMIN_REFUSED[tail]
    if tail.startswith("r/"):
        return Status(404)  # "view on site": our models have no get_absolute_url
    if tail == "autocomplete/":
        return Status(403)  # no admin declares autocomplete_fields
    if tail.endswith("<path:object_id>/"):
        return Status(302)  # the bare object URL redirects to its change page
    if tail == "(?P<url>.*)$":
        return Status(404)  # the catch-all, given a URL that is not there
    return Status(200)

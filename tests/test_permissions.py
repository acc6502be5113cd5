"""Every URL pattern for every role, against the table in ``tests/permissions_table.py``.

The resolver is walked, not a list of URLs kept by hand: a pattern or an allowed method
without a row fails ``test_every_pattern_and_method_has_a_row``, and so does a row naming a
pattern or method that is gone. Each request runs against real objects of the project,
with a valid body, inside a savepoint rolled back afterwards, so one role's write never
changes what the next role finds.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve
from django.urls.resolvers import RegexPattern
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from annotator.urls import urlpatterns as app_urlpatterns
from articles.models import Article, Project, Span
from articles.selectors.exports import ExportFilters
from articles.services import (
    import_one,
    label_create,
    review_set_state,
    snapshot_build,
    snapshot_request,
    span_create,
)
from articles.types import User
from tests.factories import label, make_suggestion
from tests.permissions_table import (
    ADMIN,
    ADMIN_PREFIX,
    EDITOR,
    OUTSIDER,
    REVIEWER,
    ROLES,
    ROWS,
    SUPERUSER,
    VIEWER,
    Answer,
    Builder,
    Row,
    World,
    admin_expect,
    options_expect,
    own_credentials,
)

# Methods a function view is asked about (class-based views list their own).
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")

Cast = dict[str, User]  # role -> user, for every role but anonymous

Caller = Callable[[str, bool], Client]  # (role, api) -> a client signed in as that role


# --- the URL patterns -------------------------------------------------------------------


def url_patterns(
    resolver: URLResolver | None = None, prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    """Every endpoint of the URLconf as (route as the resolver spells it, pattern)."""
    for item in (resolver or get_resolver()).url_patterns:
        route = prefix + str(item.pattern)
        if isinstance(item, URLResolver):
            yield from url_patterns(item, route)
        else:
            yield route, item


def view_methods(pattern: URLPattern) -> set[str] | None:
    """The methods a class-based view answers (HEAD is GET without a body); None for a
    function view, whose decorators only say so when asked."""
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is None:
        return None
    return {
        m.upper() for m in view_class.http_method_names if m != "head" and hasattr(view_class, m)
    }


def url_for(route: str, kwargs: Mapping[str, object]) -> str:
    """The path of ``route`` with its parameters filled in."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in kwargs:
            raise KeyError(f"No value for URL parameter {name!r} of {route!r}.")
        return str(kwargs[name])

    filled = _CONVERTER.sub(value, _GROUP.sub(value, route))
    return "/" + filled.replace("^", "").replace("$", "")


def options_rows(patterns: list[tuple[str, URLPattern]]) -> list[Row]:
    """OPTIONS, which every class-based view answers alike, from one rule."""
    return [
        Row("OPTIONS", route, options_expect(route))
        for route, pattern in patterns
        if not route.startswith(ADMIN_PREFIX) and "OPTIONS" in (view_methods(pattern) or ())
    ]


def coverage_gaps(
    patterns: list[tuple[str, URLPattern]],
    rows: list[Row],
    allowed: Mapping[str, set[str]],
) -> list[str]:
    """What the table misses or names in vain. ``allowed``: the methods each function
    view answered (class-based views say theirs)."""
    ours = [(route, p) for route, p in patterns if not route.startswith(ADMIN_PREFIX)]
    keys = {row.key for row in [*rows, *options_rows(ours)]}
    served: set[tuple[str, str]] = set()
    for route, pattern in ours:
        methods = view_methods(pattern)
        served |= {(m, route) for m in (allowed.get(route, set()) if methods is None else methods)}
    missing = [f"no row for {method} /{route}" for method, route in sorted(served - keys)]
    routes = {route for route, _ in ours}
    stale = [
        f"row {method} /{route} names "
        + ("a method the view does not answer" if route in routes else "no URL pattern")
        for method, route in sorted(keys - served)
    ]
    return missing + stale


# --- the world the requests run in --------------------------------------------------------


@pytest.fixture
def cast(
    outsider: User, viewer: User, teammate: User, reviewer: User, owner: User, superuser: User
) -> Cast:
    return {
        OUTSIDER: outsider,
        VIEWER: viewer,
        EDITOR: teammate,
        REVIEWER: reviewer,
        ADMIN: owner,
        SUPERUSER: superuser,
    }


@pytest.fixture
def world(cast: Cast, project: Project, article: Article, settings: Any, tmp_path: Path) -> World:
    settings.MEDIA_ROOT = tmp_path
    owner, teammate = cast[ADMIN], cast[EDITOR]
    suggestion = make_suggestion(article, "speculation", 42, 65)  # "It may close next year."
    quote = label(project, "quote")
    own_spans = {}
    # A human row in each user's layer ('"We are ready,"'); the outsider's is a former
    # member's, the viewer's one left from an editor later made a viewer.
    for role, user in cast.items():
        own_spans[role] = Span.objects.create(
            article=article,
            label=quote,
            start=67,
            end=80,
            text=article.text[67:80],
            origin=Span.Origin.HUMAN,
            status=Span.Status.ACCEPTED,
            annotator=user,
        ).pk
    unused = label_create(project=project, actor=owner, name="aside", color="#445566")
    job = import_one(
        project=project,
        data={"title": "Wire", "text": "The council met on Monday. It may meet again."},
        actor=teammate,
        spans_as="machine",
    )
    snapshot = snapshot_request(
        project=project, actor=owner, format="jsonl", filters=ExportFilters()
    )
    snapshot_build(snapshot_id=snapshot.pk)
    own_snapshot = snapshot_request(
        project=project,
        actor=teammate,
        format="jsonl",
        filters=ExportFilters(layer=f"editor:{teammate.username}"),
    )
    snapshot_build(snapshot_id=own_snapshot.pk)
    for user in cast.values():
        Token.objects.create(user=user)
    return World(
        project=project.pk,
        article=article.pk,
        suggestion=suggestion.pk,
        label=quote.pk,  # spans use it: deleting it is refused, renaming it is not
        unused_label=unused.pk,
        import_job=job.pk,
        snapshot=snapshot.pk,
        editor_snapshot=own_snapshot.pk,
        member=cast[VIEWER].username,
        usernames={role: user.username for role, user in cast.items()},
        own_spans=own_spans,
    )


@pytest.fixture
def caller(cast: Cast) -> Caller:
    """``caller(role, api)``: a client as that role; the API with the role's token (a
    script), pages with a session (a browser). Server errors come back as 500s."""
    made: dict[tuple[str, bool], Client] = {}

    def build(role: str, api: bool) -> Client:
        if (role, api) not in made:
            client = _client(cast.get(role), api)
            client.raise_request_exception = False
            made[role, api] = client
        return made[role, api]

    return build


def _client(user: User | None, api: bool) -> Client:
    if not api:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client
    api_client = APIClient()
    if user is not None:
        token = Token.objects.get(user=user).key
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api_client


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever the request writes is undone; the test's own transaction goes on."""
    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


def _value(spec: Any, world: World, role: str) -> Any:
    return spec(world, role) if callable(spec) else spec


def send(client: Client, row: Row, world: World, role: str) -> Answer:
    kwargs = {**world.url_kwargs(), **(_value(row.kwargs, world, role) or {})}
    target = url_for(row.route, kwargs)
    # (The resolver joins a nested regex without its "^".)
    resolved = resolve(target).route
    assert resolved == row.route.replace("^", ""), f"{target} is not a URL of /{row.route}"
    query = _value(row.query, world, role)
    if query:
        target += "?" + urlencode(query)
    body = _value(row.body, world, role)
    # A login or logout changes the client's session cookie; the database side is rolled
    # back, so the cookie is put back too.
    cookies = copy.deepcopy(client.cookies)
    response: Answer
    with rolled_back():
        if row.method == "GET":
            response = client.get(target)
        elif isinstance(client, APIClient):
            fmt = "multipart" if row.multipart else "json"
            response = (
                client.generic(row.method, target)
                if body is None
                else getattr(client, row.method.lower())(target, body, format=fmt)
            )
        else:
            response = client.generic(
                row.method,
                target,
                urlencode(body or {}),
                content_type="application/x-www-form-urlencoded",
            )
        if response.streaming:
            # Streamed exports read the database as they go; the test client closes the
            # response at the end of the content (closing it again here would close the
            # test's database connection).
            b"".join(response.streaming_content)
    client.cookies = cookies
    return response


def check_row(row: Row, world: World, caller: Caller) -> list[str]:
    """Every role's answer to the row, as messages naming what differs."""
    failures: list[str] = []
    api = row.route.startswith("api/")
    for role in ROLES:
        if role not in row.expect:
            continue
        response = send(caller(role, api), row, world, role)
        problem = row.expect[role].mismatch(response)
        if problem is None and row.check is not None:
            problem = row.check(response, role, world)
        if problem is not None:
            excerpt = b"" if response.streaming else response.content[:160]
            failures.append(f"{row.id} as {role}: {problem} {excerpt!r}")
    return failures


# --- the tests ----------------------------------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_each_role_gets_the_promised_status(row: Row, world: World, caller: Caller) -> None:
    failures = check_row(row, world, caller)
    assert not failures, "\n".join(failures)


def test_options_describe_a_view_without_telling_who_may_use_it(
    world: World, caller: Caller
) -> None:
    patterns = list(url_patterns())
    failures = [f for row in options_rows(patterns) for f in check_row(row, world, caller)]
    assert not failures, "\n".join(failures)


def function_view_methods(
    patterns: list[tuple[str, URLPattern]], world: World, caller: Caller
) -> dict[str, set[str]]:
    """The methods each function view answers: asked as the superuser, who may do
    anything, so only a 405 means the method is not served."""
    client = caller(SUPERUSER, False)
    answered: dict[str, set[str]] = {}
    for route, pattern in patterns:
        if route.startswith(ADMIN_PREFIX) or view_methods(pattern) is not None:
            continue
        answered[route] = {
            method
            for method in METHODS
            if send(client, Row(method, route, {}), world, SUPERUSER).status_code != 405
        }
    return answered


def test_every_pattern_and_method_has_a_row(world: World, caller: Caller) -> None:
    patterns = list(url_patterns())
    gaps = coverage_gaps(patterns, ROWS, function_view_methods(patterns, world, caller))
    assert not gaps, "\n".join(gaps)


class _Added(APIView):
    def get(self, request: Any) -> Response:
        return Response({})

    def delete(self, request: Any) -> Response:
        return Response(status=204)


# Our URLconf plus an endpoint the table has never heard of.
WITH_ADDED_ENDPOINT: list[Any] = [
    *app_urlpatterns,
    path("api/added/<int:project_id>/", _Added.as_view()),
]


def test_a_new_endpoint_or_a_vanished_one_fails_the_coverage_check() -> None:
    added = list(url_patterns(URLResolver(RegexPattern(r"^/"), WITH_ADDED_ENDPOINT)))
    ours = [(route, p) for route, p in added if route != "api/added/<int:project_id>/"]
    fake = {route: {"GET"} for route, p in ours if view_methods(p) is None}
    rows = [*ROWS, Row("GET", "api/gone/", {})]
    gaps = coverage_gaps(added, rows, fake)
    assert "no row for GET /api/added/<int:project_id>/" in gaps
    assert "no row for DELETE /api/added/<int:project_id>/" in gaps
    assert "row GET /api/gone/ names no URL pattern" in gaps
    assert "row PUT /accounts/logout/ names a method the view does not answer" in coverage_gaps(
        ours, [*ROWS, Row("PUT", "accounts/logout/", {})], fake
    )


# --- the admin site -----------------------------------------------------------------------


def _admin_kwargs(route: str, world: World, cast: Cast) -> dict[str, object]:
    """Real objects for the admin's URLs: the first row of the model in the route."""
    kwargs: dict[str, object] = {"app_label": "articles", "url": "nowhere/"}
    parts = route.removeprefix(ADMIN_PREFIX).split("/")
    if "<path:object_id>" in route and parts[0] != "r":
        model = apps.get_model(parts[0], parts[1])
        first = model._default_manager.first()
        assert first is not None, f"no {model.__name__} to open in the admin"
        kwargs["object_id"] = first.pk
    kwargs["id"] = cast[EDITOR].pk
    kwargs["content_type_id"] = ContentType.objects.get_for_model(Project).pk
    kwargs.setdefault("object_id", world.project)
    return kwargs


def _fixed(kwargs: dict[str, object]) -> Builder:
    def build(world: World, role: str) -> dict[str, object]:
        return kwargs

    return build


def test_the_admin_is_for_staff_only(
    world: World, cast: Cast, caller: Caller, project: Project, article: Article
) -> None:
    # Rows for the admin's other models: a group, an event, a review, a failed sign-in.
    Group.objects.create(name="Desk")
    Client().post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    span_create(article=article, label=label(project, "claim"), start=0, end=41, actor=cast[EDITOR])
    review_set_state(article=article, actor=cast[EDITOR], state="in_progress")
    failures: list[str] = []
    for route, _ in url_patterns():
        if not route.startswith(ADMIN_PREFIX):
            continue
        kwargs = _admin_kwargs(route, world, cast)
        for method in ("GET", "POST"):
            row = Row(
                method,
                route,
                admin_expect(route, method),
                body=own_credentials if route == "admin/login/" else None,
                kwargs=_fixed(kwargs),
            )
            failures += check_row(row, world, caller)
    assert not failures, "\n".join(failures)


def test_static_files_are_served_to_anyone(caller: Caller, world: World) -> None:
    for role in ROLES:
        response: Answer = caller(role, False).get("/static/articles/offsets.js")
        assert response.status_code == 200, role
        b"".join(response.streaming_content)

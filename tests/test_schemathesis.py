"""The API agrees with its OpenAPI schema: a bounded, seeded schemathesis run (issue 9).

Every operation of the schema the app serves gets schema-valid and schema-violating requests
(a few hundred in all, the same ones on every run: fixed seed, deterministic generation),
sent through the WSGI app as a member of the project (its admin, by API token). Each answer
must be no 5xx, have a documented status and content type, and match the documented body;
and a request the schema forbids (an unknown field, a wrong type, NUL, a value out of range)
must be refused with a 4xx.

Not checked: that every schema-valid request is accepted. The schema cannot say that span
offsets must fall inside the article or that a label must exist in the project, so a 400
for those is right.

A deeper run, with schemathesis's boundary-value phase as well (about 3,000 requests):
``SCHEMATHESIS_DEEP=1 pytest tests/test_schemathesis.py``.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from schemathesis.config import SchemathesisConfig

from articles.models import ImportJob, Snapshot
from articles.services.tokens import token_regenerate
from tests.factories import make_suggestion

DEEP = os.environ.get("SCHEMATHESIS_DEEP") == "1"
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20240531,
        "generation": {
            "mode": "all",  # schema-valid and schema-violating requests
            "max-examples": 40 if DEEP else 10,
            "deterministic": True,
            "database": "none",  # no replay of failures stored by an earlier run
        },
        "phases": {"coverage": {"enabled": DEEP}, "stateful": {"enabled": False}},
        "checks": {"positive_data_acceptance": {"enabled": False}},
    }
)


def live_schema() -> dict[str, Any]:
    """The document ``/api/schema/`` serves (same generator, same settings); built at
    collection, when no database is open to sign in with."""
    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(live_schema(), config=CONFIG)


class App:
    """The project's WSGI app, built at the first request: Django's middleware reads its
    settings when built, and the tests' settings are in place only by then."""

    handler: WSGIHandler | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if self.handler is None:
            self.handler = WSGIHandler()
        return self.handler(environ, start_response)


schema.app = App()


@pytest.fixture
def token(db, settings, owner, project, article):
    settings.ALLOWED_HOSTS = ["localhost"]  # the host schemathesis's WSGI client sends
    # As Django's own test client does: the end of a request would close the connection
    # that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield token_regenerate(user=owner).key
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def ids(owner, project, article):
    """A row for each kind of id in a path, so requests reach the views, not only 404s."""
    suggestion = make_suggestion(article, "claim", 0, 40)
    job = ImportJob.objects.create(project=project, created_by=owner, source="seed.jsonl")
    snapshot = Snapshot.objects.create(project=project, version=1, format="jsonl")
    return {
        "project_id": project.pk,
        "article_id": article.pk,
        "span_id": suggestion.pk,
        "label_id": project.labels.get(name="quote").pk,
        "import_id": job.pk,
        "snapshot_id": snapshot.pk,
        "username": "teammate",
    }


def _aim(case: Any, ids: dict[str, int | str]) -> None:
    # Integer ids go to existing rows; anything else in a path stays (it must be a JSON 404).
    for name, value in list((case.path_parameters or {}).items()):
        if name == "username" or isinstance(value, int) or str(value).isdigit():
            case.path_parameters[name] = ids[name]
    # A URL import may only ever reach this machine: a generated public address would be a
    # real request out. Loopback is refused before connecting, like any private address.
    if isinstance(case.body, dict) and isinstance(case.body.get("url"), str):
        case.body["url"] = "http://127.0.0.1:9/page"


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_api_agrees_with_its_schema(case, token, ids):
    _aim(case, ids)
    case.call_and_validate(
        # The WSGI client does not undo GZipMiddleware; ask for the body as it is.
        headers={"Authorization": f"Token {token}", "Accept-Encoding": "identity"}
    )


def test_the_tested_schema_is_the_served_one(owner):
    client = APIClient()
    client.force_authenticate(owner)
    served = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert served == live_schema()
    assert len(list(schema.get_all_operations())) == sum(
        len(operations) for operations in served["paths"].values()
    )

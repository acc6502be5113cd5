"""Lock-out after failed authentication (login, admin, API token, stale session) and the
Content-Security-Policy header."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.lockout import client_ip
from tests.factories import PASSWORD, make_user

ROOT = Path(__file__).resolve().parent.parent
WRONG = "not-the-password"


@pytest.fixture
def limits(settings):
    """Small limits, so a test reaches them in a few requests."""
    settings.AUTH_FAILURE_LIMITS = {"username": 3, "ip_address": 5}
    return settings.AUTH_FAILURE_LIMITS


def log_in(client: Client, username: str, password: str, ip: str = "127.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def test_wrong_passwords_lock_the_username_then_the_right_one_is_refused_until_it_ends(
    client, owner, limits, settings
):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)
    for _ in range(2):
        response = log_in(client, "owner", WRONG)
        assert response.status_code == 200
        assert b"didn't match" in response.content
    locked = log_in(client, "owner", WRONG)
    assert locked.status_code == 429
    assert locked["Retry-After"] == "2"
    assert b"Too many failed sign-in attempts" in locked.content

    refused = log_in(client, "owner", PASSWORD)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 2
    assert not signed_in(client)

    time.sleep(int(refused["Retry-After"]) + 0.2)
    accepted = log_in(client, "owner", PASSWORD)
    assert accepted.status_code == 302 and accepted["Location"] == "/"
    assert signed_in(client)


def test_default_lockout_lasts_the_configured_period(client, owner, limits, settings):
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 900
    for _ in range(3):
        response = log_in(client, "owner", WRONG)
    assert response.status_code == 429
    assert 899 <= int(response["Retry-After"]) <= 900


def test_username_is_locked_from_every_address(client, owner, limits):
    for n in range(3):
        log_in(client, "owner", WRONG, ip=f"10.0.0.{n + 1}")
    assert log_in(client, "owner", PASSWORD, ip="10.0.0.99").status_code == 429
    # The last address that tried is not locked for other people.
    other = make_user("other")
    assert log_in(Client(), other.get_username(), PASSWORD, ip="10.0.0.3").status_code == 302


def test_address_is_locked_for_every_username(owner, limits):
    guesser = Client()
    for n in range(5):  # one wrong password each: no username reaches its limit of 3
        log_in(guesser, f"someone{n}", WRONG, ip="10.1.1.1")
    refused = log_in(Client(), "owner", PASSWORD, ip="10.1.1.1")
    assert refused.status_code == 429
    elsewhere = Client()
    assert log_in(elsewhere, "owner", PASSWORD, ip="10.1.1.2").status_code == 302


def test_a_success_neither_counts_nor_wipes_failures(client, owner, limits):
    log_in(client, "owner", WRONG)
    log_in(client, "owner", WRONG)
    for _ in range(4):
        assert log_in(client, "owner", PASSWORD).status_code == 302
        client.post("/accounts/logout/")
    assert AccessAttempt.objects.get().failures_since_start == 2
    assert log_in(client, "owner", WRONG).status_code == 429


def test_admin_login_is_locked_out_too(client, superuser, limits):
    for _ in range(3):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "root", "password": WRONG}
        )
    assert response.status_code == 429
    refused = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert refused.status_code == 429
    assert client.get("/admin/").status_code == 302


def token_client(key: str, ip: str = "127.0.0.1") -> APIClient:
    api = APIClient(REMOTE_ADDR=ip)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_bad_tokens_lock_the_address_with_429_and_retry_after(owner, project, limits):
    good = Token.objects.create(user=owner).key
    bad = token_client("0" * 40)
    for _ in range(4):
        response = bad.get("/api/projects/")
        assert response.status_code == 401
        assert response.json() == {"detail": ["Invalid token."]}
    locked = bad.get("/api/projects/")
    assert locked.status_code == 429
    assert 899 <= int(locked["Retry-After"]) <= 900
    assert locked.json()["detail"][0].startswith(
        "Too many failed authentication attempts from this address."
    )

    # The right token from that address is refused as well; from another address it works.
    assert token_client(good).get("/api/projects/").status_code == 429
    assert token_client(good, ip="10.2.2.2").get("/api/projects/").status_code == 200
    # So is a password from that address: one counter per address.
    assert log_in(Client(), "owner", PASSWORD).status_code == 429


def test_malformed_token_header_counts(owner, limits):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token")
    for _ in range(4):
        assert api.get("/api/projects/").status_code == 401
    assert api.get("/api/projects/").status_code == 429


def test_good_tokens_count_nothing(owner, project, limits):
    api = token_client(Token.objects.create(user=owner).key)
    for _ in range(8):
        assert api.get("/api/projects/").status_code == 200
    assert not AccessAttempt.objects.exists()


def test_a_good_token_costs_one_lockout_query_and_a_session_none(owner, project):
    api = token_client(Token.objects.create(user=owner).key)
    browser = APIClient()
    browser.force_login(owner)
    for client in (api, browser):
        client.get("/api/projects/")  # warm: the content types, the first session read
    with CaptureQueriesContext(connection) as token_queries:
        assert api.get("/api/projects/").status_code == 200
    with CaptureQueriesContext(connection) as session_queries:
        assert browser.get("/api/projects/").status_code == 200
    lockout = [q["sql"] for q in token_queries.captured_queries if "axes_" in q["sql"]]
    assert len(lockout) == 1 and lockout[0].startswith("SELECT")
    assert not [q for q in session_queries.captured_queries if "axes_" in q["sql"]]


def test_bad_tokens_from_many_addresses_lock_none_of_the_others(owner, limits):
    """Token failures have no username: they count per address only, not all together."""
    good = Token.objects.create(user=owner).key
    for n in range(8):
        assert token_client("f" * 40, ip=f"10.3.0.{n}").get("/api/projects/").status_code == 401
    assert token_client(good, ip="10.3.1.1").get("/api/projects/").status_code == 200


def test_stale_session_cookies_lock_the_address(owner, project, limits):
    api = APIClient()
    for n in range(4):
        api.cookies["sessionid"] = f"guessed{n:032d}"
        assert api.get("/api/projects/").status_code == 401
    api.cookies["sessionid"] = "guessed-again"
    locked = api.get("/api/projects/")
    assert locked.status_code == 429 and "Retry-After" in locked


def test_a_live_session_works_from_a_locked_address(owner, project, limits):
    bad = token_client("0" * 40)
    for _ in range(5):
        bad.get("/api/projects/")
    assert bad.get("/api/projects/").status_code == 429
    browser = APIClient()
    assert browser.login(username="owner", password=PASSWORD)
    assert browser.get("/api/projects/").status_code == 200


def test_no_credentials_count_nothing(db, limits):
    for _ in range(8):
        assert APIClient().get("/api/projects/").status_code == 401
    assert not AccessAttempt.objects.exists()


def test_client_address_behind_trusted_proxies(settings):
    factory = RequestFactory()
    spoofed = factory.get(
        "/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(spoofed) == "192.0.2.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(spoofed) == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(spoofed) == "6.6.6.6"
    settings.TRUSTED_PROXY_COUNT = 1
    garbage = factory.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="unknown")
    assert client_ip(garbage) == "192.0.2.1"
    direct = factory.get("/", REMOTE_ADDR="192.0.2.1")
    assert client_ip(direct) == "192.0.2.1"


def test_failures_behind_a_proxy_count_per_client(client, owner, limits, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": "nobody", "password": WRONG},
            REMOTE_ADDR="192.0.2.1",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    accepted = client.post(
        "/accounts/login/",
        {"username": "owner", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.1",
        HTTP_X_FORWARDED_FOR="203.0.113.6",
    )
    assert accepted.status_code == 302


# --- Content-Security-Policy -------------------------------------------------------------


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in header.split(";"))
    }


def assert_strict(response) -> None:
    directives = policy(response)
    assert directives["script-src"].split()[0] == "'self'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert directives["style-src"].split()[0] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'self'"


def test_every_page_and_api_answer_has_a_strict_policy(client, owner, project, article):
    answers = [client.get("/accounts/login/"), client.get("/healthz"), client.get("/")]
    client.force_login(owner)
    answers += [
        client.get("/"),
        client.get(f"/projects/{project.pk}/"),
        client.get(f"/articles/{article.pk}/"),
        client.get("/accounts/profile/"),
        client.get("/accounts/password/change/"),
        client.get("/api/projects/"),
        client.get("/api/articles/999999/"),
        APIClient().get("/api/projects/"),
    ]
    statuses = [a.status_code for a in answers]
    assert statuses == [200, 200, 302, 200, 200, 200, 200, 200, 200, 404, 401]
    for answer in answers:
        assert_strict(answer)


def test_nonce_only_where_a_page_uses_it(client, owner, article):
    client.force_login(owner)
    login_page = Client().get("/accounts/login/")
    assert "nonce-" not in login_page["Content-Security-Policy"]

    editors = [client.get(f"/articles/{article.pk}/") for _ in range(2)]
    nonces = []
    for editor in editors:
        found = re.search(r"'nonce-([A-Za-z0-9+/=]+)'", policy(editor)["script-src"])
        assert found, editor["Content-Security-Policy"]
        nonces.append(found.group(1))
        assert f'<script type="importmap" nonce="{found.group(1)}">'.encode() in editor.content
    assert nonces[0] != nonces[1]


# --- Settings from the environment ---------------------------------------------------------


def _settings_of(code: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AUTH_", "EMAIL_"))}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "annotator.settings", "SECRET_KEY": "x", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_lockout_and_mail_settings_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "print(s.AUTH_FAILURE_LIMITS, s.AXES_COOLOFF_TIME.total_seconds(),"
        " s.TRUSTED_PROXY_COUNT, s.EMAIL_BACKEND, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL)"
    )
    defaults = _settings_of(code)
    assert defaults.returncode == 0, defaults.stderr
    assert defaults.stdout.strip() == (
        "{'username': 5, 'ip_address': 20} 900.0 0 "
        "django.core.mail.backends.console.EmailBackend 587 True False"
    )
    configured = _settings_of(
        code,
        AUTH_FAILURES_PER_USERNAME="4",
        AUTH_FAILURES_PER_IP="40",
        AUTH_LOCKOUT_SECONDS="60",
        TRUSTED_PROXY_COUNT="1",
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="465",
        EMAIL_USE_SSL="1",
    )
    assert configured.returncode == 0, configured.stderr
    assert configured.stdout.strip() == (
        "{'username': 4, 'ip_address': 40} 60.0 1 "
        "django.core.mail.backends.smtp.EmailBackend 465 False True"
    )


def test_bad_lockout_and_mail_settings_stop_the_app():
    zero = _settings_of("pass", AUTH_FAILURES_PER_USERNAME="0")
    assert zero.returncode != 0
    assert "AUTH_FAILURES_PER_USERNAME=0 must be at least 1" in zero.stderr
    both = _settings_of("pass", EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")
    assert both.returncode != 0
    assert "Set one of EMAIL_USE_TLS (STARTTLS) and EMAIL_USE_SSL, not both." in both.stderr

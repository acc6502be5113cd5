"""Settings helpers refuse bad values; production settings pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from annotator.settings import env_bool, env_int, env_list, env_str, env_url

ROOT = Path(__file__).resolve().parent.parent


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "12")
    monkeypatch.setenv("X_LIST", "a.example, b.example,")
    assert env_bool("X_BOOL", False) is True
    assert env_int("X_INT", 0) == 12
    assert env_list("X_LIST", []) == ["a.example", "b.example"]


def test_env_helpers_refuse_bad_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "perhaps")
    monkeypatch.setenv("X_INT", "twelve")
    monkeypatch.delenv("X_MISSING", raising=False)
    with pytest.raises(ImproperlyConfigured, match=r"^X_BOOL='perhaps' is not a boolean"):
        env_bool("X_BOOL", False)
    with pytest.raises(ImproperlyConfigured, match=r"^X_INT='twelve' is not an integer\.$"):
        env_int("X_INT", 0)
    monkeypatch.setenv("X_INT", "-3")
    with pytest.raises(ImproperlyConfigured, match=r"^X_INT=-3 must be at least 0\.$"):
        env_int("X_INT", 0)
    with pytest.raises(ImproperlyConfigured, match=r"^Set the X_MISSING environment variable\.$"):
        env_str("X_MISSING")


def test_env_url_wants_an_http_address(monkeypatch):
    monkeypatch.setenv("X_URL", "https://annotator.example.org/")
    assert env_url("X_URL") == "https://annotator.example.org"
    monkeypatch.setenv("X_URL", "")
    assert env_url("X_URL") == ""
    for bad in ("annotator.example.org", "ftp://example.org", "https:// spaced.example"):
        monkeypatch.setenv("X_URL", bad)
        with pytest.raises(ImproperlyConfigured, match=r"^X_URL=.* is not an http\(s\) address\.$"):
            env_url("X_URL")


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check")
    # One line naming the variable, not a traceback (manage.py).
    assert result.returncode == 2
    assert result.stderr == (
        "manage.py: Set the SECRET_KEY environment variable. "
        "(settings come from the environment: README, Configuration)\n"
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-" + "x7Qp2Lm9" * 6,
        ALLOWED_HOSTS="annotator.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr

"""create_api_token prints only a working token and replaces the previous one."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def _run(username):
    out = StringIO()
    call_command("create_api_token", username, stdout=out)
    return out.getvalue().strip()


def test_prints_only_the_token_which_authenticates(owner, project):
    key = _run("owner")
    assert key == Token.objects.get(user=owner).key and len(key) == 40 and "\n" not in key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/projects/").status_code == 200


def test_second_run_replaces_token(owner):
    first = _run("owner")
    second = _run("owner")
    assert first != second
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    refused = client.get("/api/projects/")
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Token"
    assert refused.json() == {"detail": ["Invalid token."]}
    client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert client.get("/api/projects/").status_code == 200


def test_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        _run("ghost")
    assert not Token.objects.exists()

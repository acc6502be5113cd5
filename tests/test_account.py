"""Profile page: tokens are created, regenerated and revoked by their owner only."""

from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD


def test_create_regenerate_revoke(client, owner, project):
    assert client.login(username="owner", password=PASSWORD)
    page = client.get("/accounts/profile/")
    assert page.status_code == 200 and b"Opinion desk" in page.content
    assert b"You have no API token" in page.content
    created = client.post("/accounts/profile/", {"action": "regenerate"})
    assert (created.status_code, created["Location"]) == (302, "/accounts/profile/")
    first = Token.objects.get(user=owner).key
    assert first.encode() in client.get("/accounts/profile/").content
    assert client.post("/accounts/profile/", {"action": "regenerate"}).status_code == 302
    assert Token.objects.get(user=owner).key != first
    assert client.post("/accounts/profile/", {"action": "revoke"}).status_code == 302
    assert not Token.objects.filter(user=owner).exists()
    unknown = client.post("/accounts/profile/", {"action": "steal"})
    assert (unknown.status_code, unknown.content) == (400, b"Unknown action.")


def test_profile_requires_login(client, db):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_each_user_changes_only_their_own_token(client, owner, teammate):
    theirs = Token.objects.create(user=teammate)
    client.force_login(owner)
    assert client.post("/accounts/profile/", {"action": "regenerate"}).status_code == 302
    assert client.post("/accounts/profile/", {"action": "revoke"}).status_code == 302
    assert list(Token.objects.values_list("key", flat=True)) == [theirs.key]
    assert theirs.key.encode() not in client.get("/accounts/profile/").content


def test_profile_post_needs_csrf(owner):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username="owner", password=PASSWORD)
    assert browser.post("/accounts/profile/", {"action": "regenerate"}).status_code == 403
    assert not Token.objects.filter(user=owner).exists()

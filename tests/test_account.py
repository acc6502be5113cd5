"""Profile page: tokens are created, regenerated and revoked by their owner only."""

from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD


def test_profile_requires_login(client, db):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_create_regenerate_revoke(client, owner, project):
    assert client.login(username="owner", password=PASSWORD)
    page = client.get("/accounts/profile/")
    assert page.status_code == 200 and b"Opinion desk" in page.content
    assert b"You have no API token" in page.content
    client.post("/accounts/profile/", {"action": "regenerate"})
    first = Token.objects.get(user=owner).key
    assert first.encode() in client.get("/accounts/profile/").content
    client.post("/accounts/profile/", {"action": "regenerate"})
    assert Token.objects.get(user=owner).key != first
    client.post("/accounts/profile/", {"action": "revoke"})
    assert not Token.objects.filter(user=owner).exists()
    assert client.post("/accounts/profile/", {"action": "steal"}).status_code == 400


def test_profile_post_needs_csrf(owner):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username="owner", password=PASSWORD)
    assert browser.post("/accounts/profile/", {"action": "regenerate"}).status_code == 403
    assert not Token.objects.filter(user=owner).exists()

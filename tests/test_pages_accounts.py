"""The token page: the token with a copy button, and whether a new one replaced an older."""

from __future__ import annotations

from rest_framework.authtoken.models import Token


def test_first_token_says_there_was_none(client, owner):
    client.force_login(owner)
    created = client.post("/accounts/profile/", {"action": "regenerate"}, follow=True)
    key = Token.objects.get(user=owner).key
    html = created.content.decode()
    assert "A token was created. You had none before, so no script used one." in html
    assert f'<span id="api-token-key">{key}</span>' in html
    assert '<button type="button" data-copy="#api-token-key">Copy token</button>' in html
    assert "/static/articles/pages/copy.js" in html


def test_a_new_token_says_it_replaced_the_older_one(client, owner):
    older = Token.objects.create(user=owner).key
    client.force_login(owner)
    html = client.post("/accounts/profile/", {"action": "regenerate"}, follow=True).content.decode()
    assert "A new token was created. It replaces your older token, which no longer works." in html
    assert older not in html
    assert not Token.objects.filter(key=older).exists()

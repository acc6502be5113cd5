"""Profile page (tokens created, regenerated and revoked by their owner only), password
change, and password reset by e-mail (Django's outbox, and a local SMTP server of ours)."""

import re

import pytest
from django.core import mail
from django.db.models import F
from django.test import Client
from rest_framework.authtoken.models import Token

from tests import smtpserver
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
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username="owner", password=PASSWORD)
    assert browser.post("/accounts/profile/", {"action": "regenerate"}).status_code == 403
    assert not Token.objects.filter(user=owner).exists()


# --- Password change ------------------------------------------------------------------------

NEW_PASSWORD = "a-brand-new-passphrase"


@pytest.fixture
def limits(settings):
    settings.AUTH_FAILURE_LIMITS = {"username": 3, "ip_address": 5}


def change(client, old: str, new: str = NEW_PASSWORD, again: str | None = None):
    return client.post(
        "/accounts/password/change/",
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def test_profile_links_to_password_change(client, owner):
    client.force_login(owner)
    assert b'href="/accounts/password/change/"' in client.get("/accounts/profile/").content


def test_password_change_requires_login(client, db):
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_change_password_signs_out_the_other_sessions(client, owner):
    elsewhere = Client()
    elsewhere.force_login(owner)
    client.force_login(owner)
    page = client.get("/accounts/password/change/")
    assert page.status_code == 200 and b'autocomplete="current-password"' in page.content

    wrong = change(client, "not-it")
    assert wrong.status_code == 200
    assert b"Your old password was entered incorrectly" in wrong.content
    mismatch = change(client, PASSWORD, again="something-else-entirely")
    assert mismatch.status_code == 200
    assert b"The two password fields didn" in mismatch.content

    done = change(client, PASSWORD)
    assert done.status_code == 302 and done["Location"] == "/accounts/profile/"
    assert b"Your password was changed" in client.get("/accounts/profile/").content
    assert client.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert Client().login(username="owner", password=NEW_PASSWORD)
    assert not Client().login(username="owner", password=PASSWORD)


def test_weak_new_password_is_refused_with_field_messages(client, owner):
    client.force_login(owner)
    response = change(client, PASSWORD, new="password")
    assert response.status_code == 200
    assert b"This password is too common." in response.content
    assert b'id="id_new_password2_error"' in response.content
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_guessing_the_current_password_locks_the_form(client, owner, limits):
    client.force_login(owner)
    assert change(client, "guess-1").status_code == 200
    assert change(client, "guess-2").status_code == 200
    locked = change(client, "guess-3")
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    refused = change(client, PASSWORD)
    assert refused.status_code == 429
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    # The username is locked for the login page as well.
    login = Client().post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert login.status_code == 429


# --- Password reset by e-mail -----------------------------------------------------------------

LINK = re.compile(r"http://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def mailed_owner(owner):
    owner.email = "owner@example.org"
    owner.save(update_fields=["email"])
    return owner


def ask_reset(client, email: str = "owner@example.org"):
    return client.post("/accounts/password/reset/", {"email": email})


def set_new_password(client, link: str):
    """Open the e-mailed link, then choose NEW_PASSWORD on the page it leads to."""
    opened = client.get(link)
    assert opened.status_code == 302 and opened["Location"].endswith("/set-password/")
    form = client.get(opened["Location"])
    assert form.status_code == 200 and b"Choose a new password" in form.content
    return client.post(
        opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )


def test_login_page_links_to_reset(client, db):
    assert b'href="/accounts/password/reset/"' in client.get("/accounts/login/").content


def test_reset_by_email(client, mailed_owner):
    assert client.get("/accounts/password/reset/").status_code == 200
    sent = ask_reset(client)
    assert sent.status_code == 302 and sent["Location"] == "/accounts/password/reset/sent/"
    assert b"Check your e-mail" in client.get(sent["Location"]).content
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.org"]
    assert message.subject == "Reset your password for the opinion annotator"
    assert '"owner"' in message.body
    link = LINK.search(message.body).group(1)

    done = set_new_password(client, link)
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/done/"
    assert b"Your new password is set" in client.get(done["Location"]).content
    assert Client().login(username="owner", password=NEW_PASSWORD)

    again = Client().get(link, follow=True)
    assert again.status_code == 200
    assert b"This link no longer works" in again.content


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, mailed_owner):
    sent = ask_reset(client, "nobody@example.org")
    assert sent.status_code == 302 and sent["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_reset_form_refuses_a_malformed_address(client, db):
    response = ask_reset(client, "not an address")
    assert response.status_code == 200
    assert b"Enter a valid email address." in response.content
    assert mail.outbox == []


def test_a_reset_lifts_the_lockout_of_the_username(client, mailed_owner, limits):
    for _ in range(3):
        locked = Client().post("/accounts/login/", {"username": "owner", "password": "nope"})
    assert locked.status_code == 429
    ask_reset(client)
    set_new_password(client, LINK.search(mail.outbox[0].body).group(1))
    login = Client().post("/accounts/login/", {"username": "owner", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_reset_mail_goes_out_over_smtp(client, mailed_owner, settings):
    with smtpserver.serve() as box:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = box.host, box.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.DEFAULT_FROM_EMAIL = "annotator@example.org"
        assert ask_reset(client).status_code == 302
    assert len(box.messages) == 1
    received = box.messages[0]
    assert received.sender == "<annotator@example.org>"
    assert received.recipients == ["<owner@example.org>"]
    assert "Subject: Reset your password for the opinion annotator" in received.data
    link = LINK.search(received.data).group(1)
    assert set_new_password(client, link).status_code == 302
    assert Client().login(username="owner", password=NEW_PASSWORD)


def test_resets_per_mailbox_are_capped_without_telling(client, mailed_owner, settings):
    settings.PASSWORD_RESETS_PER_MAILBOX = 2
    for n, address in enumerate(["owner@example.org", "OWNER@example.org ", "owner@example.org"]):
        sent = Client(REMOTE_ADDR=f"192.0.2.{n + 1}").post(
            "/accounts/password/reset/", {"email": address}
        )
        assert sent.status_code == 302 and sent["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 2  # the third looked the same and sent nothing


def test_resets_per_client_address_are_refused_with_429(client, mailed_owner, settings):
    settings.PASSWORD_RESETS_PER_IP = 2
    assert ask_reset(client, "nobody@example.org").status_code == 302
    assert ask_reset(client, "someone@example.org").status_code == 302
    refused = ask_reset(client)
    assert refused.status_code == 429
    assert b"Too many password resets were asked from this address" in refused.content
    assert mail.outbox == []
    elsewhere = Client(REMOTE_ADDR="198.51.100.7").post(
        "/accounts/password/reset/", {"email": "owner@example.org"}
    )
    assert elsewhere.status_code == 302 and len(mail.outbox) == 1


def test_reset_counts_expire_after_the_hour_and_hold_no_address(client, mailed_owner, settings):
    from datetime import timedelta

    from articles.models import PasswordResetRequest

    settings.PASSWORD_RESETS_PER_MAILBOX = 1
    ask_reset(client)
    assert not PasswordResetRequest.objects.filter(mailbox__icontains="example").exists()
    ask_reset(client)
    assert len(mail.outbox) == 1
    PasswordResetRequest.objects.update(created_at=F("created_at") - timedelta(hours=2))
    ask_reset(client)
    assert len(mail.outbox) == 2
    assert PasswordResetRequest.objects.count() == 1  # the expired ones were deleted

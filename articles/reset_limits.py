"""How many password-reset e-mails one address may cause: per mailbox and per client address.

Without a limit the reset form is a free mail cannon: anyone can fill a colleague's inbox,
or make our SMTP relay look like a spammer's. Each request is a row (the mailbox as a digest,
so the table holds no addresses in clear), read by every web process alike, on SQLite as on
PostgreSQL, with no cache service. Rows older than the window are deleted as new ones come.

Over the mailbox's limit the page still says "check your e-mail" and sends nothing, exactly as
for an unknown address, so the form never tells whether an address has an account. Over the
client address's limit the answer is 429: that says nothing about any account.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from articles import lockout
from articles.models import PasswordResetRequest

WINDOW = timedelta(hours=1)
TOO_MANY_MESSAGE = "Too many password resets were asked from this address. Try again in an hour."


def mailbox_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def record(request: HttpRequest, email: str) -> tuple[bool, bool]:
    """Count this request; say whether the client address and the mailbox are within limits."""
    now = timezone.now()
    since = now - WINDOW
    PasswordResetRequest.objects.filter(created_at__lt=since).delete()
    address = lockout.client_ip(request)
    digest = mailbox_digest(email)
    recent = PasswordResetRequest.objects.filter(created_at__gte=since)
    address_ok = (
        address is None
        or recent.filter(client_ip=address).count() < settings.PASSWORD_RESETS_PER_IP
    )
    mailbox_ok = recent.filter(mailbox=digest).count() < settings.PASSWORD_RESETS_PER_MAILBOX
    if address_ok:  # a refused address's requests would only extend its own wait
        PasswordResetRequest.objects.create(mailbox=digest, client_ip=address, created_at=now)
    return address_ok, mailbox_ok

"""Serving the app on plain local HTTP without collectstatic (tests, local benchmarks)."""

from __future__ import annotations

from typing import Any

from django.test.utils import override_settings


def served_like_development(**extra: Any) -> override_settings:
    """Production settings except HTTPS redirects, secure cookies and hashed static files,
    which need a TLS proxy and a collectstatic step that a local run has not."""
    return override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        WHITENOISE_USE_FINDERS=True,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        **extra,
    )

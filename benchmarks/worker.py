"""A real Celery worker in a child process, on the configured broker and on the database
this process is using."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import dj_database_url
from django.conf import settings
from django.db import connection


def database_url() -> str:
    """``DATABASE_URL`` of the connection in use, which is not always the environment's:
    under pytest-django it is the test database, and the worker must write there."""
    db = connection.settings_dict
    configured = os.environ.get("DATABASE_URL")
    if configured and dj_database_url.parse(configured)["NAME"] == db["NAME"]:
        return configured  # keeps any options the URL carries
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    if connection.vendor != "postgresql":
        raise ValueError(f"no DATABASE_URL for a {connection.vendor} connection")
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    login = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{login}{db.get('HOST') or ''}{port}/{quote(db['NAME'], safe='')}"


@contextmanager
def celery_worker(concurrency: int, *, settle_seconds: float = 3.0) -> Iterator[subprocess.Popen]:
    """``celery worker`` with ``concurrency`` processes; stopped on leaving.

    ``settle_seconds`` lets it connect to the broker before the caller starts its clock.
    """
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "annotator",
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url()},
    )
    try:
        time.sleep(settle_seconds)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

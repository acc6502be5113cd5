"""Run the web server and a real Celery worker with its beat together; Ctrl+C stops both.

The worker runs Celery beat inside it (``-B``): the periodic sweep that sends lost work again
(docs/RELIABILITY.md). One worker, so one beat; production runs beat as its own service.

Once the command has read the settings it needs, it replaces itself (``exec``, same process
id) by this file run as a script, which starts and watches the two children: a Django
command has loaded the whole app (about 100 MiB), and a process that only waits on two
children needs none of it (about 25 MiB).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def parse_addr(value: str) -> tuple[str, int]:
    """``ADDR`` as ``make run`` passes it: ``PORT``, ``HOST:PORT`` or ``[IPv6]:PORT``."""
    text = value.strip()
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", text
    host = host.strip("[]")
    if not port.isdigit() or not 0 < int(port) < 65536 or not host or " " in host:
        raise CommandError(
            f"ADDR={value!r} is not an address: use PORT (e.g. 8080) or HOST:PORT "
            "(e.g. 0.0.0.0:8080)."
        )
    return host, int(port)


class Command(BaseCommand):
    help = (
        "Start the development web server and a Celery worker with beat (the periodic "
        "sweep of lost work); stop both on Ctrl+C."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--concurrency", type=int, default=1)

    def handle(self, *args: Any, addr: str, concurrency: int, **options: Any) -> None:
        host, port = parse_addr(addr)
        addr = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        python = sys.executable
        worker = [
            python, "-m", "celery", "-A", "annotator", "worker",
            "--loglevel", "INFO", "--concurrency", str(concurrency),
            "--queues", settings.CELERY_TASK_DEFAULT_QUEUE,
            "--beat", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME,
        ]  # fmt: skip
        web = [python, "manage.py", "runserver", addr, "--noreload"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Serving on http://{addr}/ with a Celery worker and beat on "
                f"{settings.CELERY_BROKER_URL} — Ctrl+C stops both."
            )
        )
        if host not in _LOOPBACK and host not in settings.ALLOWED_HOSTS:
            self.stdout.write(
                f"Other machines reach it by a name or address that ALLOWED_HOSTS must list "
                f"(now {','.join(settings.ALLOWED_HOSTS) or 'empty'})."
            )
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(python, [python, __file__, json.dumps({"web": web, "worker": worker})])


def supervise(web: Sequence[str], worker: Sequence[str]) -> None:
    """Start both children, wait until one exits or Ctrl+C, then stop the other."""
    children = {
        "Celery worker": subprocess.Popen(worker),
        "web server": subprocess.Popen(web),
    }
    try:
        while all(child.poll() is None for child in children.values()):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
    failed = [name for name, c in children.items() if c.returncode not in (0, -15, None)]
    if failed:
        sys.stderr.write(f"Stopped: a child process exited early ({failed}).\n")


if __name__ == "__main__":
    commands = json.loads(sys.argv[1])
    supervise(commands["web"], commands["worker"])

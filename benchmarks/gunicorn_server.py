"""gunicorn serving one source tree of the app on a free loopback port, in a child process.

The tree is this checkout or an earlier commit unpacked beside it: the child runs with the
tree as its working directory, so it imports that tree's code, against the database this
process is using. A small WSGI module written to a temporary folder applies the same
local-serving overrides as ``articles.serving`` (plain HTTP, no collectstatic) in every tree.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks.errors import BenchmarkError
from benchmarks.worker import database_url

_WSGI = """\
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
import django

django.setup()
from django.test.utils import override_settings

override_settings(
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
).enable()
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
"""


@dataclass(frozen=True)
class WorkerConfig:
    """``sync:5`` (five sync workers) or ``gthread:2x4`` (two workers of four threads)."""

    worker_class: str
    workers: int
    threads: int = 1

    @classmethod
    def parse(cls, text: str) -> WorkerConfig:
        kind, _, count = text.partition(":")
        workers, _, threads = count.partition("x")
        if kind not in ("sync", "gthread") or not workers.isdigit() or int(workers) < 1:
            raise BenchmarkError(f"{text!r}: use sync:WORKERS or gthread:WORKERSxTHREADS.")
        if threads and (not threads.isdigit() or int(threads) < 1):
            raise BenchmarkError(f"{text!r}: threads must be a positive number.")
        return cls(kind, int(workers), int(threads or 1))

    def __str__(self) -> str:
        if self.worker_class == "sync":
            return f"sync:{self.workers}"
        return f"gthread:{self.workers}x{self.threads}"

    def arguments(self) -> list[str]:
        return [
            "--worker-class", self.worker_class,
            "--workers", str(self.workers),
            "--threads", str(self.threads),
        ]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def sign_in(client: httpx.Client, username: str, password: str) -> dict[str, str]:
    """Through the login form, as a browser does; the session and CSRF cookies."""
    page = client.get("/accounts/login/")
    token = _CSRF_INPUT.search(page.text)
    if token is None:
        raise BenchmarkError("no CSRF token on the login page")
    response = client.post(
        "/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
    )
    if response.status_code != 302:
        raise BenchmarkError(f"login failed: {response.status_code}")
    return dict(client.cookies.items())


# Every 200th decision queues a retraining, and with no worker to run it, an earlier
# commit's code took the "training under way" path (eight more queries) on every decision
# after that: served trees keep counting (one UPDATE a decision, as usual) but never reach
# the threshold, so each tree is measured in the same steady state.
STEADY = {"TAGGER_RETRAIN_EVERY": str(10**9)}


def _environment(tree: Path, wsgi_dir: str) -> dict[str, str]:
    env = {
        **os.environ,
        **STEADY,
        "DATABASE_URL": database_url(),
        "PYTHONPATH": os.pathsep.join([str(tree), wsgi_dir]),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        # An empty folder: WhiteNoise warns about a missing STATIC_ROOT in every worker.
        "STATIC_ROOT": wsgi_dir,
    }
    env.setdefault("SECRET_KEY", "benchmarks-only")
    return env


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]

    def pids(self) -> list[int]:
        """The master and its workers."""
        pids = [self.process.pid]
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids += [int(pid) for pid in children.read_text().split()]
        except OSError:
            pass
        return pids

    def cpu_seconds(self) -> float:
        """User + system CPU time of the master and its workers so far."""
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
        return total / os.sysconf("SC_CLK_TCK")

    def rss_mib(self) -> float:
        """Resident memory of the master and its workers (shared pages counted in each)."""
        kib = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        kib += int(line.split()[1])
            except OSError:
                continue
        return kib / 1024


@contextmanager
def gunicorn(tree: Path, config: WorkerConfig, *, timeout: float = 240) -> Iterator[Served]:
    """Serve ``tree`` until the block ends; waits until it answers the login page."""
    port = _free_port()
    python = tree / ".venv" / "bin" / "python"
    with tempfile.TemporaryDirectory(prefix="bench-wsgi-") as wsgi_dir:
        Path(wsgi_dir, "bench_load_wsgi.py").write_text(_WSGI)
        process = subprocess.Popen(
            [
                str(python), "-m", "gunicorn", "bench_load_wsgi:application",
                "--bind", f"127.0.0.1:{port}", *config.arguments(),
                "--log-level", "warning", "--timeout", "120",
                # The app is imported once and forked: workers start at once and share
                # the imported code's pages.
                "--preload",
            ],
            cwd=tree,
            env=_environment(tree, wsgi_dir),
        )  # fmt: skip
        served = Served(f"http://127.0.0.1:{port}", process)
        try:
            _wait_until_up(served, timeout)
            yield served
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(served: Served, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise BenchmarkError(f"gunicorn exited with {served.process.returncode}.")
        try:
            if httpx.get(f"{served.url}/accounts/login/", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise BenchmarkError(f"gunicorn did not answer within {timeout:.0f} s.")

"""The app's real processes, for fault tests: a redis-server of the test's own on a spare
port, the web app under gunicorn, and Celery workers (with beat, or without), all on the
test database. Each can be stopped, killed and started again."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import redis
from django.conf import settings

from benchmarks.worker import database_url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``condition`` until it returns something true; returns it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout} s")


class RedisServer:
    """``redis-server`` on its own port, without persistence: stopping it loses every
    message it held, as a crashed broker without an append-only file does."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self._answers, 10, "redis-server answering PING")

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def stop(self, sig: int = signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=10)
        self.process = None


class SilentServer:
    """Accepts TCP connections on a port and never answers: a broker that hangs (a stuck
    process, a failover in progress) rather than refusing connections."""

    def __init__(self, port: int) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(64)
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # closed
            self.accepted.append(connection)

    def close(self) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone would not, and the
        # port would go on listening until the next connection came in.
        self.listener.shutdown(socket.SHUT_RDWR)
        self.thread.join(timeout=5)
        assert not self.thread.is_alive()
        self.listener.close()
        for connection in self.accepted:
            connection.close()


class Child:
    """A child process in its own session (so a kill reaches its pool processes too), its
    output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                args,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL to the whole process group: no cleanup, no acknowledgement, as when a
        machine or container dies."""
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._wait_group_gone(10)

    def _signal_group(self, sig: int) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)

    def _wait_group_gone(self, timeout: float) -> bool:
        """Whether every process of the group (e.g. run_embedded's worker, after
        run_embedded itself) has exited within ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.05)
        return False

    def children(self) -> list[int]:
        """Process ids of its direct children (a worker's pool processes)."""
        pid = self.process.pid
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]

    def stop(self) -> None:
        """SIGTERM to the group (a worker's warm shutdown), SIGKILL if it lingers."""
        self._signal_group(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=20)
        if not self._wait_group_gone(20):
            self.kill()


class Stack:
    """Starts the app's processes on the test database and a broker; stops them all."""

    def __init__(self, workdir: Path, broker_url: str, **env: str) -> None:
        self.workdir = workdir
        self.children: list[Child] = []
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker_url,
            "DATA_DIR": str(workdir),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "SECRET_KEY": "fault-tests-only",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "LOG_LEVEL": "INFO",
            # Fault tests are about pre-tags and snapshots: no model loads in their workers.
            "EMBED_CLAIMS": "0",
            **env,
        }

    def _child(self, name: str, args: list[str], **env: str) -> Child:
        child = Child(
            name, args, {**self.env, **env}, self.workdir / f"{name}-{len(self.children)}.log"
        )
        self.children.append(child)
        return child

    def worker(self, name: str, *, beat: bool = False, **env: str) -> Child:
        """``celery worker`` with one pool process (prefork), optionally with beat (``-B``,
        as ``make run`` starts it); returns once it is ready."""
        args = [
            sys.executable, "-m", "celery", "-A", "annotator", "worker",
            "--loglevel", "INFO", "--concurrency", "1", "--hostname", f"{name}@%h",
            "--queues", self.env.get("CELERY_TASK_DEFAULT_QUEUE", "annotator"),
            "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        if beat:
            args += ["--beat", "--schedule", str(self.workdir / f"{name}-beat")]
        child = self._child(name, args, **env)
        wait_until(lambda: " ready." in child.output() or child.process.poll() is not None,
                   60, f"worker {name} ready")  # fmt: skip
        assert child.process.poll() is None, child.output()
        return child

    def beat(self) -> Child:
        """``celery beat`` on its own, as docker-compose runs it; returns once it started."""
        child = self._child(
            "beat",
            [
                sys.executable, "-m", "celery", "-A", "annotator", "beat",
                "--loglevel", "INFO", "--schedule", str(self.workdir / "beat-schedule"),
            ],
        )  # fmt: skip
        wait_until(
            lambda: "beat: Starting..." in child.output() or child.process.poll() is not None,
            60,
            "beat started",
        )
        assert child.process.poll() is None, child.output()
        return child

    def web(self) -> str:
        """The app under gunicorn; returns its base URL once it answers."""
        port = free_port()
        child = self._child(
            "web",
            [
                sys.executable, "-m", "gunicorn", "annotator.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
                "--timeout", "60",
            ],
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: _answers(base) or child.process.poll() is not None, 60, "web up")
        assert child.process.poll() is None, child.output()
        return base

    def embedded(self) -> tuple[str, Child]:
        """``manage.py run_embedded`` (what ``make run`` starts: the development server and
        a worker with beat); returns its base URL once both are up."""
        port = free_port()
        child = self._child(
            "embedded", [sys.executable, "manage.py", "run_embedded", "--addr", f"127.0.0.1:{port}"]
        )
        base = f"http://127.0.0.1:{port}"
        wait_until(
            lambda: (
                (_answers(base) and " ready." in child.output()) or child.process.poll() is not None
            ),
            60,
            "run_embedded up",
        )
        assert child.process.poll() is None, child.output()
        return base, child

    def stop(self) -> None:
        for child in reversed(self.children):
            child.stop()


def _answers(base: str) -> bool:
    try:
        urllib.request.urlopen(f"{base}/healthz", timeout=2)
    except urllib.error.HTTPError:
        return True  # 503 names what is down: the server itself answers
    except OSError:
        return False
    return True


@contextmanager
def stack(workdir: Path, broker_url: str, **env: str) -> Iterator[Stack]:
    running = Stack(workdir, broker_url, **env)
    try:
        yield running
    finally:
        running.stop()


def request(
    method: str, url: str, token: str, body: bytes | None = None, content_type: str = ""
) -> tuple[int, dict[str, Any], float]:
    """(status, JSON body, seconds) of one API request with a token."""
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    if content_type:
        headers["Content-Type"] = content_type
    started = time.monotonic()
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            status, data = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, data = error.code, error.read()
    return status, json.loads(data or b"null"), time.monotonic() - started


def multipart(field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    """A one-file multipart/form-data body and its content type."""
    boundary = "----fault-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"

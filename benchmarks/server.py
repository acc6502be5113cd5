"""The app served on a free local port by a threaded WSGI server, in this process.

It runs against the configured database with the settings overrides the browser tests use
(``articles.serving``): plain HTTP, static files from the app directories.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.core.wsgi import get_wsgi_application
from django.db import connections

from articles.serving import served_like_development


class _QuietHandler(WSGIRequestHandler):
    # wsgiref writes the status line, headers and body separately: without this, Nagle's
    # algorithm and delayed ACKs add ~40 ms to every response.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadedServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        # One thread per request, each with its own database connection: close it when the
        # thread ends, or the connections outlive the server (and block dropping a test DB).
        try:
            super().process_request_thread(request, client_address)
        finally:
            connections.close_all()


@contextmanager
def served() -> Iterator[str]:
    """Yields the base URL (``http://127.0.0.1:PORT``, no trailing slash) while serving."""
    with served_like_development(
        ALLOWED_HOSTS=["127.0.0.1", "localhost"], WHITENOISE_AUTOREFRESH=False
    ):
        server = make_server(
            "127.0.0.1",
            0,
            get_wsgi_application(),
            server_class=_ThreadedServer,
            handler_class=_QuietHandler,
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            server.server_close()

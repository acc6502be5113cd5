"""A throw-away local HTTP server for tests: one function answers every request."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# (method, path, request body) -> (status, content type, response body[, extra headers])
Responder = Callable[
    [str, str, bytes], tuple[int, str, bytes] | tuple[int, str, bytes, dict[str, str]]
]


@contextmanager
def serve(respond: Responder) -> Iterator[str]:
    """Serve on a free localhost port; yields the base URL (no trailing slash)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            status, content_type, body, *extra = respond(
                self.command, self.path, self.rfile.read(length)
            )
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for name, value in (extra[0] if extra else {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()

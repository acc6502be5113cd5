"""A throw-away local SMTP server for tests (ours, plain SMTP without TLS or AUTH): it
accepts every message and keeps it, so a test can read what the app sent over the wire."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: str


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[Received] = field(default_factory=list)


@contextmanager
def serve() -> Iterator[Mailbox]:
    """Listen on a free localhost port until the block ends."""
    box = Mailbox("127.0.0.1", 0)

    class Session(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(f"{line}\r\n".encode())

        def handle(self) -> None:
            self.reply("220 test-smtp ready")
            sender, recipients = "", []
            while raw := self.rfile.readline():
                command = raw.decode().rstrip("\r\n")
                verb = command[:4].upper()
                if verb == "EHLO":
                    self.reply("250-test-smtp")
                    self.reply("250 8BITMIME")
                elif verb == "HELO":
                    self.reply("250 test-smtp")
                elif verb == "MAIL":
                    sender, recipients = command.split(":", 1)[1].strip(), []
                    self.reply("250 OK")
                elif verb == "RCPT":
                    recipients.append(command.split(":", 1)[1].strip())
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    while (line := self.rfile.readline().decode()) not in (".\r\n", ""):
                        lines.append(line[1:] if line.startswith("..") else line)
                    box.messages.append(Received(sender, recipients, "".join(lines)))
                    self.reply("250 OK queued")
                elif verb == "QUIT":
                    self.reply("221 Bye")
                    return
                elif verb in ("RSET", "NOOP"):
                    self.reply("250 OK")
                else:
                    self.reply("502 Command not implemented")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Session)
    server.daemon_threads = True
    box.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()

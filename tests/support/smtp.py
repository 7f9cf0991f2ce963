"""A tiny SMTP server for tests (Python 3.12 removed smtpd): enough of RFC 5321 for smtplib.

Speaks EHLO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP and QUIT on a free loopback port and
keeps what it received: each message with its envelope and the credentials it was given.
"""

from __future__ import annotations

import base64
import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    login: tuple[str, str] | None


@dataclass
class Mailbox:
    messages: list[Received] = field(default_factory=list)
    password: str = ""
    """When set, AUTH PLAIN must give this password (any user name)."""


class _Session(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        box = self.server.mailbox
        sender, recipients, login = "", [], None
        self.reply("220 localhost test SMTP")
        while raw := self.rfile.readline():
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb, _, rest = line.partition(" ")
            verb = verb.upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-localhost" if verb == "EHLO" else "250 localhost")
                if verb == "EHLO":
                    self.reply("250 AUTH PLAIN")
            elif verb == "AUTH":
                _, user, password = base64.b64decode(rest.split()[1]).decode().split("\0")
                if box.password and password != box.password:
                    self.reply("535 5.7.8 authentication failed")
                else:
                    login = (user, password)
                    self.reply("235 2.7.0 ok")
            elif verb == "MAIL":
                sender, recipients = rest.partition(":")[2].strip().strip("<>"), []
                self.reply("250 ok")
            elif verb == "RCPT":
                recipients.append(rest.partition(":")[2].strip().strip("<>"))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                body = bytearray()
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body += chunk[1:] if chunk.startswith(b"..") else chunk
                message = message_from_bytes(bytes(body), policy=policy.default)
                box.messages.append(Received(sender, recipients, message, login))  # type: ignore[arg-type]
                self.reply("250 queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    mailbox: Mailbox


class SmtpServer:
    """``with SmtpServer() as smtp:`` then point [mail] at ``smtp.host``/``smtp.port``."""

    def __init__(self, password: str = "") -> None:
        self.server = _Server(("127.0.0.1", 0), _Session)
        self.server.mailbox = Mailbox(password=password)
        self.host, self.port = self.server.server_address[:2]
        self.thread = threading.Thread(target=self.server.serve_forever, name="test-smtp", daemon=True)

    @property
    def messages(self) -> list[Received]:
        return self.server.mailbox.messages

    def __enter__(self) -> SmtpServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

"""A real SMTP server on 127.0.0.1 for the mail tests (aiosmtpd), that can refuse the first messages,
and its TLS variants: STARTTLS or TLS from the start, with a login, over a self-signed certificate."""

from __future__ import annotations

import ssl
import subprocess
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.postgis import _free_port as free_port


@dataclass
class Inbox:
    """What the server received: each accepted message with its envelope; `refuse` first ones get a 451.

    `sessions` holds, per accepted message, the TLS version of its connection (None in clear) and the
    login it authenticated with (None without).
    """

    refuse: int = 0
    refused: int = 0
    received: list[tuple[str, list[str], Message]] = field(default_factory=list)
    sessions: list[tuple[str | None, str | None]] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        if self.refused < self.refuse:
            self.refused += 1
            return "451 4.3.0 try again later"
        message = message_from_bytes(envelope.content)  # type: ignore[attr-defined]
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[attr-defined]
        tls = server.transport.get_extra_info("ssl_object")  # type: ignore[attr-defined]
        login = session.auth_data.login.decode() if session.auth_data else None  # type: ignore[attr-defined]
        self.sessions.append((tls.version() if tls else None, login))
        return "250 OK"


def start(inbox: Inbox, port: int | None = None) -> Controller:
    """Start a server delivering into `inbox` (stop it with `.stop()`)."""
    controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return controller


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (its subject alternative name) and its key, made by the openssl CLI."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    request = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
    subprocess.run(
        [*request, "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def start_tls(inbox: Inbox, cert: Path, key: Path, implicit: bool, user: str, password: str) -> Controller:
    """A server that speaks TLS from the start (`implicit`) or only after STARTTLS, and accepts mail only
    after a login as `user` with `password`, over TLS."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticate(server: object, session: object, envelope: object, mechanism: str, data: object) -> AuthResult:
        good = isinstance(data, LoginPassword) and (data.login, data.password) == (user.encode(), password.encode())
        return AuthResult(success=good, auth_data=data if good else None)

    # aiosmtpd 1.4 counts only STARTTLS as TLS for `auth_require_tls`, so a server speaking TLS from
    # the start must drop that check to offer AUTH at all (aiosmtpd then warns on each connection);
    # the Inbox records each session's TLS version.
    tls = {"ssl_context": context} if implicit else {"tls_context": context, "require_starttls": True}
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticate,
        auth_required=True,
        auth_require_tls=not implicit,
        **tls,
    )
    controller.start()
    return controller

"""A real SMTP server on 127.0.0.1 for the mail tests (aiosmtpd), that can refuse the first messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller

from tests.postgis import _free_port as free_port


@dataclass
class Inbox:
    """What the server received: each accepted message with its envelope; `refuse` first ones get a 451."""

    refuse: int = 0
    refused: int = 0
    received: list[tuple[str, list[str], Message]] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        if self.refused < self.refuse:
            self.refused += 1
            return "451 4.3.0 try again later"
        message = message_from_bytes(envelope.content)  # type: ignore[attr-defined]
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[attr-defined]
        return "250 OK"


def start(inbox: Inbox, port: int | None = None) -> Controller:
    """Start a server delivering into `inbox` (stop it with `.stop()`)."""
    controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return controller

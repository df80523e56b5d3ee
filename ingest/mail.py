"""Mail through a stored outbox: a message is queued in the transaction of what causes it, then sent
by `deliver` and retried with growing pauses, so a refusing or unreachable server loses nothing and a
message is delivered once. A sent message forgets its addresses and body.

The texts come from the caller's `Compose` (i18n.mail renders them in the reader's language); logs
name a message by kind and number, never by address or body.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.settings import Settings
from ingest.store import Store

log = logging.getLogger(__name__)
# kind, values -> (subject, body); kinds: edit_link, claim_link, moderation_outcome, contact_relay.
Compose = Callable[[str, Mapping[str, str]], tuple[str, str]]
CLAIM_FOR = timedelta(minutes=5)  # a deliverer's hold on the messages it is sending
MAX_PAUSE = timedelta(hours=6)


@dataclass(frozen=True)
class Letter:
    """A message to queue: the reader's address, the Reply-To (the contact form's visitor), the texts."""

    kind: str
    recipient: str
    subject: str
    body: str
    reply_to: str | None = None
    record_id: str | None = None


@dataclass(frozen=True)
class Delivery:
    """What one `deliver` did: messages sent, failed (kept for a retry)."""

    sent: int
    failed: int


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def enqueue(conn: Connection, store: Store, letter: Letter) -> int:
    """Queue `letter` within `conn`'s transaction; returns its outbox number."""
    values = {
        "created_at": _stamp(datetime.now(UTC)),
        "kind": letter.kind,
        "record_id": letter.record_id,
        "recipient": letter.recipient,
        "reply_to": letter.reply_to,
        "subject": letter.subject,
        "body": letter.body,
        "attempts": 0,
        "next_attempt_at": _stamp(datetime.now(UTC)),
    }
    table = store.tables.outbox
    number = int(conn.execute(sa.insert(table).values(values).returning(table.c.id)).scalar_one())
    log.info("mail %s #%d queued", letter.kind, number)
    return number


def waiting(store: Store) -> int:
    """How many messages are not sent yet."""
    table = store.tables.outbox
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).where(table.c.sent_at.is_(None))).scalar_one())


def deliver(store: Store, settings: Settings, now: datetime | None = None) -> Delivery:
    """Send every queued message that is due; a failure is kept and retried after a pause that doubles."""
    moment = now or datetime.now(UTC)
    table = store.tables.outbox
    with store.backend.write() as conn:  # hold the due messages, so two deliverers never send one twice
        due = conn.execute(
            sa.select(table).where(
                table.c.sent_at.is_(None),
                table.c.next_attempt_at <= _stamp(moment),
                sa.or_(table.c.claimed_until.is_(None), table.c.claimed_until < _stamp(moment)),
            )
        ).all()
        ids = [row.id for row in due]
        conn.execute(sa.update(table).where(table.c.id.in_(ids)).values(claimed_until=_stamp(moment + CLAIM_FOR)))
    sent = failed = 0
    for row in due:
        try:
            _send(settings, _message(settings, row))
        except (smtplib.SMTPException, OSError) as exc:
            failed += 1
            pause = min(timedelta(minutes=2**row.attempts), MAX_PAUSE)
            reason = _reason(exc)
            log.warning("mail %s #%d not sent (attempt %d): %s", row.kind, row.id, row.attempts + 1, reason)
            outcome = {"attempts": row.attempts + 1, "next_attempt_at": _stamp(moment + pause), "last_error": reason}
        else:
            sent += 1
            log.info("mail %s #%d sent", row.kind, row.id)
            outcome = {"sent_at": _stamp(moment), "recipient": "", "reply_to": None, "body": "", "last_error": None}
        with store.backend.write() as conn:
            conn.execute(sa.update(table).where(table.c.id == row.id).values(claimed_until=None, **outcome))
    return Delivery(sent, failed)


def _message(settings: Settings, row: sa.Row) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = row.recipient
    if row.reply_to:
        message["Reply-To"] = row.reply_to
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"bim{row.id}")
    message.set_content(row.body)
    return message


def _send(settings: Settings, message: EmailMessage) -> None:
    """One SMTP session: SSL from the start, or STARTTLS, or plain (a local relay); login when a user is set.

    TLS always verifies the server's certificate and name: against the system's certificates, or only
    those of `BIM_SMTP_CA_FILE` for a server with a private CA.
    """
    host, port, timeout = settings.smtp_host, settings.smtp_port, settings.smtp_timeout_s
    context = ssl.create_default_context(cafile=settings.smtp_ca_file)
    if settings.smtp_security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if settings.smtp_security == "starttls":
            smtp.starttls(context=context)
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)


def _reason(exc: Exception) -> str:
    """Why a send failed, without the server's text (it may quote an address)."""
    code = getattr(exc, "smtp_code", None) or getattr(exc, "errno", None)
    return f"{type(exc).__name__}{f' {code}' if code else ''}"

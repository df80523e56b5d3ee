"""The contact form: a visitor's message relayed to an initiative's private address, with the visitor
as Reply-To, so the initiative answers by mail and its address is never shown. Honeypot and a rate
limit per client; the audit log and the logs say that a message was relayed, never what nor to whom."""

from __future__ import annotations

import logging

from core.errors import SubmissionError
from core.settings import Settings
from ingest import mail, throttle
from ingest.store import Store

log = logging.getLogger(__name__)
MESSAGE_CHARS = 5000
NAME_CHARS = 200


def relay(
    store: Store,
    settings: Settings,
    compose: mail.Compose,
    record_id: str,
    sender: tuple[str, str],
    text: str,
    client: str,
    honeypot: str = "",
) -> str:
    """Queue a visitor's message (`sender`: name, address) to a published initiative's contact.

    Returns "queued", "off" (mail not configured), "unavailable" (not published, or no contact),
    "limited" (too many messages from `client` this hour); a filled honeypot returns "queued" and
    stores nothing. Raises SubmissionError for a bad address, empty or oversized text.
    """
    name, address = (part.strip() for part in sender)
    problems = {}
    if "@" not in address or any(c in address for c in "\r\n <>,;"):
        problems["email"] = "not_email"
    if not text.strip():
        problems["message"] = "required"
    elif len(text) > MESSAGE_CHARS or len(name) > NAME_CHARS:
        problems["message"] = "too_long"
    if problems:
        raise SubmissionError(problems)
    if not settings.mail_enabled:
        return "off"
    if throttle.is_spam(honeypot):
        return "queued"
    record = store.get(record_id)
    if record is None or record["status"] != "published" or not record.get("contact"):
        return "unavailable"
    if not throttle.allow(store, "contact", client, settings.messages_per_hour):
        return "limited"
    subject, body = compose("contact_relay", {"name": record["name"] or "", "visitor": name, "message": text.strip()})
    letter = mail.Letter("contact_relay", record["contact"], subject, body, reply_to=address, record_id=record_id)
    with store.backend.write() as conn:
        number = mail.enqueue(conn, store, letter)
        store.audit(conn, "visitor", record_id, "contact_relay", {"message": number})
    log.info("contact message #%d for initiative %s", number, record_id)
    return "queued"

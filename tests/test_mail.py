"""Mail against a real SMTP server on 127.0.0.1: edit links, claims, the contact form's relay, the
outbox's retries; and no page data, export, log or audit entry ever holds a contact address."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from core import settings
from core.errors import SubmissionError
from core.settings import Settings
from i18n.mail import composer
from ingest import contact, export, history, mail, owners
from ingest.store import Store, open_store, stable_id
from tests import smtp_server
from tests.app_server import running_app
from tests.sample_initiatives import app_environment
from tests.test_store import make_records

RECORD = stable_id("test", "key-0")
CONTACT = "person0@example.org"
VISITOR = "visitor@example.net"
compose = composer("en")


@pytest.fixture
def inbox() -> Iterator[smtp_server.Inbox]:
    received = smtp_server.Inbox()
    controller = smtp_server.start(received)
    received.port = controller.port  # type: ignore[attr-defined]
    yield received
    controller.stop()


@pytest.fixture
def config(inbox: smtp_server.Inbox) -> Settings:
    return dataclasses.replace(
        settings.load(),
        smtp_host="127.0.0.1",
        smtp_port=inbox.port,  # type: ignore[attr-defined]
        smtp_security="none",
        smtp_sender="map@example.org",
        public_url="https://map.example.org",
        messages_per_hour=2,
    )


@pytest.fixture
def stored(store: Store) -> Store:
    store.upsert(make_records(2))
    store.update_fields(stable_id("test", "key-1"), {"contact": None}, "Ann")
    return store


def test_an_edit_link_reaches_the_contact_and_only_its_hash_is_kept(stored: Store, config, inbox) -> None:
    token = owners.send_edit_link(stored, config, compose, RECORD)
    assert owners.record_for(stored, token, RECORD) and not owners.record_for(stored, token + "x", RECORD)
    assert not owners.record_for(stored, token, stable_id("test", "key-1"))
    with stored.engine.connect() as conn:
        assert token not in str(conn.execute(sa.select(stored.tables.edit_tokens)).all())
    assert mail.deliver(stored, config) == mail.Delivery(1, 0)
    [(sender, recipients, message)] = inbox.received
    assert (sender, recipients, message["To"], message["Reply-To"]) == ("map@example.org", [CONTACT], CONTACT, None)
    assert message["Subject"] == "Your edit link for Initiative 0"
    assert owners.edit_link(config, RECORD, token) in message.get_payload(decode=True).decode()
    assert owners.revoke(stored, RECORD, "Bob") == 1
    assert not owners.record_for(stored, token, RECORD)
    assert [link["revoked_by"] for link in owners.links(stored, RECORD)] == ["Bob"]


def test_a_claim_mails_the_contact_on_record_or_waits_for_a_manual_check(stored: Store, config, inbox) -> None:
    assert owners.claim(stored, config, compose, RECORD, claimant="someone@example.net") == "sent"
    no_contact = stable_id("test", "key-1")
    with pytest.raises(SubmissionError):
        owners.claim(stored, config, compose, no_contact, claimant="not an address")
    assert (
        owners.claim(stored, config, compose, no_contact, claimant="owner@example.net", message="I run it") == "manual"
    )
    mail.deliver(stored, config)
    assert [r for _, r, _ in inbox.received] == [[CONTACT]]  # the claimant gets nothing yet
    [waiting] = owners.manual_claims(stored)
    assert (waiting["record_id"], waiting["claimant"], waiting["message"]) == (
        no_contact,
        "owner@example.net",
        "I run it",
    )
    owners.decide_claim(stored, config, compose, waiting["id"], grant=True, moderator="Bob")
    mail.deliver(stored, config)
    assert [r for _, r, _ in inbox.received] == [[CONTACT], ["owner@example.net"]]
    link = inbox.received[1][2].get_payload(decode=True).decode()
    assert f"id={no_contact}&edit=" in link
    assert owners.manual_claims(stored) == []


def test_the_contact_form_relays_with_the_visitor_as_reply_to(stored: Store, config, inbox) -> None:
    outcome = contact.relay(stored, config, compose, RECORD, ("Vera", VISITOR), "Open on Sunday?", client="s1")
    assert outcome == "queued"
    mail.deliver(stored, config)
    [(_, recipients, message)] = inbox.received
    assert (recipients, message["To"], message["Reply-To"]) == ([CONTACT], CONTACT, VISITOR)
    assert "Open on Sunday?" in message.get_payload(decode=True).decode()
    assert contact.relay(stored, config, compose, RECORD, ("Vera", VISITOR), "again", client="s1") == "queued"
    assert contact.relay(stored, config, compose, RECORD, ("Vera", VISITOR), "third", client="s1") == "limited"
    assert contact.relay(stored, config, compose, RECORD, ("Vera", VISITOR), "other", client="s2") == "queued"
    no_contact = stable_id("test", "key-1")
    assert contact.relay(stored, config, compose, no_contact, ("Vera", VISITOR), "hi", client="s3") == "unavailable"


def test_a_filled_honeypot_or_bad_input_sends_nothing(stored: Store, config, inbox) -> None:
    spam = contact.relay(stored, config, compose, RECORD, ("Bot", VISITOR), "buy", client="b", honeypot="x")
    assert spam == "queued" and mail.waiting(stored) == 0
    with pytest.raises(SubmissionError) as bad:
        contact.relay(stored, config, compose, RECORD, ("Eve", "eve@example.net\r\nBcc: x@y"), "", client="e")
    assert bad.value.problems == {"email": "not_email", "message": "required"}
    assert mail.waiting(stored) == 0


def test_without_smtp_settings_the_features_say_they_are_off(stored: Store) -> None:
    off = dataclasses.replace(settings.load(), smtp_host="", smtp_sender="")
    assert owners.claim(stored, off, compose, RECORD) == "off"
    assert contact.relay(stored, off, compose, RECORD, ("Vera", VISITOR), "hi", client="s") == "off"
    assert owners.send_edit_link(stored, off, compose, RECORD)  # the link is still shown once
    assert mail.waiting(stored) == 0


def test_a_refusing_server_loses_nothing_and_delivers_once_after_a_retry(stored: Store, config, inbox) -> None:
    inbox.refuse = 1
    now = datetime.now(UTC)
    contact.relay(stored, config, compose, RECORD, ("Vera", VISITOR), "Hello", client="s1")
    assert mail.deliver(stored, config, now) == mail.Delivery(0, 1)
    assert (inbox.refused, inbox.received, mail.waiting(stored)) == (1, [], 1)
    assert mail.deliver(stored, config, now) == mail.Delivery(0, 0)  # not due yet: the pause
    assert mail.deliver(stored, config, now + timedelta(minutes=2)) == mail.Delivery(1, 0)
    assert mail.deliver(stored, config, now + timedelta(hours=1)) == mail.Delivery(0, 0)
    assert len(inbox.received) == 1 and mail.waiting(stored) == 0
    with stored.engine.connect() as conn:
        [row] = conn.execute(sa.select(stored.tables.outbox)).all()
    assert (row.attempts, row.recipient, row.reply_to, row.body) == (1, "", None, "")  # forgotten once sent


def test_an_unreachable_server_loses_nothing(stored: Store, config, inbox) -> None:
    down = dataclasses.replace(config, smtp_port=smtp_server.free_port(), smtp_timeout_s=2)
    now = datetime.now(UTC)
    owners.send_edit_link(stored, down, compose, RECORD)
    assert mail.deliver(stored, down, now) == mail.Delivery(0, 1)
    assert mail.deliver(stored, config, now + timedelta(minutes=2)) == mail.Delivery(1, 0)
    assert [r for _, r, _ in inbox.received] == [[CONTACT]]


def test_no_log_audit_export_or_history_holds_a_contact_address(
    stored: Store, config, inbox, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    inbox.refuse = 1
    owners.send_edit_link(stored, config, compose, RECORD)
    owners.claim(stored, config, compose, RECORD)
    owners.claim(stored, config, compose, stable_id("test", "key-1"), claimant="owner@example.net")
    contact.relay(stored, config, compose, RECORD, ("Vera", VISITOR), "Private words", client="s1")
    owners.notify_outcome(stored, config, compose, RECORD, "rejected", "closed")
    now = datetime.now(UTC)
    mail.deliver(stored, config, now)
    mail.deliver(stored, config, now + timedelta(minutes=5))
    assert len(inbox.received) == 4
    secrets = (CONTACT, VISITOR, "owner@example.net", "Private words")
    ours = [record for record in caplog.records if record.name != "mail.log"]  # not the test server's own
    logged = "\n".join(record.getMessage() for record in ours)
    assert "mail contact_relay" in logged
    audit = str([stored.audit_trail(r) for r in (RECORD, stable_id("test", "key-1"))])
    assert "contact_relay" in audit and "claim" in audit
    versions = str([v.data for v in history.versions(stored, RECORD)])
    for fmt in ("geojson", "csv"):
        export.export(stored.read(), fmt, tmp_path / f"out.{fmt}")
    exported = "".join((tmp_path / f"out.{fmt}").read_text() for fmt in ("geojson", "csv"))
    for secret in secrets:
        assert secret not in logged and secret not in audit and secret not in versions and secret not in exported


def test_the_mail_command_sends_the_queue_and_refuses_without_settings(
    stored: Store, database_url: str, config, inbox, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from ingest.__main__ import main

    owners.send_edit_link(stored, config, compose, RECORD)
    monkeypatch.setenv("BIM_DATABASE_URL", database_url)
    for name in ("BIM_SMTP_HOST", "BIM_SMTP_SENDER"):
        monkeypatch.delenv(name, raising=False)
    assert main(["mail"]) == 1
    assert "mail is off" in capsys.readouterr().err
    env = {"BIM_SMTP_HOST": "127.0.0.1", "BIM_SMTP_PORT": str(config.smtp_port), "BIM_SMTP_SECURITY": "none"}
    for name, value in {**env, "BIM_SMTP_SENDER": "map@example.org"}.items():
        monkeypatch.setenv(name, value)
    assert main(["mail"]) == 0
    assert "1 sent, 0 kept for a retry, 0 waiting." in capsys.readouterr().out
    assert [r for _, r, _ in inbox.received] == [[CONTACT]]


def test_the_smtp_password_comes_from_the_environment_else_streamlit_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.errors import ConfigurationError

    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('smtp_password = "from-secrets"\n', encoding="utf-8")
    monkeypatch.setattr(settings, "PROJECT_DIR", tmp_path)
    monkeypatch.delenv("BIM_SMTP_PASSWORD", raising=False)
    assert settings.load().smtp_password == "from-secrets"
    monkeypatch.setenv("BIM_SMTP_PASSWORD", "from-env")
    assert settings.load().smtp_password == "from-env"
    monkeypatch.setenv("BIM_SMTP_SECURITY", "tls")
    with pytest.raises(ConfigurationError, match="BIM_SMTP_SECURITY='tls': use starttls, ssl or none"):
        settings.load()


def test_the_running_app_sends_the_outbox_without_a_cron(
    built_settings: Settings, tmp_path: Path, inbox: smtp_server.Inbox
) -> None:
    config = dataclasses.replace(built_settings, database_url=f"sqlite:///{tmp_path / 'initiatives.sqlite'}")
    with open_store(config) as store:
        store.upsert(make_records(1))
        owners.send_edit_link(store, dataclasses.replace(config, smtp_host="x", smtp_sender="y"), compose, RECORD)
        assert mail.waiting(store) == 1
    environment = {
        **app_environment(config),
        "BIM_SMTP_HOST": "127.0.0.1",
        "BIM_SMTP_PORT": str(inbox.port),  # type: ignore[attr-defined]
        "BIM_SMTP_SECURITY": "none",
        "BIM_SMTP_SENDER": "map@example.org",
        "BIM_MAIL_INTERVAL_S": "0.5",
    }
    with running_app(environment, tmp_path / "app.log"):
        deadline = time.monotonic() + 60
        while not inbox.received and time.monotonic() < deadline:
            time.sleep(0.2)
    assert [recipients for _, recipients, _ in inbox.received] == [[CONTACT]]
    with open_store(config) as store:
        assert mail.waiting(store) == 0

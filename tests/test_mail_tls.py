"""Mail over TLS against a real SMTP server on 127.0.0.1 (aiosmtpd) with a self-signed certificate made
in the test: STARTTLS and TLS from the start, each with a login; the client trusts the certificate
through BIM_SMTP_CA_FILE and never without it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import settings
from core.errors import ConfigurationError
from i18n.mail import composer
from ingest import mail, owners
from ingest.store import Store, open_store, stable_id
from tests import smtp_server
from tests.test_store import make_records

RECORD = stable_id("test", "key-0")
CONTACT = "person0@example.org"
USER, PASSWORD = "map-sender", "a long SMTP password"
# The TLS-from-the-start server offers AUTH without aiosmtpd's STARTTLS check (tests/smtp_server.py).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return smtp_server.self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def stored(tmp_path: Path) -> Iterator[Store]:
    """An SQLite store with two initiatives and one edit link queued for the first one's contact."""
    config = dataclasses.replace(settings.load(), database_url=f"sqlite:///{tmp_path / 'initiatives.sqlite'}")
    with open_store(config) as store:
        store.upsert(make_records(2))
        yield store


def _server(request: pytest.FixtureRequest, certificate: tuple[Path, Path], security: str) -> tuple:
    inbox = smtp_server.Inbox()
    controller = smtp_server.start_tls(inbox, *certificate, implicit=security == "ssl", user=USER, password=PASSWORD)
    request.addfinalizer(controller.stop)
    config = dataclasses.replace(
        settings.load(),
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_security=security,
        smtp_user=USER,
        smtp_password=PASSWORD,
        smtp_sender="map@example.org",
        smtp_ca_file=certificate[0],
        smtp_timeout_s=5,
    )
    return inbox, config


def _queue_edit_link(store: Store, config: settings.Settings) -> None:
    owners.send_edit_link(store, config, composer("en"), RECORD)
    assert mail.waiting(store) == 1


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_mail_goes_over_tls_with_a_login_to_a_server_the_ca_file_trusts(
    request: pytest.FixtureRequest, certificate, stored: Store, security: str
) -> None:
    inbox, config = _server(request, certificate, security)
    _queue_edit_link(stored, config)
    assert mail.deliver(stored, config) == mail.Delivery(1, 0)
    [(sender, recipients, message)] = inbox.received
    assert (sender, recipients, message["To"]) == ("map@example.org", [CONTACT], CONTACT)
    [(tls_version, login)] = inbox.sessions
    assert tls_version in ("TLSv1.2", "TLSv1.3") and login == USER
    assert mail.waiting(stored) == 0


REFUSED = {
    "untrusted certificate, STARTTLS": ("starttls", {"smtp_ca_file": None}),  # the system's certificates only
    "untrusted certificate, SSL": ("ssl", {"smtp_ca_file": None}),
    "wrong password": ("starttls", {"smtp_password": "not the password"}),
    "no STARTTLS": ("starttls", {"smtp_security": "none"}),  # the server refuses mail in clear
}


@pytest.mark.parametrize(("security", "change"), list(REFUSED.values()), ids=list(REFUSED))
def test_a_session_refused_by_the_client_or_the_server_sends_nothing_and_keeps_the_message(
    request: pytest.FixtureRequest, certificate, stored: Store, security: str, change: dict
) -> None:
    inbox, config = _server(request, certificate, security)
    refused = dataclasses.replace(config, **change)
    _queue_edit_link(stored, refused)
    assert mail.deliver(stored, refused) == mail.Delivery(0, 1)
    assert inbox.received == [] and mail.waiting(stored) == 1


def test_a_ca_file_that_does_not_exist_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BIM_SMTP_CA_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(ConfigurationError, match=r"BIM_SMTP_CA_FILE=.*missing\.pem"):
        settings.load()

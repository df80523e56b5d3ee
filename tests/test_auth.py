"""Moderator authentication: hashes from configuration, no default password, lockout."""

from __future__ import annotations

import pytest

from core.auth import Lockout, hash_password, verify_password
from core.errors import ConfigurationError

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def stored_hash() -> str:
    return hash_password(PASSWORD)


def test_the_right_password_matches_its_hash(stored_hash: str) -> None:
    assert verify_password(PASSWORD, stored_hash)


def test_a_wrong_password_does_not_match(stored_hash: str) -> None:
    assert not verify_password(PASSWORD + "!", stored_hash)


def test_two_hashes_of_one_password_differ_by_their_salt() -> None:
    assert hash_password(PASSWORD) != hash_password(PASSWORD)


def test_short_passwords_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="12 characters"):
        hash_password("short")


def test_a_malformed_hash_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="malformed"):
        verify_password(PASSWORD, "plaintext-password")


def test_the_lock_expires() -> None:
    lockout = Lockout(max_failures=2, lock_s=60)
    lockout.record_failure(now=0.0)
    lockout.record_failure(now=1.0)
    assert lockout.seconds_left(now=30.0) == pytest.approx(31.0)
    assert lockout.seconds_left(now=62.0) == 0


def test_old_failures_fall_out_of_the_window() -> None:
    lockout = Lockout(max_failures=2, window_s=10)
    lockout.record_failure(now=0.0)
    lockout.record_failure(now=20.0)
    assert lockout.seconds_left(now=20.0) == 0

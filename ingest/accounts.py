"""Moderator accounts: region moderators and editors limited to one commune, and their login.

An account has its own scrypt hash (core.auth). A region moderator (no commune) moderates every
record; an editor (a town hall) only the records of one commune (ingest.moderation enforces it).
Until the first account exists, the single configured hash (BIM_MODERATOR_PASSWORD_HASH) still
opens the page as a region moderator, so existing installs keep working.

Every login counts its failures in the store (per account; one count for the single hash and one
for every name that is no account), so all app processes share one lockout.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass

from core.auth import hash_password, verify_password
from core.errors import ConfigurationError
from geo import reference
from ingest.store import Store

SINGLE_HASH_LOGIN = "(single hash)"  # lockout key of logins with the configured hash
UNKNOWN_LOGIN = "(unknown name)"  # lockout key shared by every name that is no account
_NAME = re.compile(r"[\w.@-]{1,80}")


@dataclass(frozen=True)
class Account:
    """A logged-in moderator; `commune` is an editor's NIS code, None for a region moderator."""

    name: str
    commune: str | None = None

    @property
    def communes(self) -> list[str] | None:
        """The communes this account moderates (None: all of them), for `Store.read(nis_codes=...)`."""
        return None if self.commune is None else [self.commune]

    def may_moderate(self, nis_code: object) -> bool:
        """Whether a record in commune `nis_code` is this account's to see and change."""
        return self.commune is None or nis_code == self.commune


@dataclass(frozen=True)
class LoginResult:
    """A login's outcome: the account, or None with the seconds a lockout still refuses logins."""

    account: Account | None
    locked_s: float = 0.0


def add(store: Store, name: str, password: str, commune: str | None = None) -> Account:
    """Create an account (a region moderator, or an editor of `commune`, a NIS code)."""
    if not _NAME.fullmatch(name):
        raise ConfigurationError(f"account name {name!r}: use 1 to 80 letters, digits, '.', '@', '_' or '-'")
    if commune is not None:
        known = reference.commune_names().set_index("nis_code")["name_fr"]
        if commune not in known.index:
            raise ConfigurationError(f"--commune {commune!r} is no Brussels commune: use a NIS code such as 21004")
    store.add_account(name, hash_password(password), commune)
    return Account(name, commune)


def log_in(store: Store, name: str, password: str, single_hash: str = "", now: float | None = None) -> LoginResult:
    """Check a login under the shared lockout.

    With accounts, `name` must be an enabled account and `password` its own. Without any, the
    single configured hash (`single_hash`) admits a region moderator called `name`. Raises
    ConfigurationError when there is neither an account nor a hash.
    """
    now = time.time() if now is None else now
    if store.has_accounts():
        row = store.account(name)
        key, stored = (name, row.password_hash) if row is not None else (UNKNOWN_LOGIN, _decoy_hash())
        account = None if row is None or row.disabled else Account(row.name, row.commune)
    elif single_hash:
        key, stored, account = SINGLE_HASH_LOGIN, single_hash, Account(name.strip() or "moderator")
    else:
        raise ConfigurationError(
            "no moderator account: run `python -m ingest moderators add NAME` (or set the single "
            "BIM_MODERATOR_PASSWORD_HASH from `python -m ingest hash-password`)"
        )
    locked = store.login_lockout(key).seconds_left(now)
    if locked > 0:
        return LoginResult(None, locked)
    if verify_password(password, stored) and account is not None:
        store.clear_login_failures(key)
        return LoginResult(account)
    return LoginResult(None, store.record_login_failure(key, now).seconds_left(now))


@functools.cache
def _decoy_hash() -> str:
    """A hash no one knows the password of: an unknown name costs the same scrypt time as a known one."""
    return hash_password(f"decoy-{time.time_ns()}")

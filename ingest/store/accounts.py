"""The Store's moderator accounts and its login lockout, a part of `Store` kept in its own module.

The lockout lives in the store, not in one app process, so every replica behind a proxy counts the
same failures: its state is `core.auth.Lockout`'s (recent failure times, a lock end) in wall-clock
seconds, read and rewritten in one serialised write transaction per failure.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from core.auth import Lockout
from core.errors import StoreError
from ingest.store.rows import now_iso
from ingest.store.schema import Tables


@dataclass(frozen=True)
class AccountRow:
    """One stored account; `commune` is an editor's NIS code, None for a region moderator."""

    name: str
    password_hash: str
    commune: str | None
    disabled: bool
    created_at: str


class AccountsMixin:
    """Accounts and lockout methods of the Store (which provides the engine, tables and writes)."""

    engine: Engine
    tables: Tables

    if TYPE_CHECKING:  # provided by the Store

        @property
        def url(self) -> str: ...

        def _write(self) -> AbstractContextManager[Connection]: ...

    def accounts(self) -> list[AccountRow]:
        """Every account, by name."""
        table = self.tables.accounts
        with self.engine.connect() as conn:
            found = conn.execute(sa.select(table).order_by(table.c.name)).all()
        return [AccountRow(**row._mapping) for row in found]

    def account(self, name: str) -> AccountRow | None:
        """The account called `name`, or None."""
        table = self.tables.accounts
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(table).where(table.c.name == name)).first()
        return None if row is None else AccountRow(**row._mapping)

    def has_accounts(self) -> bool:
        """Whether any account exists (disabled ones too): then the single configured hash is ignored."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(self.tables.accounts.c.name).limit(1)).first() is not None

    def add_account(self, name: str, password_hash: str, commune: str | None) -> None:
        """Create an account; refuses a name that exists."""
        table = self.tables.accounts
        with self._write() as conn:
            if conn.execute(sa.select(table.c.name).where(table.c.name == name)).first() is not None:
                raise StoreError(f"{self.url}: an account called {name!r} exists already")
            row = {"name": name, "password_hash": password_hash, "commune": commune, "disabled": False}
            conn.execute(sa.insert(table), {**row, "created_at": now_iso()})

    def set_account_disabled(self, name: str, disabled: bool) -> None:
        """Disable (or enable again) an account: a disabled account cannot log in."""
        self._edit_account(name, sa.update(self.tables.accounts).values(disabled=disabled))

    def remove_account(self, name: str) -> None:
        """Delete an account (the audit log keeps its name)."""
        self._edit_account(name, sa.delete(self.tables.accounts))

    def _edit_account(self, name: str, statement: sa.Update | sa.Delete) -> None:
        with self._write() as conn:
            if conn.execute(statement.where(self.tables.accounts.c.name == name)).rowcount == 0:
                raise StoreError(f"{self.url}: no account called {name!r}")

    def login_lockout(self, login: str) -> Lockout:
        """The lockout state of one login (an account's name or another key), as the store holds it."""
        with self.engine.connect() as conn:
            return _lockout(conn, self.tables, login)

    def record_login_failure(self, login: str, now: float) -> Lockout:
        """Count one failed login at `now` (epoch seconds) and return the lockout state after it."""
        table = self.tables.login_failures
        with self._write() as conn:
            lockout = _lockout(conn, self.tables, login)
            lockout.record_failure(now)
            conn.execute(sa.delete(table).where(table.c.login == login))
            values = {"login": login, "failures": json.dumps(lockout.failures), "locked_until": lockout.locked_until}
            conn.execute(sa.insert(table), values)
        return lockout

    def clear_login_failures(self, login: str) -> None:
        """Forget the failures of one login (after a success)."""
        with self._write() as conn:
            conn.execute(sa.delete(self.tables.login_failures).where(self.tables.login_failures.c.login == login))


def _lockout(conn: Connection, tables: Tables, login: str) -> Lockout:
    table = tables.login_failures
    row = conn.execute(sa.select(table).where(table.c.login == login)).first()
    return Lockout() if row is None else Lockout(failures=json.loads(row.failures), locked_until=row.locked_until)

"""Moderator accounts: the `moderators` command, logins with their own passwords, the single
configured hash until an account exists, and a lockout the store keeps for every app process."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import subprocess
import sys

import pytest

from core import settings
from core.auth import hash_password
from core.errors import ConfigurationError, StoreError
from ingest import accounts
from ingest.__main__ import main
from ingest.store import Store, open_store

PASSWORD = "correct horse battery"


def _cli(database_url: str, *args: str, password: str = "") -> tuple[int, str, str]:
    """Run `python -m ingest ARGS` in this process, with `password` on a piped stdin: (status, out, err)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BIM_DATABASE_URL", database_url)
        patch.setattr(sys, "stdin", io.StringIO(password))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def test_moderators_add_list_disable_and_remove_on_the_command_line(database_url: str) -> None:
    assert _cli(database_url, "moderators", "add", "alice", password=PASSWORD + "\n")[0] == 0
    made = _cli(database_url, "moderators", "add", "ixelles.town", "--commune", "21009", password=PASSWORD + "\n")
    assert "editor of commune 21009" in made[1]
    assert _cli(database_url, "moderators", "disable", "alice")[0] == 0
    listed = _cli(database_url, "moderators", "list")[1].splitlines()
    assert [line.split("\t")[:3] for line in listed] == [
        ["alice", "region", "disabled"],
        ["ixelles.town", "commune 21009", "enabled"],
    ]
    with open_store(dataclasses.replace(settings.load(), database_url=database_url)) as store:
        assert accounts.log_in(store, "ixelles.town", PASSWORD).account == accounts.Account("ixelles.town", "21009")
        assert accounts.log_in(store, "alice", PASSWORD).account is None  # disabled
    assert _cli(database_url, "moderators", "remove", "alice")[0] == 0
    assert [line.split("\t")[0] for line in _cli(database_url, "moderators", "list")[1].splitlines()] == [
        "ixelles.town"
    ]


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (("add", "bob", "--commune", "99999"), PASSWORD, "'99999' is no Brussels commune"),
        (("add", "bob smith"), PASSWORD, "account name 'bob smith'"),
        (("add", "bob"), "short", "at least 12 characters"),
        (("remove", "nobody"), "", "no account called 'nobody'"),
    ],
)
def test_bad_moderator_commands_say_why_and_change_nothing(
    database_url: str, args: tuple[str, ...], password: str, message: str
) -> None:
    status, _, err = _cli(database_url, "moderators", *args, password=password + "\n")
    assert status == 1 and message in err
    assert _cli(database_url, "moderators", "list")[1] == ""


def test_an_account_name_is_taken_once(store: Store) -> None:
    accounts.add(store, "alice", PASSWORD)
    with pytest.raises(StoreError, match="exists already"):
        accounts.add(store, "alice", PASSWORD + "!")
    assert accounts.log_in(store, "alice", PASSWORD).account == accounts.Account("alice")


def test_each_account_logs_in_with_its_own_password_only(store: Store) -> None:
    accounts.add(store, "alice", PASSWORD)
    accounts.add(store, "bob", PASSWORD + " two")
    assert accounts.log_in(store, "alice", PASSWORD + " two").account is None
    assert accounts.log_in(store, "bob", PASSWORD + " two").account == accounts.Account("bob")
    assert accounts.log_in(store, "carol", PASSWORD).account is None


def test_the_single_hash_works_until_the_first_account_exists(store: Store) -> None:
    single = hash_password(PASSWORD)
    with pytest.raises(ConfigurationError, match="moderators add"):
        accounts.log_in(store, "anyone", PASSWORD)
    assert accounts.log_in(store, "Marie", PASSWORD, single_hash=single).account == accounts.Account("Marie")
    accounts.add(store, "alice", PASSWORD + " own")
    assert accounts.log_in(store, "Marie", PASSWORD, single_hash=single).account is None
    assert accounts.log_in(store, "alice", PASSWORD + " own", single_hash=single).account == accounts.Account("alice")


# Three wrong passwords for alice, from a process of its own with its own store handle.
_THREE_FAILURES = """
import dataclasses, sys
from core import settings
from ingest import accounts
from ingest.store import open_store

with open_store(dataclasses.replace(settings.load(), database_url=sys.argv[1])) as store:
    print([accounts.log_in(store, "alice", "wrong password " + str(i)).account for i in range(3)])
"""


def test_six_wrong_passwords_from_two_processes_lock_the_account_for_every_process(database_url: str) -> None:
    config = dataclasses.replace(settings.load(), database_url=database_url)
    with open_store(config) as first, open_store(config) as second:
        accounts.add(first, "alice", PASSWORD)
        accounts.add(first, "bob", PASSWORD)
        for _ in range(2):
            tried = subprocess.run(
                [sys.executable, "-c", _THREE_FAILURES, database_url], cwd=settings.PROJECT_DIR,
                capture_output=True, text=True,
            )  # fmt: skip
            assert tried.stdout.strip() == "[None, None, None]", tried.stderr
        for handle in (first, second):
            refused = accounts.log_in(handle, "alice", PASSWORD)
            assert refused.account is None and refused.locked_s > 0
        assert accounts.log_in(second, "bob", PASSWORD).account == accounts.Account("bob")  # others unaffected


def test_failures_shared_by_two_handles_lock_and_the_lock_ends(database_url: str) -> None:
    config = dataclasses.replace(settings.load(), database_url=database_url)
    with open_store(config) as first, open_store(config) as second:
        accounts.add(first, "alice", PASSWORD)
        for attempt in range(4):
            assert accounts.log_in((first, second)[attempt % 2], "alice", "guess", now=1000.0 + attempt).locked_s == 0
        assert accounts.log_in(second, "alice", "guess", now=1004.0).locked_s > 0  # the fifth failure locks
        assert accounts.log_in(first, "alice", PASSWORD, now=1010.0).account is None
        assert accounts.log_in(first, "alice", PASSWORD, now=1004.0 + 901).account == accounts.Account("alice")


def test_a_success_clears_the_failures(store: Store) -> None:
    accounts.add(store, "alice", PASSWORD)
    for attempt in range(4):
        accounts.log_in(store, "alice", "guess", now=1000.0 + attempt)
    assert accounts.log_in(store, "alice", PASSWORD, now=1005.0).account is not None
    assert accounts.log_in(store, "alice", "guess", now=1006.0).locked_s == 0

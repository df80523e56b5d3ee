"""A throwaway PostgreSQL + PostGIS server, started by the tests and the ingest benchmark.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user; its data
and socket directories live in a fresh temp dir, it listens on 127.0.0.1 on a free port, and
`stop()` removes everything. Needs Debian's postgresql-15 and postgresql-15-postgis-3
(`make system-deps`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SUPERUSER = "postgres"
TEMPLATE = "bim_template"  # a database with PostGIS enabled, copied by `new_database`


def _as_postgres(args: list[str]) -> list[str]:
    """The command run as the `postgres` user when we are root (PostgreSQL refuses root)."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgisServer:
    """A running server; `new_database()` gives each test an empty PostGIS database."""

    root: Path
    port: int

    def admin_dsn(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={dbname}"

    def url(self, dbname: str) -> str:
        """SQLAlchemy URL of one database of this server."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def new_database(self) -> str:
        """Create an empty database with PostGIS enabled and return its URL."""
        name = f"bim_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by `new_database`, closing any connection left to it."""
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.admin_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server and delete its files."""
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgis(durable: bool = False) -> PostgisServer:
    """Start a server in a temp dir (about 2 s); `durable=False` turns fsync off, for tests."""
    if not (PG_BIN / "initdb").exists():
        raise RuntimeError(f"PostgreSQL 15 is not installed ({PG_BIN}): run `make system-deps`")
    root = Path(tempfile.mkdtemp(prefix="bim-postgis-"))
    if os.geteuid() == 0:
        shutil.chown(root, SUPERUSER, SUPERUSER)
    port = _free_port()
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    server = PostgisServer(root, port)
    try:
        for command in (
            [str(PG_BIN / "initdb"), "-D", str(root / "data"), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "-N"],
            [str(PG_BIN / "pg_ctl"), "-D", str(root / "data"), "-o", options, "-l", str(root / "log"), "-w", "start"],
        ):
            subprocess.run(_as_postgres(command), check=True, capture_output=True, cwd=root)
        with psycopg.connect(server.admin_dsn(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        with psycopg.connect(server.admin_dsn(TEMPLATE), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")
    except (subprocess.CalledProcessError, psycopg.Error) as exc:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        detail = getattr(exc, "stderr", b"") or b""
        server.stop()
        raise RuntimeError(f"cannot start PostGIS: {exc}\n{detail.decode(errors='replace')}\n{log}") from exc
    return server

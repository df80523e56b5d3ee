"""N app replicas on one PostGIS behind Debian's nginx: `make cluster` or `python deploy/cluster.py`.

What replicas need, set here: one PostgreSQL store for all (BIM_DATABASE_URL), one cookie secret
(Streamlit signs its XSRF cookie with it: a session's requests may reach any replica after a
failover), sticky sessions and the websocket upgrade in nginx (deploy/nginx.conf.template says how),
and each replica healthy (/_stcore/health) before nginx sends it visitors. Replicas listen on
127.0.0.1 only; nginx listens on --listen. A replica that exits is started again.

The cookie secret comes from BIM_COOKIE_SECRET, else from `cookie_secret` in the run folder
(made once, mode 600), so a restart keeps the browsers' cookies valid.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TEXTS_PATH = "maps/texts/"  # ui.maps.TEXTS_ROUTE, whose names change with their content
START_TIMEOUT_S = 90


class ClusterError(Exception):
    """The cluster cannot start: the message says which part and why."""


@dataclass
class Replica:
    """One app process on 127.0.0.1."""

    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    """The running replicas and nginx in front of them (`url`)."""

    url: str
    run_dir: Path
    environment: dict[str, str] = field(default_factory=dict)  # what every replica is started with
    replicas: list[Replica] = field(default_factory=list)
    nginx: subprocess.Popen[bytes] | None = None


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cookie_secret(run_dir: Path) -> str:
    """BIM_COOKIE_SECRET, else the run folder's secret (made on first use, readable by its owner only)."""
    if os.environ.get("BIM_COOKIE_SECRET"):
        return os.environ["BIM_COOKIE_SECRET"]
    path = run_dir / "cookie_secret"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32))
    return path.read_text().strip()


def nginx_config(run_dir: Path, listen: str, ports: list[int]) -> str:
    """nginx.conf for replicas on `ports`, listening on `listen` (host:port)."""
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in ports)
    text = TEMPLATE.read_text()
    for name, value in (("RUN", str(run_dir)), ("LISTEN", listen), ("SERVERS", servers), ("TEXTS", TEXTS_PATH)):
        text = text.replace(f"@@{name}@@", value)
    return text


def start_replica(replica: Replica, environment: dict[str, str]) -> None:
    """Start (or start again) one app process; it answers once `wait_healthy` returns."""
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1"]
    command += ["--server.port", str(replica.port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with replica.log.open("ab") as log:
        replica.process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env={**os.environ, **environment}, stdout=log, stderr=subprocess.STDOUT
        )


def wait_healthy(url: str, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    """Wait until `url`/_stcore/health answers 200; a clear error when the process exits or times out."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise ClusterError(f"{what} did not become healthy at {url}: see {log}")
        time.sleep(0.3)


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_cluster(
    replicas: int,
    database_url: str,
    run_dir: Path,
    listen: str | None = None,
    environment: dict[str, str] | None = None,
) -> Iterator[Cluster]:
    """Start `replicas` app processes on the PostgreSQL store `database_url` and nginx; stop them all at the end."""
    if not database_url.startswith("postgresql"):
        raise ClusterError(f"BIM_DATABASE_URL {database_url!r}: replicas share one PostgreSQL + PostGIS store")
    if not Path(NGINX).is_file():
        raise ClusterError(f"no nginx at {NGINX}: `make system-deps` installs Debian's package")
    run_dir.mkdir(parents=True, exist_ok=True)
    run_dir.chmod(0o755)  # nginx's workers (nobody, when started as root) write their temp files here
    closed = [p for p in run_dir.parents if os.geteuid() == 0 and not p.stat().st_mode & 0o001]
    if closed:
        raise ClusterError(f"run folder {run_dir}: nginx's workers cannot reach it through {closed[0]} (mode 700)")
    listen = listen or f"127.0.0.1:{free_port()}"
    shared = {
        **(environment or {}),
        "BIM_DATABASE_URL": database_url,
        "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret(run_dir),
    }
    cluster = Cluster(url=f"http://{listen}", run_dir=run_dir, environment=shared)
    with ExitStack() as stack:
        for index in range(replicas):
            replica = Replica(free_port(), run_dir / f"replica-{index + 1}.log")
            cluster.replicas.append(replica)
            stack.callback(lambda r=replica: _stop(r.process))
            start_replica(replica, shared)
        for index, replica in enumerate(cluster.replicas, start=1):
            if replica.process is not None:
                wait_healthy(replica.url, replica.process, f"replica {index}", replica.log)
        config = run_dir / "nginx.conf"
        config.write_text(nginx_config(run_dir, listen, [r.port for r in cluster.replicas]))
        error_log = run_dir / "nginx-error.log"
        cluster.nginx = subprocess.Popen([NGINX, "-e", str(error_log), "-p", str(run_dir), "-c", str(config)])
        stack.callback(lambda: _stop(cluster.nginx))
        wait_healthy(cluster.url, cluster.nginx, "nginx", error_log)
        yield cluster


def supervise(cluster: Cluster) -> None:
    """Until SIGINT/SIGTERM: start again any replica that exits; stop when nginx does."""
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda number, _frame: stopping.append(number))
    try:
        while not stopping and cluster.nginx is not None and cluster.nginx.poll() is None:
            for index, replica in enumerate(cluster.replicas, start=1):
                if replica.process is not None and replica.process.poll() is not None:
                    print(f"replica {index} exited ({replica.process.returncode}): starting it again", flush=True)
                    start_replica(replica, cluster.environment)
            time.sleep(1)
    except KeyboardInterrupt:
        pass


def main(argv: list[str] | None = None) -> int:
    """Start the cluster and keep it running; errors print one message and exit with status 1."""
    parser = argparse.ArgumentParser(prog="python deploy/cluster.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--listen", default="127.0.0.1:8080", help="nginx's address (default 127.0.0.1:8080)")
    parser.add_argument("--run-dir", default=str(PROJECT_DIR / "data" / "cluster"), help="config, logs, cache")
    args = parser.parse_args(argv)
    database_url = os.environ.get("BIM_DATABASE_URL", "")
    run_dir = Path(args.run_dir).resolve()
    try:
        with running_cluster(args.replicas, database_url, run_dir, args.listen) as cluster:
            print(f"{args.replicas} replicas behind nginx at {cluster.url} (logs in {run_dir})", flush=True)
            supervise(cluster)
    except ClusterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

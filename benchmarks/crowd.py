"""Benchmark: a crowd on the map page, simulated at Streamlit's protocol level, with a few real browsers.

Run: `.venv/bin/python benchmarks/crowd.py [--initiatives N] [--crowds 1,50,200,500] [--browsers 2]`
(after `make reference` and `make assets`). It fills a store with N synthetic initiatives, starts the
real app (tiles off), and for each crowd size sends that many new visitor sessions, arriving evenly
over `--arrival` seconds (5 s for 50, 20 s from 200 on). A session does what a browser's page load
does on the server: GET the page and `/_stcore/host-config`, open the websocket `/_stcore/stream`,
send the rerun BackMsg (streamlit.proto) of the map page, and read ForwardMsgs until the map (the
page's iframe element) has come and the script has finished; it then stays connected, as a tab
does, until the crowd is done. A real browser per visitor would measure the browser instead (one
core runs five tabs at 33 s each), so only `--browsers` headless chromium tabs join each crowd,
midway through its arrivals, timed until their first cluster is visible. The server runs on a core
of its own and the sessions and browsers on the others, the browsers at a lower priority, as
visitors' browsers run on their own machines (`--shared-cores` leaves everything on every core).

Printed per crowd: sessions served (map received), errors, time to the map (p50, p95, max; and the
p95 against a lone visit measured in the same run), the browsers' time to the first cluster, server
CPU (seconds per session, and its share of one core over the crowd) and server memory (RSS growth
per connected session). Target: 200 sessions within 20 s all served, p95 at most 3x a lone visit.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import websockets
from playwright.async_api import Browser, async_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.app import prepare
from tests.app_server import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.sample_initiatives import app_environment

SESSION_TIMEOUT_S = 180.0
TARGET_RATIO = 3.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BROWSER_NICENESS = 10  # the benchmark's browsers yield to the sessions it times on their shared core


@dataclass
class Crowd:
    """What one crowd measured."""

    size: int
    map_s: list[float] = field(default_factory=list)  # per served session
    errors: list[str] = field(default_factory=list)  # sessions and browsers
    settled: int = 0  # sessions that have their map or their error
    browsers_s: list[float] = field(default_factory=list)
    cpu_s: float = 0.0
    wall_s: float = 0.0
    rss_growth_mb: float = 0.0


def server_pid(port: int) -> int:
    """The pid of the process listening on 127.0.0.1:`port` (the app; read from /proc, no psutil)."""
    inode = next(
        line.split()[9]
        for table in ("/proc/net/tcp", "/proc/net/tcp6")
        for line in Path(table).read_text().splitlines()[1:]
        if line.split()[1].endswith(f":{port:04X}") and line.split()[3] == "0A"  # LISTEN
    )
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]" for fd in os.listdir(f"/proc/{pid}/fd")):
                return int(pid)
        except OSError:
            continue
    raise RuntimeError(f"no process listens on port {port}")


def separate_cores(pid: int) -> str:
    """The server's threads on the first core, this process (the sessions, and the browsers it starts)
    on the others: visitors' browsers run on their own machines, not beside the server."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return "one core: shared"
    server, rest = {cores[0]}, set(cores[1:])
    for thread in os.listdir(f"/proc/{pid}/task"):  # each thread: new ones inherit their creator's
        os.sched_setaffinity(int(thread), server)
    os.sched_setaffinity(0, rest)
    return f"server on core {cores[0]}, sessions and browsers on {', '.join(map(str, sorted(rest)))}"


def _restore_priority() -> None:
    """Back to normal priority for the sessions (lowering niceness needs root; else they stay nicer)."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, 0)
    except PermissionError:
        print("note: the sessions run at the browsers' lower priority (not root)", flush=True)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def rss_mb(pid: int) -> float:
    line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def _get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=SESSION_TIMEOUT_S) as answer:
        answer.read()


async def session(url: str, start_in: float, crowd: Crowd, done: asyncio.Event) -> None:
    """One visitor: the page, the websocket, the map page's run; connected until the crowd is done."""
    await asyncio.sleep(start_in)
    started = time.perf_counter()
    host = url.removeprefix("http://")
    try:
        await asyncio.to_thread(_get, f"{url}/?lang=en")
        await asyncio.to_thread(_get, f"{url}/_stcore/host-config")
        async with websockets.connect(
            f"ws://{host}/_stcore/stream", subprotocols=["streamlit"], origin=url, max_size=None, open_timeout=60
        ) as stream:
            rerun = BackMsg()
            rerun.rerun_script.query_string = "lang=en"
            await stream.send(rerun.SerializeToString())
            async with asyncio.timeout(SESSION_TIMEOUT_S):
                got_map = finished = False
                while not finished:
                    message = ForwardMsg()
                    message.ParseFromString(await stream.recv())
                    kind = message.WhichOneof("type")
                    if kind == "delta" and message.delta.new_element.WhichOneof("type") == "iframe":
                        got_map = True
                        crowd.map_s.append(time.perf_counter() - started)
                    finished = kind == "script_finished"
            if not got_map:
                crowd.errors.append("the script finished without a map")
            crowd.settled += 1
            await done.wait()
    except (OSError, TimeoutError, websockets.WebSocketException) as exc:
        if not done.is_set():
            crowd.settled += 1
            crowd.errors.append(f"{type(exc).__name__}: {exc}"[:120])


async def browser_visit(browser: Browser, url: str, start_in: float, crowd: Crowd) -> None:
    """A real browser tab joining the crowd: seconds until its first cluster is visible."""
    await asyncio.sleep(start_in)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = await context.new_page()
        page.set_default_timeout(SESSION_TIMEOUT_S * 1000)
        started = time.perf_counter()
        await page.goto(f"{url}/?lang=en")
        await (
            page.frame_locator("iframe")
            .first.locator(".bim-cluster")
            .first.wait_for(state="visible", timeout=SESSION_TIMEOUT_S * 1000)
        )
        crowd.browsers_s.append(time.perf_counter() - started)
    except Exception as exc:  # a browser that never shows the map is an error of this crowd
        crowd.errors.append(f"browser: {type(exc).__name__}"[:120])
    finally:
        await context.close()


async def run_crowd(url: str, pid: int, size: int, arrival_s: float, browser: Browser | None, browsers: int) -> Crowd:
    crowd = Crowd(size)
    done = asyncio.Event()
    rss_before, cpu_before, started = rss_mb(pid), cpu_seconds(pid), time.perf_counter()
    gap = arrival_s / size if size > 1 else 0.0
    visitors = [asyncio.create_task(session(url, i * gap, crowd, done)) for i in range(size)]
    tabs = [
        asyncio.create_task(browser_visit(browser, url, arrival_s / 2 + i, crowd))
        for i in range(browsers if browser is not None else 0)
    ]
    await asyncio.gather(*tabs)
    while crowd.settled < size:
        await asyncio.sleep(0.2)
    crowd.wall_s = time.perf_counter() - started
    crowd.cpu_s = cpu_seconds(pid) - cpu_before
    crowd.rss_growth_mb = rss_mb(pid) - rss_before
    done.set()
    await asyncio.gather(*visitors)
    return crowd


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(crowd: Crowd, lone_s: float, arrival_s: float) -> None:
    served = len(crowd.map_s)
    line = f"{crowd.size:>4} sessions over {arrival_s:>4.0f} s: served {served}, errors {len(crowd.errors)}"
    if served:
        p95 = percentile(crowd.map_s, 0.95)
        verdict = "OK" if p95 <= TARGET_RATIO * lone_s and served == crowd.size else "MISSED"
        line += (
            f"; time to map p50 {statistics.median(crowd.map_s):.2f} s, p95 {p95:.2f} s ({p95 / lone_s:.1f}x lone,"
            f" target <= {TARGET_RATIO:.0f}x: {verdict}), max {max(crowd.map_s):.2f} s"
        )
    if crowd.browsers_s:
        line += f"; browsers' first cluster {', '.join(f'{s:.1f}' for s in crowd.browsers_s)} s"
    per = max(1, served)
    line += (
        f"; server CPU {crowd.cpu_s / per * 1000:.0f} ms/session ({crowd.cpu_s / crowd.wall_s:.0%} of a core over"
        f" {crowd.wall_s:.0f} s), RSS +{crowd.rss_growth_mb / per:.2f} MB/session"
    )
    print(line, flush=True)
    for error in sorted(set(crowd.errors))[:3]:
        print(f"      error: {error} (x{crowd.errors.count(error)})")


async def measure(url: str, pid: int, crowds: list[int], browsers: int) -> None:
    lone = [await run_crowd(url, pid, 1, 0.0, None, 0) for _ in range(4)][1:]  # the first one warms up
    lone_s = statistics.median(c.map_s[0] for c in lone if c.map_s)
    print(f"lone visit (median of 3, after one to warm up): map after {lone_s:.2f} s", flush=True)
    os.setpriority(os.PRIO_PROCESS, 0, BROWSER_NICENESS)  # inherited by the driver and chromium only
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        _restore_priority()
        for size in crowds:
            arrival_s = 0.0 if size == 1 else 5.0 if size <= 50 else 20.0
            report(await run_crowd(url, pid, size, arrival_s, browser, browsers), lone_s, arrival_s)
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--crowds", default="1,50,200,500", help="comma-separated session counts")
    parser.add_argument("--browsers", type=int, default=2, help="real browser tabs joining each crowd")
    parser.add_argument(
        "--shared-cores",
        dest="separate_cores",
        action="store_false",
        help="leave the server, the sessions and the browsers on every core (default: the server on its own)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-crowd-") as folder, ExitStack() as stack:
        config = prepare(Path(folder), args.initiatives, 0)
        url = stack.enter_context(running_app(app_environment(config), Path(folder) / "streamlit.log"))
        pid = server_pid(int(url.rsplit(":", 1)[1]))
        cores = separate_cores(pid) if args.separate_cores else "shared by the server, the sessions and the browsers"
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        print(f"initiatives: {args.initiatives:,}; load average {load} on {os.cpu_count()} CPUs; server pid {pid}")
        print(f"cores: {cores}")
        asyncio.run(measure(url, pid, [int(n) for n in args.crowds.split(",")], args.browsers))


if __name__ == "__main__":
    main()

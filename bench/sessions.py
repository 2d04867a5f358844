"""``make bench-sessions``: many browser sessions at once on the production build.

Starts a temporary embedded database seeded with the demo company
(``--jobs`` demo jobs, 3,000 by default) and ``reflex run --env prod`` on one
port (``--port``), or targets a running app (``--url`` with ``--mongo-uri``
and ``--db``, for the session records). Then, for each N in ``--sessions``
(25, 50, 100, 200 by default):

* N real sessions: a session record and its signed cookie each, issued through
  ``auth.issue_session`` for the demo company's admin and office user in turn;
* N websockets opened the way the browser opens them (Reflex's socket.io
  protocol at ``/_event``: the ``hydrate_and_load`` boot event of the
  dashboard in the CONNECT packet, then the navigation's unread-count loop
  ``UnreadState.start``, as the page mounts it);
* each session then sends one event a second from a mix: the jobs list's
  ``on_load``, the list's next page, a job page's ``on_load``, and a
  dashboard period change (or the dashboard's ``on_load`` when elsewhere).

A round trip is the time from sending the event to the update that ends it:
for a page load, the ``is_hydrated`` delta Reflex sends after the page's last
``on_load`` handler; for next page and the period change, the page state's
delta. Printed per N: p50/p95/p99, errors (timeouts, a toast or a redirect
to sign in), and the achieved rate. Also printed: the app worker's RSS with
the most sessions open, the largest message and the largest hydrate snapshot
a tab received, and the pickled size of a tab's whole state after visiting
every page of the mix (``bench.state_size``).

Figures go to ``bench/results.json`` under ``"sessions"`` (other keys kept).
These are figures, not timed tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench.timing import percentile
from iprodash.process_health import require_healthy

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
TARGETS = {100: 100.0, 200: 300.0}  # p95 ms at N sessions (issue 17)
STATE_TARGET_BYTES = 100_000
ROOT_STATE = "reflex___state____state"
SESSION_STATE = f"{ROOT_STATE}.state___session____session_state"
JOBS_STATE = f"{SESSION_STATE}.state___jobs____jobs_state"
DASHBOARD_STATE = f"{SESSION_STATE}.state___dashboard____dashboard_state"
UNREAD_STATE = f"{SESSION_STATE}.state___conversations____unread_state"
ON_LOAD = f"{ROOT_STATE}.reflex___state____on_load_internal_state.on_load_internal"
HYDRATE = f"{ROOT_STATE}.hydrate_and_load"
PERIODS = ("today", "this_week", "this_month", "last_month", "this_year", "last_12_months")
DEMO_USERS = ("admin@demo.test", "office@demo.test")
EVENT_TIMEOUT_S = 15.0


# ----------------------------------------------------------------- the app


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppUnderTest:
    url: str
    mongo_uri: str
    db_name: str
    app: subprocess.Popen | None = None
    db_proc: subprocess.Popen | None = None
    base: Path | None = None
    env: dict = field(default_factory=dict)

    def stop(self) -> None:
        if self.app is not None and self.app.poll() is None:
            os.killpg(self.app.pid, signal.SIGTERM)
            try:
                self.app.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.app.pid, signal.SIGKILL)
        if self.db_proc is not None:
            self.db_proc.terminate()
            self.db_proc.wait(timeout=30)
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)


def app_env(port: int, mongo_uri: str, db_name: str, data_dir: Path) -> dict[str, str]:
    venv_bin = str(Path(sys.executable).parent)
    return {**os.environ, "MONGODB_URI": mongo_uri, "MONGODB_DB": db_name, "PORT": str(port),
            "IPRODASH_PUBLIC_URL": f"http://localhost:{port}",
            "IPRODASH_DATA_DIR": str(data_dir), "REFLEX_USE_NPM": "1",
            "REFLEX_TELEMETRY_ENABLED": "false", "PATH": f"{venv_bin}:{os.environ['PATH']}"}


def start_app(port: int, jobs: int, say) -> AppUnderTest:
    """A temporary embedded database with the demo data, and the production build on it."""
    from iprodash.db import embedded_uri, start_embedded_server

    base = Path(tempfile.mkdtemp(prefix="iprodash-sessions-"))
    db_port = _free_port()
    db_proc = start_embedded_server(base / "db", db_port, log_file=base / "server.log")
    uri, name = embedded_uri(db_port), "sessions_bench"
    env = app_env(port, uri, name, base / "data")
    # The secret that signs the cookies must be the app's: both read this env.
    env.setdefault("IPRODASH_SECRET_KEY", "bench-sessions-" + uuid.uuid4().hex)
    os.environ.update({k: env[k] for k in ("MONGODB_URI", "MONGODB_DB", "IPRODASH_DATA_DIR",
                                           "IPRODASH_SECRET_KEY", "PORT",
                                           "IPRODASH_PUBLIC_URL")})
    say(f"seeding the demo company with {jobs:,} jobs")
    subprocess.run([sys.executable, "-m", "iprodash.cli", "seed", "--demo", "--jobs", str(jobs)],
                   cwd=ROOT, env=env, check=True)
    say(f"starting reflex run --env prod on port {port} (a first build takes minutes)")
    log = open(base / "app.log", "wb")  # noqa: SIM115 - the child's output
    app = subprocess.Popen([str(Path(sys.executable).with_name("reflex")), "run", "--env", "prod",
                            "--frontend-port", str(port), "--backend-port", str(port),
                            "--loglevel", "warning"], cwd=ROOT, env=env, stdout=log,
                           stderr=subprocess.STDOUT, start_new_session=True)
    under_test = AppUnderTest(f"http://localhost:{port}", uri, name, app, db_proc, base, env)
    try:
        require_healthy(under_test.url, app, timeout_s=1200)
    except RuntimeError:
        print((base / "app.log").read_text(errors="replace")[-4000:])
        under_test.stop()
        raise
    return under_test


def issue_cookies(mongo_uri: str, db_name: str, count: int) -> list[str]:
    """``count`` live sessions, alternating the demo admin and office user."""
    from pymongo import MongoClient

    from iprodash.repositories.users import AccountLookup
    from iprodash.services import auth

    client = MongoClient(mongo_uri, tz_aware=True)
    try:
        db = client[db_name]
        users = [AccountLookup(db).by_email(email) for email in DEMO_USERS]
        return [auth.issue_session(db, user=users[i % len(users)], ip="127.0.0.1",
                                   user_agent="bench-sessions") for i in range(count)]
    finally:
        client.close()


def job_ids(mongo_uri: str, db_name: str, count: int = 200) -> list[str]:
    """Ids of the demo company's jobs, for the job pages the tabs open."""
    from pymongo import MongoClient

    client = MongoClient(mongo_uri, tz_aware=True)
    try:
        db = client[db_name]
        company = db.companies.find_one({"name": "Demo Locksmith"}, {"_id": 1})
        return [str(d["_id"]) for d in db.jobs.find({"company_id": company["_id"]}, {"_id": 1},
                                                    limit=count)]
    finally:
        client.close()


# ------------------------------------------------------------ a browser tab


class Tab:
    """One browser tab: a socket.io connection speaking Reflex's event protocol."""

    def __init__(self, url: str, cookie: str, jobs: list[str], stats: Stats):
        self.url, self.cookie, self.jobs, self.stats = url, cookie, jobs, stats
        self.token = str(uuid.uuid4())
        self.ws = None
        self.page = "/dashboard"
        self.has_next = False
        self.rng = random.Random(self.token)

    async def open(self) -> None:
        import websockets

        ws_url = (self.url.replace("http", "ws", 1)
                  + f"/_event/?token={self.token}&EIO=4&transport=websocket")
        self.ws = await websockets.connect(
            ws_url, additional_headers={"Cookie": f"iprodash_session={self.cookie}",
                                        "Origin": self.url},
            max_size=None, open_timeout=30, ping_interval=None)
        await self._recv_until(lambda m: m.startswith("0"), raw=True)
        boot = {"event": {"name": HYDRATE, "payload": {},
                          "router_data": self._router("/dashboard")}}
        started = time.perf_counter()
        await self.ws.send("40/_event," + json.dumps(boot))
        snapshot = await self._recv_until(_hydrated, collect=True)
        self.stats.add("dashboard on_load (connect)", time.perf_counter() - started)
        self.stats.snapshot_bytes = max(self.stats.snapshot_bytes, snapshot)
        await self._send(f"{UNREAD_STATE}.start")

    def _router(self, path: str) -> dict:
        data = {"pathname": path, "asPath": path}
        if path.startswith("/jobs/"):
            data["query"] = {"job_id": path.rsplit("/", 1)[-1]}
        return data

    async def _send(self, name: str, payload: dict | None = None) -> None:
        event = {"name": name, "router_data": self._router(self.page)}
        if payload is not None:
            event["payload"] = payload
        await self.ws.send("42/_event," + json.dumps(["event", event]))

    async def _recv_until(self, done, raw: bool = False, collect: bool = False,
                          timeout: float = EVENT_TIMEOUT_S):
        """Read frames until ``done(update)``; answers pings, counts errors.

        Returns the total bytes read when ``collect``, else the matching update."""
        deadline = time.monotonic() + timeout
        total = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            message = await asyncio.wait_for(self.ws.recv(), remaining)
            total += len(message)
            self.stats.largest_message = max(self.stats.largest_message, len(message))
            if message == "2":
                await self.ws.send("3")
                continue
            if raw:
                if done(message):
                    return message
                continue
            if not message.startswith("42/_event,"):
                continue
            update = json.loads(message[len("42/_event,"):])[1]
            _note_problems(update, self.stats)
            self._track(update)
            if done(update):
                return total if collect else update

    def _track(self, update: dict) -> None:
        jobs = (update.get("delta") or {}).get(JOBS_STATE) or {}
        if "has_next_rx_state_" in jobs:
            self.has_next = jobs["has_next_rx_state_"]

    async def idle(self, seconds: float) -> None:
        """Keep reading (background updates, pings) for ``seconds``."""
        try:
            await self._recv_until(lambda _: False, timeout=seconds)
        except TimeoutError:
            pass

    async def one_event(self) -> None:
        """One event of the mix, timed until the update that ends it."""
        roll = self.rng.random()
        if roll < 0.3:
            kind, path = "jobs list on_load", "/jobs"
        elif roll < 0.55:
            kind, path = "next page", None
            if self.page != "/jobs" or not self.has_next:
                kind, path = "jobs list on_load", "/jobs"
        elif roll < 0.8:
            kind, path = "job page on_load", f"/jobs/{self.rng.choice(self.jobs)}"
        else:
            kind, path = "dashboard period", None
            if self.page != "/dashboard":
                kind, path = "dashboard on_load", "/dashboard"
        started = time.perf_counter()
        try:
            if path is not None:
                self.page = path
                await self._send(ON_LOAD)
                await self._recv_until(_hydrated)
            elif kind == "next page":
                await self._send(f"{JOBS_STATE}.next_page")
                await self._recv_until(lambda u: JOBS_STATE in (u.get("delta") or {}))
            else:
                await self._send(f"{DASHBOARD_STATE}.set_period",
                                 {"value": self.rng.choice(PERIODS)})
                await self._recv_until(lambda u: DASHBOARD_STATE in (u.get("delta") or {}))
        except TimeoutError:
            self.stats.errors["timeout"] = self.stats.errors.get("timeout", 0) + 1
            return
        self.stats.add(kind, time.perf_counter() - started)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def _hydrated(update: dict) -> bool:
    return ((update.get("delta") or {}).get(ROOT_STATE) or {}).get("is_hydrated_rx_state_") is True


def _note_problems(update: dict, stats: Stats) -> None:
    for event in update.get("events") or []:
        text = json.dumps(event)
        if event.get("name") == "_redirect" and ("/login" in text or "session" in text):
            stats.errors["signed out"] = stats.errors.get("signed out", 0) + 1
        elif "toast" in text and "error" in text:
            stats.errors["error toast"] = stats.errors.get("error toast", 0) + 1
            if len(stats.error_texts) < 5:
                stats.error_texts.append(text[:300])


@dataclass
class Stats:
    samples: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    largest_message: int = 0
    snapshot_bytes: int = 0
    error_texts: list[str] = field(default_factory=list)

    def add(self, kind: str, seconds: float) -> None:
        self.samples.setdefault(kind, []).append(seconds * 1000)

    def mixed(self) -> list[float]:
        return [ms for kind, values in self.samples.items() if "(connect)" not in kind
                for ms in values]


# -------------------------------------------------------------- one level


async def run_level(url: str, cookies: list[str], jobs: list[str], seconds: float,
                    app_pid: int | None, say, db_pid: int | None = None) -> dict:
    stats = Stats()
    tabs = [Tab(url, cookie, jobs, stats) for cookie in cookies]
    opened: list[Tab] = []

    async def open_one(tab: Tab) -> None:
        try:
            await tab.open()
            opened.append(tab)
        except Exception as exc:  # noqa: BLE001 - a refused or slow connect is counted, not fatal
            stats.errors[f"connect: {type(exc).__name__}"] = (
                stats.errors.get(f"connect: {type(exc).__name__}", 0) + 1)

    started = time.perf_counter()
    gate = asyncio.Semaphore(10)  # tabs opening at once, as people arrive

    async def gated(tab: Tab) -> None:
        async with gate:
            await open_one(tab)

    await asyncio.gather(*(gated(tab) for tab in tabs))
    say(f"  {len(opened)}/{len(tabs)} tabs open in {time.perf_counter() - started:.1f} s")
    connect = list(stats.samples.get("dashboard on_load (connect)", []))
    stats.samples.clear()
    rss_open = app_rss(app_pid)

    async def drive(tab: Tab, stop_at: float) -> None:
        await tab.idle(tab.rng.random())  # spread the sends over the second
        while time.monotonic() < stop_at:
            next_at = time.monotonic() + 1.0
            await tab.one_event()
            await tab.idle(max(0.0, next_at - time.monotonic()))

    begun = time.monotonic()
    cpu_start = (cpu_seconds(app_pid), cpu_seconds(db_pid))
    rss_peak = [rss_open]

    async def sample_rss() -> None:
        while time.monotonic() < begun + seconds:
            await asyncio.sleep(5)
            rss_peak[0] = max(rss_peak[0], app_rss(app_pid))

    await asyncio.gather(*(drive(tab, begun + seconds) for tab in opened), sample_rss())
    elapsed = time.monotonic() - begun
    app_cpu = cpu_seconds(app_pid) - cpu_start[0]
    db_cpu = cpu_seconds(db_pid) - cpu_start[1]
    await asyncio.gather(*(tab.close() for tab in opened), return_exceptions=True)
    mixed = stats.mixed()
    result = {"sessions": len(tabs), "open": len(opened), "seconds": round(elapsed, 1),
              "events": len(mixed), "rate_per_s": round(len(mixed) / elapsed, 1),
              "offered_per_s": len(opened), "errors": stats.errors,
              "p50_ms": _pct(mixed, 50), "p95_ms": _pct(mixed, 95), "p99_ms": _pct(mixed, 99),
              "connect_p50_ms": _pct(connect, 50), "connect_p95_ms": _pct(connect, 95),
              "by_kind": {kind: {"n": len(v), "p50_ms": _pct(v, 50), "p95_ms": _pct(v, 95)}
                          for kind, v in sorted(stats.samples.items())},
              "error_samples": stats.error_texts,
              "largest_message_bytes": stats.largest_message,
              "largest_hydrate_bytes": stats.snapshot_bytes,
              "app_rss_mb": round(rss_peak[0] / 2**20, 1),
              # Where the time went: CPU of the app worker and of the database
              # server per served event (page loads include every on_load
              # handler, the list's background count and the tabs' unread polls).
              "app_cpu_share": round(app_cpu / elapsed, 2),
              "db_cpu_share": round(db_cpu / elapsed, 2),
              "app_cpu_ms_per_event": round(app_cpu * 1000 / max(len(mixed), 1), 1),
              "db_cpu_ms_per_event": round(db_cpu * 1000 / max(len(mixed), 1), 1),
              "load_average": [round(x, 2) for x in os.getloadavg()]}
    target = TARGETS.get(len(tabs))
    if target is not None:
        result["target_p95_ms"] = target
        result["passed"] = result["p95_ms"] is not None and result["p95_ms"] <= target
    return result


def _pct(samples: list[float], pct: float) -> float | None:
    return round(percentile(samples, pct), 1) if samples else None


# ------------------------------------------------------------ process RSS


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _tree(pid: int) -> list[int]:
    pending, found = [pid], []
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(_children(current))
    return found


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of ``pid`` and its descendants."""
    if pid is None:
        return 0.0
    total = 0
    for current in _tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def app_rss(pid: int | None) -> int:
    """RSS of the largest Python process under ``pid`` (the app worker serving events)."""
    if pid is None:
        return 0
    pending, best = [pid], 0
    while pending:
        current = pending.pop()
        pending.extend(_children(current))
        if "python" in _cmdline(current) or "reflex" in _cmdline(current):
            best = max(best, _rss(current))
    return best


# ------------------------------------------------------------------ main


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=False, cwd=ROOT).stdout.strip()
    except OSError:
        return ""


def write_results(key: str, value: dict) -> None:
    """Set ``key`` in bench/results.json, keeping the other benchmarks' figures."""
    try:
        results = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        results = {}
    results[key] = value
    RESULTS.write_text(json.dumps(results, indent=2, default=str))


def print_level(level: dict) -> None:
    target = level.get("target_p95_ms")
    verdict = ("" if target is None else
               f"  target p95 <= {target:.0f} ms: {'PASS' if level.get('passed') else 'FAIL'}")
    print(f"N={level['sessions']:>4} ({level['open']} open): p50 {level['p50_ms']} ms, "
          f"p95 {level['p95_ms']} ms, p99 {level['p99_ms']} ms; {level['events']} events in "
          f"{level['seconds']} s = {level['rate_per_s']}/s of {level['offered_per_s']}/s "
          f"offered; errors {level['errors'] or 0}; app RSS {level['app_rss_mb']} MB{verdict}",
          flush=True)
    print(f"        CPU: app {level['app_cpu_share']:.0%} of a core "
          f"({level['app_cpu_ms_per_event']} ms per event), database "
          f"{level['db_cpu_share']:.0%} ({level['db_cpu_ms_per_event']} ms per event); "
          f"load average {level['load_average']}", flush=True)
    for kind, figures in level["by_kind"].items():
        print(f"        {kind:<22} n={figures['n']:<5} p50 {figures['p50_ms']} ms, "
              f"p95 {figures['p95_ms']} ms", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sessions")
    parser.add_argument("--sessions", default="25,50,100,200",
                        help="comma-separated session counts")
    parser.add_argument("--seconds", type=float, default=45.0,
                        help="seconds of one event a second per session, per level")
    parser.add_argument("--jobs", type=int, default=3000, help="demo jobs to seed")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "3100")))
    parser.add_argument("--url", default="", help="a running app instead of starting one")
    parser.add_argument("--mongo-uri", default="", help="with --url: the app's database")
    parser.add_argument("--db", default="iprodash", help="with --url: the app's database name")
    parser.add_argument("--app-pid", type=int, default=0,
                        help="with --url: the app's process id, for its RSS and CPU")
    parser.add_argument("--db-pid", type=int, default=0,
                        help="with --url: the database server's process id, for its CPU")
    parser.add_argument("--results-key", default="sessions",
                        help="the key of bench/results.json to write")
    args = parser.parse_args(argv)
    levels = [int(n) for n in args.sessions.split(",") if n.strip()]
    t0 = time.monotonic()
    signal.signal(signal.SIGTERM, _interrupt)  # stop the app and database on kill too

    def say(text: str) -> None:
        print(f"[{time.monotonic() - t0:7.1f} s] {text}", flush=True)

    under_test = None
    if args.url:
        url, uri, name, pid = args.url.rstrip("/"), args.mongo_uri, args.db, args.app_pid or None
        db_pid = args.db_pid or None
    else:
        under_test = start_app(args.port, args.jobs, say)
        url, uri, name = under_test.url, under_test.mongo_uri, under_test.db_name
        pid, db_pid = under_test.app.pid, under_test.db_proc.pid
    results: dict = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                     "commit": _commit(), "machine": _machine(), "demo_jobs": args.jobs,
                     "seconds_per_level": args.seconds, "levels": []}
    try:
        ids = job_ids(uri, name)
        say(f"app at {url}; {len(ids)} job ids for the job pages")
        from bench.state_size import largest_tab_state

        results["tab_state"] = largest_tab_state(uri, name)
        say(f"largest tab state (pickled, after the mix's pages): "
            f"{results['tab_state']['bytes']:,} bytes "
            f"(target <= {STATE_TARGET_BYTES:,}); by state: "
            f"{results['tab_state']['largest_states']}")
        for n in levels:
            say(f"N = {n}: opening {n} tabs, then {args.seconds:.0f} s of one event a second each")
            cookies = issue_cookies(uri, name, n)
            level = asyncio.run(run_level(url, cookies, ids, args.seconds, pid, say, db_pid))
            results["levels"].append(level)
            print_level(level)
            time.sleep(3)  # let the closed tabs' loops end
        results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        if under_test is not None:
            under_test.stop()
    write_results(args.results_key, results)
    say(f"written to {RESULTS} (key {args.results_key!r})")
    return 0 if all(level.get("passed", True) for level in results["levels"]) else 1


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _machine() -> str:
    import platform

    return f"{platform.platform()}, {os.cpu_count()} CPUs"


if __name__ == "__main__":
    raise SystemExit(main())

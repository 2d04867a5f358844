"""Several app workers on Redis: a tab survives the loss of its worker, the scheduler's
leader lease hands over, and no message goes out twice.

The same shape as ``make run-multi``: a local ``redis-server``, two app
processes (one backend worker each) behind ``scripts/tcp_balancer.py`` on
one port, and two schedulers competing for the lease. Skipped when
``redis-server`` is not installed (``apt-get install -y redis-server``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT, free_port
from iprodash.process_health import require_healthy
from tests.e2e.conftest import E2E_PORT, login

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="redis-server is not installed")

LEASE_SECONDS = 10


def _start(cmd: list[str], env: dict, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def cluster(mongo_uri, tmp_path_factory):
    """Redis, two workers behind the balancer, two schedulers; all on a fresh database."""
    base = tmp_path_factory.mktemp("multi")
    # With IPRODASH_E2E_PORT set, four ports from it (public, two workers, Redis);
    # otherwise ports the system picks.
    if "IPRODASH_E2E_PORT" in os.environ:
        public, first, second, redis_port = (E2E_PORT + n for n in range(4))
    else:
        public, first, second, redis_port = (free_port() for _ in range(4))
    ports = [first, second]
    url = f"http://localhost:{public}"
    venv_bin = str(Path(sys.executable).parent)
    env = {**os.environ, "MONGODB_URI": mongo_uri, "MONGODB_DB": f"multi_{uuid.uuid4().hex[:8]}",
           "PORT": str(public), "IPRODASH_PUBLIC_URL": url, "IPRODASH_DATA_DIR": str(base),
           "REFLEX_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "GRANIAN_WORKERS": "1",
           "IPRODASH_SCHEDULER_LEASE_SECONDS": str(LEASE_SECONDS), "REFLEX_USE_NPM": "1",
           "IPRODASH_LOCAL_MAILBOX": str(base / "mailbox.jsonl"),
           "PATH": f"{venv_bin}:{os.environ['PATH']}", "REFLEX_TELEMETRY_ENABLED": "false"}
    # Enough jobs for many pages of the job list (50 a page).
    subprocess.run([sys.executable, "-m", "iprodash.cli", "seed", "--demo", "--jobs", "1500"],
                   cwd=ROOT, env=env, check=True)
    procs = {"redis": _start(["redis-server", "--bind", "127.0.0.1", "--port", str(redis_port),
                              "--save", "", "--appendonly", "no"], env, base / "redis.log"),
             "balancer": _start([sys.executable, "scripts/tcp_balancer.py", str(public),
                                 *map(str, ports)], env, base / "balancer.log")}

    def worker(port: int) -> subprocess.Popen:
        return _start([str(Path(venv_bin) / "reflex"), "run", "--env", "prod",
                       "--frontend-port", str(port), "--backend-port", str(port)], env,
                      base / f"worker-{port}.log")

    procs["a"] = worker(ports[0])
    require_healthy(f"http://localhost:{ports[0]}", procs["a"], timeout_s=900)
    procs["b"] = worker(ports[1])  # after the first build: the two never compile at once
    require_healthy(f"http://localhost:{ports[1]}", procs["b"], timeout_s=900)
    for name in ("scheduler-1", "scheduler-2"):
        procs[name] = _start([sys.executable, "-m", "iprodash.jobs.scheduler"], env,
                             base / f"{name}.log")
    yield {"url": url, "env": env, "ports": ports, "procs": procs, "worker": worker,
           "mongo_uri": mongo_uri}
    for proc in procs.values():
        _stop(proc)


@pytest.fixture
def cluster_db(cluster):
    from pymongo import MongoClient

    client = MongoClient(cluster["mongo_uri"], tz_aware=True)
    yield client[cluster["env"]["MONGODB_DB"]]
    client.close()


def _page_rows(page) -> list[str]:
    return page.locator("table tbody tr td:first-child").all_inner_texts()


def _click_until(page, button: str, shown: str, seconds: float = 60) -> None:
    """Click ``button`` until ``shown`` appears (the socket may be reconnecting)."""
    deadline = time.monotonic() + seconds
    while True:
        page.get_by_role("button", name=button).click()
        try:
            expect(page.get_by_text(shown, exact=True)).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def _client_token(page) -> str:
    """The tab's client token: the key of its state tree in Redis."""
    return page.evaluate("window.sessionStorage.getItem('token')")


def test_a_signed_in_tab_keeps_its_state_when_its_worker_dies(cluster, browser):
    """Whichever worker holds the tab's socket, killing each in turn leaves the tab signed in,
    on the page of the list it had reached, under the same client token: the pager's cursor
    lives in Redis, not in a worker, and the tab is not taken for a duplicate of itself (a
    new token is an empty state tree: the list would start over at page 1)."""
    context = browser.new_context(base_url=cluster["url"], viewport={"width": 1280,
                                                                     "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    login(page, "admin@demo.test")
    # Every demo job (the default window, 30 days either side, holds about 4 pages of
    # them): a filter in the address, which the tab keeps too.
    today = date.today()
    window = f"from={today - timedelta(days=730)}&to={today + timedelta(days=365)}"
    page.goto(f"/jobs?{window}")
    expect(page.get_by_text("Page 1", exact=True)).to_be_visible()
    token = _client_token(page)
    pages_seen = [_page_rows(page)]
    for victim in ("a", "b"):
        page.get_by_role("button", name="Next").click()
        expect(page.get_by_text(f"Page {len(pages_seen) + 1}", exact=True)).to_be_visible()
        pages_seen.append(_page_rows(page))
        port = cluster["ports"][0 if victim == "a" else 1]
        _stop(cluster["procs"][victim], signal.SIGKILL)
        # The tab's socket (if it was on this worker) reconnects through the balancer to
        # the live one, which waits for the dead worker's presence key to lapse (3 s).
        time.sleep(8)
        expect(page.get_by_text(f"Page {len(pages_seen)}", exact=True)).to_be_visible()
        assert _page_rows(page) == pages_seen[-1]
        assert _client_token(page) == token
        _click_until(page, "Next", f"Page {len(pages_seen) + 1}")
        rows = _page_rows(page)
        assert rows and all(rows != seen for seen in pages_seen)
        pages_seen.append(rows)
        assert "/login" not in page.url
        cluster["procs"][victim] = cluster["worker"](port)
        require_healthy(f"http://localhost:{port}", cluster["procs"][victim], timeout_s=900)
    page.get_by_role("button", name="Previous").click()
    expect(page.get_by_text(f"Page {len(pages_seen) - 1}", exact=True)).to_be_visible()
    assert _page_rows(page) == pages_seen[-2]
    assert _client_token(page) == token
    assert window in page.url
    context.close()


def test_the_scheduler_lease_hands_over_and_no_message_goes_out_twice(cluster, cluster_db):
    from iprodash.integrations.local_mailbox import read_mailbox
    from iprodash.jobs.scheduler import LEASE_NAME
    from iprodash.repositories.outbox import SENT
    from iprodash.services.notifications import enqueue_email

    def lease() -> dict | None:
        return cluster_db["scheduler_leases"].find_one({"_id": LEASE_NAME})

    def enqueue(tag: str, count: int) -> list[str]:
        keys = [f"multi-{tag}-{n}-{uuid.uuid4().hex[:6]}" for n in range(count)]
        for key in keys:
            assert enqueue_email(cluster_db, company_id=None, to=f"{key}@example.test",
                                 kind="company_approved", idempotency_key=key,
                                 company="Demo Locksmith", name="Owner", link="http://x")
        return keys

    deadline = time.monotonic() + 4 * LEASE_SECONDS
    while lease() is None and time.monotonic() < deadline:
        time.sleep(1)
    first = lease()
    assert first is not None, "no scheduler took the lease"
    keys = enqueue("before", 5)
    leader = next(name for name in ("scheduler-1", "scheduler-2")
                  if f"-{cluster['procs'][name].pid}-" in first["holder"])
    _stop(cluster["procs"][leader], signal.SIGKILL)
    keys += enqueue("during", 5)
    deadline = time.monotonic() + 6 * LEASE_SECONDS
    while time.monotonic() < deadline:
        current = lease()
        if current and current["holder"] != first["holder"]:
            break
        time.sleep(1)
    assert lease()["holder"] != first["holder"], "the lease did not hand over"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        sent = list(cluster_db["outbox"].find({"idempotency_key": {"$in": keys}}))
        if len(sent) == len(keys) and all(m["status"] == SENT for m in sent):
            break
        time.sleep(2)
    sent = list(cluster_db["outbox"].find({"idempotency_key": {"$in": keys}}))
    assert sorted(m["idempotency_key"] for m in sent) == sorted(keys)
    assert all(m["status"] == SENT for m in sent)
    # What was delivered, as the provider saw it: each address exactly once, although
    # the leader died with messages queued and a new leader picked them up.
    mailbox = read_mailbox(Path(cluster["env"]["IPRODASH_LOCAL_MAILBOX"]))
    delivered = Counter(m["to"] for m in mailbox if m["to"].startswith("multi-"))
    assert delivered == Counter(f"{key}@example.test" for key in keys)

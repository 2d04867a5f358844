"""A tab that reconnects after its worker died keeps its client token (state/worker_failover.py).

Against a real local ``redis-server`` (skipped when it is not installed), with two token
managers standing for two app workers.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time

import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="redis-server is not installed")


@pytest.fixture(scope="module")
def redis_url():
    port = int(os.environ.get("IPRODASH_TEST_REDIS_PORT", "0")) or free_port()
    proc = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port),
                             "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True,
                         text=True).stdout.strip() != "PONG":
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def _run(coro):
    return asyncio.run(coro)


async def _workers(redis_url, *, beating: tuple[bool, bool]):
    from redis.asyncio import Redis

    from state.worker_failover import FailoverTokenManager

    managers = [FailoverTokenManager(Redis.from_url(redis_url)) for _ in range(2)]
    beats = [asyncio.create_task(m.beat()) for m, on in zip(managers, beating) if on]
    await asyncio.sleep(0.05)
    return managers, beats


async def _stop(managers, beats):
    for task in beats:
        task.cancel()
    await asyncio.gather(*beats, return_exceptions=True)
    for manager in managers:
        await manager.redis.flushdb()
        await manager.redis.aclose()


def test_a_tab_whose_worker_died_keeps_its_token_on_the_other_worker(redis_url):
    async def scenario():
        # Worker A linked the tab, then died: its record stays, its presence key is gone.
        (a, b), beats = await _workers(redis_url, beating=(False, True))
        try:
            assert await a.link_token_to_sid("tab-1", "sid-on-a") is None
            started = time.monotonic()
            assert await b.link_token_to_sid("tab-1", "sid-on-b") is None
            assert time.monotonic() - started < 1
            assert b.token_to_socket["tab-1"].instance_id == b.instance_id
            assert await b._get_token_owner("tab-1", refresh=True) == b.instance_id
        finally:
            await _stop([a, b], beats)

    _run(scenario())


def test_a_worker_killed_a_moment_ago_is_waited_out(redis_url, monkeypatch):
    import state.worker_failover as failover

    monkeypatch.setattr(failover, "PRESENCE_TTL_MS", 600)
    monkeypatch.setattr(failover, "WAIT_SECONDS", 2.0)

    async def scenario():
        (a, b), beats = await _workers(redis_url, beating=(True, True))
        try:
            assert await a.link_token_to_sid("tab-2", "sid-on-a") is None
            beats[0].cancel()  # A is killed: its presence key lapses within 0.6 s
            started = time.monotonic()
            assert await b.link_token_to_sid("tab-2", "sid-on-b") is None
            assert 0.2 < time.monotonic() - started < 2.0
        finally:
            await _stop([a, b], beats)

    _run(scenario())


def test_a_duplicated_tab_on_a_live_worker_still_gets_a_new_token(redis_url, monkeypatch):
    import state.worker_failover as failover

    monkeypatch.setattr(failover, "WAIT_SECONDS", 0.5)

    async def scenario():
        (a, b), beats = await _workers(redis_url, beating=(True, True))
        try:
            assert await a.link_token_to_sid("tab-3", "sid-on-a") is None
            new_token = await b.link_token_to_sid("tab-3", "sid-2-on-b")
            assert new_token and new_token != "tab-3"
            # The same on the worker that holds the live tab.
            other = await a.link_token_to_sid("tab-3", "sid-3-on-a")
            assert other and other != "tab-3"
        finally:
            await _stop([a, b], beats)

    _run(scenario())


def test_a_stale_record_of_the_same_worker_is_taken_over(redis_url):
    async def scenario():
        (a, b), beats = await _workers(redis_url, beating=(True, True))
        try:
            assert await a.link_token_to_sid("tab-4", "old-sid") is None
            # The socket went away but its record's delete never reached Redis.
            a.sid_to_token.pop("old-sid")
            a.token_to_socket.pop("tab-4")
            assert await a.link_token_to_sid("tab-4", "new-sid") is None
        finally:
            await _stop([a, b], beats)

    _run(scenario())

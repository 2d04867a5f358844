"""Two scheduler workers: only the lease holder runs tasks; each run is logged."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from iprodash.jobs import tasks
from iprodash.jobs.scheduler import Leader
from iprodash.repositories.scheduler_runs import SchedulerRunLog


@pytest.fixture
def counting_task(monkeypatch):
    calls = []

    def task(db):
        calls.append(threading.get_ident())
        return {"done": 1}

    monkeypatch.setitem(tasks.TASKS, "count", (task, 60))
    return calls


def test_two_leaders_never_both_run(db, clock, counting_task):
    first, second = Leader(db, ttl_seconds=30, clock=clock.now), Leader(db, ttl_seconds=30,
                                                                        clock=clock.now)
    barrier = threading.Barrier(2)
    ran = {}

    def attempt(leader):
        barrier.wait()
        ran[leader.holder] = leader.run("count")

    threads = [threading.Thread(target=attempt, args=(leader,)) for leader in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(ran.values()) == [False, True]
    winner, loser = (first, second) if ran[first.holder] else (second, first)

    clock.advance(seconds=20)
    assert not loser.run("count") and winner.run("count")  # renewed, still the leader
    clock.advance(seconds=31)  # the winner stopped renewing (died)
    assert loser.run("count") and not winner.run("count")
    assert len(counting_task) == 3
    holders = [run["holder"] for run in db["scheduler_runs"].find({"task": "count"})]
    assert holders == [winner.holder, winner.holder, loser.holder]


def test_each_run_is_logged_with_failures_kept(db, monkeypatch):
    def broken(db):
        raise RuntimeError("provider down")

    monkeypatch.setitem(tasks.TASKS, "broken", (broken, 60))
    monkeypatch.setitem(tasks.TASKS, "drain_outbox", (lambda db: {"sent": 0}, 5))
    tasks.run_logged(db, "broken", holder="w1")
    tasks.run_logged(db, "drain_outbox", holder="w1")
    statuses = SchedulerRunLog(db).task_statuses()
    assert statuses["broken"]["last_ok"] is False
    assert statuses["broken"]["last_error"] == "provider down"
    assert statuses["broken"]["failures"] == 1
    assert statuses["drain_outbox"]["runs"] == 1 and statuses["drain_outbox"]["last_ok"]
    # An empty drain updates its status but is not worth a line in the run log.
    assert [r["task"] for r in SchedulerRunLog(db).page(failures_only=False, before_id=None,
                                                        limit=10)] == ["broken"]


def test_lease_expiry_uses_the_injected_clock(db, clock):
    leader = Leader(db, ttl_seconds=30, clock=clock.now)
    assert leader.is_leader()
    lease = leader.leases.current("scheduler-leader")
    assert lease["expires_at"] == clock.now() + timedelta(seconds=30)

"""Demo jobs: realistic, reproducible, finance from the domain function, rollups to match."""

from __future__ import annotations

from collections import Counter

import pytest

from iprodash.domain.errors import NotFound
from iprodash.domain.finance import Part, Payment, Rates, compute_job_finance
from iprodash.repositories.indexes import ensure_indexes
from iprodash.services import rollups
from iprodash.services.demo_jobs import seed_demo_jobs
from iprodash.services.demo_seed import seed_demo


def _rollup_state(db, company_id):
    def keyed(collection):
        return sorted((tuple(sorted((k, str(v)) for k, v in doc.items() if k != "_id"))
                       for doc in db[collection].find({"company_id": company_id})))
    return keyed("rollups"), keyed("rollup_totals")


@pytest.fixture
def demo(db):
    ensure_indexes(db)
    seed_demo(db, password="demo-pass-1234")
    return db["companies"].find_one({"code": "DEMOLOCK"})


def test_demo_jobs_are_realistic_and_their_rollups_match(db, demo):
    result = seed_demo_jobs(db, jobs=200)
    assert (result.jobs, result.technicians, result.sources) == (200, 8, 6)
    jobs = list(db["jobs"].find({"company_id": demo["_id"]}))
    assert sorted(job["number"] for job in jobs) == list(range(1, 201))
    statuses = Counter(job["status"] for job in jobs)
    assert statuses["closed"] > 100 and statuses["canceled"] > 5 and statuses["scheduled"] > 0
    closed = [job for job in jobs if job["status"] == "closed"]
    methods = Counter(p["method"] for job in closed for p in job["payments"])
    assert {"cash", "card", "zelle"} <= set(methods)
    assert any(job["parts"] for job in closed)
    for job in closed:
        finance = compute_job_finance(payments=[Payment.from_dict(p) for p in job["payments"]],
                                      parts=[Part.from_dict(p) for p in job["parts"]],
                                      rates=Rates.from_dict(job["rates"]))
        assert job["finance"] == finance.as_dict() and job["closing_price_cents"] == finance.gross
    assert db["clients"].count_documents({"company_id": demo["_id"]}) == result.clients
    built = _rollup_state(db, demo["_id"])
    rollups.rebuild_rollups(db, company_id=demo["_id"])
    assert _rollup_state(db, demo["_id"]) == built


def test_a_second_run_adds_nothing_and_a_bigger_one_tops_up(db, demo):
    seed_demo_jobs(db, jobs=60)
    again = seed_demo_jobs(db, jobs=60)
    assert again.jobs == 0 and db["jobs"].count_documents({"company_id": demo["_id"]}) == 60
    assert seed_demo_jobs(db, jobs=0).jobs == 0
    more = seed_demo_jobs(db, jobs=90)
    assert (more.jobs, more.technicians) == (30, 0)
    assert db["jobs"].count_documents({"company_id": demo["_id"]}) == 90
    assert db["technicians"].count_documents({"company_id": demo["_id"]}) == 8
    topped_up = _rollup_state(db, demo["_id"])
    rollups.rebuild_rollups(db, company_id=demo["_id"])
    assert _rollup_state(db, demo["_id"]) == topped_up


def test_the_demo_company_must_exist(db):
    with pytest.raises(NotFound, match="seed --demo"):
        seed_demo_jobs(db, jobs=10)


def test_the_seed_writes_in_small_calls_and_reports_its_progress(db, demo, mongo_uri):
    """Large insert calls stall the embedded server once the data outgrows its cache
    (docs/PERFORMANCE.md): every insert the seed sends holds at most WRITE_BATCH documents."""
    from pymongo import MongoClient, monitoring

    from iprodash.repositories.base import WRITE_BATCH
    from iprodash.services.demo_jobs import seed_jobs

    class Inserts(monitoring.CommandListener):
        def __init__(self):
            self.sizes = []

        def started(self, event):
            if event.command_name == "insert":
                self.sizes.append(len(event.command["documents"]))

        def succeeded(self, event):
            pass

        def failed(self, event):
            pass

    inserts = Inserts()
    watched = MongoClient(mongo_uri, tz_aware=True, event_listeners=[inserts])
    try:
        seen = []
        count = 2 * WRITE_BATCH + 50
        seed_jobs(watched[db.name], company_id=demo["_id"], count=count, batch_size=count,
                  progress=seen.append)
    finally:
        watched.close()
    assert seen == [count]
    assert max(inserts.sizes) == WRITE_BATCH
    assert db["jobs"].count_documents({"company_id": demo["_id"]}) == count
    assert sorted(j["number"] for j in db["jobs"].find({"company_id": demo["_id"]})) == \
        list(range(1, count + 1))

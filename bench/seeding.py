"""Seed rate against raw ``insert_many`` of the same documents, in the same run.

Raw: the seed's documents for ``sample`` jobs (jobs, their new clients and
the rollups) are built first, untimed, then only the ``insert_many`` calls
are timed, into a fresh database with the app's indexes, in calls of the
same size the app's repositories use (``WRITE_BATCH``). The seed's own rate is
taken from the bench's full seed (:mod:`bench.run`). Jobs-only raw insert is
printed too.
"""

from __future__ import annotations

import time
from datetime import datetime

from bson import ObjectId

from iprodash.repositories.base import insert_in_batches
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.counters import CounterRepository
from iprodash.repositories.indexes import ensure_indexes
from iprodash.services.demo_jobs import demo_factory, generate_batches
from iprodash.services.rollups import RollupBatch

BATCH = 5000


def new_company(db, name: str) -> ObjectId:
    """A bench company in New York time with a 3% card fee."""
    return CompanyRepository(db).create({
        "name": name, "code": f"B{ObjectId()}"[:12].upper(), "phone": "+12125550100",
        "admin_email": "owner@bench.test", "timezone": "America/New_York", "card_fee_bp": 300,
        "status": "active", "plan": "trial"})


def _insert(collection, docs: list[dict], company_id: ObjectId) -> float:
    """Seconds spent in ``insert_many`` alone (documents are prepared before the clock)."""
    records = [{**d, "company_id": company_id} for d in docs]
    start = time.perf_counter()
    insert_in_batches(collection, records)
    return time.perf_counter() - start


def raw_rates(client, *, sample: int, technicians: int, sources: int, now: datetime,
              db_name: str = "bench_raw", company_id: ObjectId | None = None) -> dict:
    """Jobs per second of raw ``insert_many``: jobs only, jobs and their clients, and
    (for a new company) all the seed's documents, rollups included.

    Into ``db_name`` as it is, for a new company: a fresh database by default.
    With ``company_id``: the next ``sample`` jobs of a seeded company (their
    numbers reserved as the seed reserves them), so the raw inserts land where
    the seed's next ones would, in index ranges of the size the seed made."""
    db = client[db_name]
    ensure_indexes(db)
    company_id = company_id or new_company(db, "Raw insert")
    first_number = CounterRepository(db, company_id).reserve(sample)
    factory, _, _ = demo_factory(db, company_id, technicians=technicians, sources=sources,
                                 seed=7, first_number=first_number, now=now)
    clients, jobs = [], []
    for batch_clients, batch_jobs in generate_batches(factory, first_number=first_number,
                                                      count=sample, batch_size=BATCH):
        clients += batch_clients
        jobs += batch_jobs
    jobs_s = _insert(db["jobs"], jobs, company_id)
    clients_s = _insert(db["clients"], clients, company_id)
    rates = {"jobs": sample, "clients": len(clients), "raw_jobs_only_per_s": sample / jobs_s,
             "raw_jobs_and_clients_per_s": sample / (jobs_s + clients_s)}
    if first_number == 1:  # a new company (a seeded one already has these days' rollups)
        detail, totals = RollupBatch(factory.zone).add(jobs).documents()
        rollups_s = (_insert(db["rollups"], detail, company_id)
                     + _insert(db["rollup_totals"], totals, company_id))
        rates.update(rollup_docs=len(detail) + len(totals),
                     raw_all_documents_per_s=sample / (jobs_s + clients_s + rollups_s))
    # Left in place (the bench's temporary directory goes at the end): dropping
    # 20,000 jobs' index entries costs the embedded server about a minute.
    return rates

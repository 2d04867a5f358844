"""Index entries per job and per client: what each write costs the database server.

Counted from the documents and the index declarations (``INDEXES`` of the
repositories), not from the server: an index holds one entry per document,
times the number of values of its array field (``search_keys``,
``filter_keys``), none for a document outside its partial filter or, for a
sparse index, without any of its fields. Nearly all of the embedded server's
time in a seed goes to writing these entries (docs/PERFORMANCE.md).

``python -m bench.index_entries [--jobs N]`` seeds N demo jobs into a temporary
embedded database and prints the table; ``bench.run`` prints the same table
for a sample of its seeded jobs.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from pymongo import MongoClient

from iprodash.repositories.indexes import all_index_specs

# The collections a booked job writes to (its client, its rollups).
COLLECTIONS = ("jobs", "clients", "rollups", "rollup_totals")
_COMPARE = {"$gt": lambda v, b: v > b, "$gte": lambda v, b: v >= b,
            "$lt": lambda v, b: v < b, "$lte": lambda v, b: v <= b,
            "$eq": lambda v, b: v == b, "$ne": lambda v, b: v != b}


def _value(doc: Mapping[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(doc, Mapping):
            return None
        doc = doc.get(part)
    return doc


def _matches(doc: Mapping[str, Any], expression: Mapping[str, Any]) -> bool:
    """The partial filters the repositories use: comparisons, ``$type: "date"``,
    ``$exists``, equality."""
    for path, condition in expression.items():
        value = _value(doc, path)
        if not isinstance(condition, Mapping):
            if value != condition:
                return False
            continue
        for op, bound in condition.items():
            if op == "$type":
                if bound == "date" and not isinstance(value, datetime):
                    return False
            elif op == "$exists":
                if (value is not None) != bool(bound):
                    return False
            elif op in _COMPARE:
                try:
                    if value is None or not _COMPARE[op](_aware(value), _aware(bound)):
                        return False
                except TypeError:
                    return False
    return True


def _aware(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def entries_for(doc: Mapping[str, Any], index: Mapping[str, Any]) -> int:
    """Entries ``doc`` has in ``index`` (an ``IndexModel.document``)."""
    partial = index.get("partialFilterExpression")
    if partial and not _matches(doc, partial):
        return 0
    fields = list(index["key"])
    values = [_value(doc, field) for field in fields]
    if index.get("sparse") and all(value is None for value in values):
        return 0
    count = 1
    for value in values:
        if isinstance(value, list):
            count *= max(len(set(map(repr, value))), 1)
    return count


def count_entries(docs: Iterable[Mapping[str, Any]], indexes: list) -> dict[str, int]:
    """Entries per index name (``_id`` included) over ``docs``."""
    totals = {"_id_": 0, **{model.document["name"]: 0 for model in indexes}}
    for doc in docs:
        totals["_id_"] += 1
        for model in indexes:
            totals[model.document["name"]] += entries_for(doc, model.document)
    return totals


def index_table(db, company_id, *, sample: int = 2_000) -> list[str]:
    """Lines of the table for up to ``sample`` of the company's jobs (and their clients
    and the company's rollups, scaled to the sample)."""
    specs = all_index_specs()
    jobs = list(db["jobs"].find({"company_id": company_id}).limit(sample))
    if not jobs:
        return ["index entries: no jobs"]
    all_jobs = db["jobs"].count_documents({"company_id": company_id})
    share = len(jobs) / all_jobs
    client_ids = list({job.get("client_id") for job in jobs} - {None})
    clients = list(db["clients"].find({"_id": {"$in": client_ids}}))
    # A job brings a new client only sometimes: the company's clients per job.
    clients_per_job = db["clients"].count_documents({"company_id": company_id}) / all_jobs
    lines = [f"index entries, from the documents and the declared indexes "
             f"({len(jobs):,} of {all_jobs:,} jobs, {len(clients):,} of their clients; "
             f"{clients_per_job:.2f} clients per job):"]
    per_job_total = 0.0
    for collection in COLLECTIONS:
        if collection == "jobs":
            docs, per, unit = jobs, len(jobs), "job"
        elif collection == "clients":
            docs, per, unit = clients, len(clients), "client"
        else:  # the company's rollups (a sample, scaled), their share for this many jobs
            docs, per, unit = list(db[collection].find({"company_id": company_id})
                                   .limit(sample)), None, ""
        totals = count_entries(docs, specs.get(collection, []))
        entries = sum(totals.values())
        if per is None and docs:
            entries *= db[collection].count_documents({"company_id": company_id}) / len(docs)
        if collection in ("jobs", "clients"):
            for name, count in totals.items():
                lines.append(f"  {collection + '.' + name:<61} "
                             f"{count / max(per, 1):6.1f} per {unit}")
            lines.append(f"  {collection + ' (all indexes)':<61} "
                         f"{entries / max(per, 1):6.1f} per {unit}")
            per_job_total += entries / max(per, 1) * (1 if unit == "job" else clients_per_job)
        else:
            per_job_total += entries * share / len(jobs)
            lines.append(f"  {collection + ' (all indexes)':<61} "
                         f"{entries * share / len(jobs):6.1f} per job")
    lines.append(f"  {'all a booked job writes (job, its share of clients, rollups)':<61} "
                 f"{per_job_total:6.1f} per job")
    return lines


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str] | None = None, say: Callable[[str], None] = print) -> int:
    from bench.seeding import new_company
    from iprodash.db import embedded_uri, start_embedded_server
    from iprodash.repositories.indexes import ensure_indexes
    from iprodash.services.demo_jobs import seed_jobs

    parser = argparse.ArgumentParser(prog="python -m bench.index_entries")
    parser.add_argument("--jobs", type=int, default=2_000, help="demo jobs to seed and count")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="iprodash-index-entries-"))
    proc = start_embedded_server(base / "db", _free_port(), log_file=base / "server.log")
    port = int(proc.args[proc.args.index("--port") + 1])
    client = MongoClient(embedded_uri(port), tz_aware=True)
    try:
        db = client["bench"]
        ensure_indexes(db)
        company_id = new_company(db, "Index Entries Locksmith")
        seed_jobs(db, company_id=company_id, count=args.jobs, technicians=50, sources=20,
                  now=datetime.now(timezone.utc))
        for line in index_table(db, company_id, sample=args.jobs):
            say(line)
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark of the PDF reports: ``python -m bench.reports_bench``.

Measures, on the embedded database (or ``MONGODB_URI``):

* a technician settlement statement of 1,000 closed jobs: seconds and peak
  memory (targets: <= 10 s, <= 300 MB);
* the same with 3,000 jobs (target: < 1 GB);
* how much a concurrent user's event round trip (p95) rises while one
  statement renders in a worker thread, as the reports page does it
  (target: <= 20 ms).

Each measurement runs in a fresh child process, so its peak memory is the
report's, not the benchmark's: the peak resident size of that process (the
app's side: query, store) plus that of the renderer process it starts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from bson import ObjectId

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1000, 3000)
PERIOD = (date(2026, 10, 1), date(2026, 10, 31))
TARGETS = {1000: (10.0, 300), 3000: (None, 1024)}
P95_TARGET_MS = 20.0


def _seed(db, jobs: int) -> tuple[ObjectId, ObjectId]:
    """A company, a technician and ``jobs`` closed jobs shaped as DATA_MODEL.md says."""
    from iprodash.domain.finance import Part, Payment, Rates, compute_job_finance
    from iprodash.repositories.indexes import ensure_indexes

    ensure_indexes(db)
    company_id = db["companies"].insert_one({
        "name": "Bench Locks", "code": f"B{ObjectId()}", "phone": "+12125550100",
        "admin_email": "owner@bench.test", "timezone": "America/New_York",
        "card_fee_bp": 300, "status": "active"}).inserted_id
    tech = db["technicians"].insert_one({"company_id": company_id, "name": "Tom Tech",
                                         "commission_bp": 4000, "job_fee_cents": 0,
                                         "active": True}).inserted_id
    rates = Rates(card_fee_bp=300, tech_commission_bp=4000, source_kind="percent",
                  source_rate_bp=1000)
    start = datetime(2026, 10, 1, 13, tzinfo=timezone.utc)
    docs = []
    for n in range(jobs):
        closed_at = start + timedelta(minutes=n * (30 * 24 * 60 // jobs))
        payments = [Payment("card" if n % 3 else "cash", 20000 + n % 50 * 100,
                            "company" if n % 3 else "technician")]
        parts = [Part("Lock cylinder", 2500, "technician")] if n % 4 == 0 else []
        finance = compute_job_finance(payments=payments, parts=parts, rates=rates)
        docs.append({
            "company_id": company_id, "number": 1000 + n,
            "client": {"name": f"Client {n}", "phone": "+12125550100", "email": ""},
            "address": {"line": f"{n} Main St", "city": ["Springfield", "Albany", "Troy"][n % 3],
                        "state": "NY", "zip": "10001"},
            "job_type": "Lockout", "description": "", "status": "closed",
            "technician_id": tech, "lead_source_id": None, "created_at": closed_at,
            "payments": [p.as_dict() for p in payments], "parts": [p.as_dict() for p in parts],
            "closing_price_cents": finance.gross, "closed_at": closed_at,
            "closed_day": closed_at.date().isoformat(), "rates": rates.as_dict(),
            "finance": finance.as_dict(), "settlement_id": None})
    for first in range(0, len(docs), 2000):
        db["jobs"].insert_many(docs[first:first + 2000])
    return company_id, tech


def _statement(db, company_id: ObjectId, tech: ObjectId) -> dict:
    from iprodash.services.report_builders import SETTLEMENT, ReportRequest
    from iprodash.services.report_data import Period
    from iprodash.services.reports import render_and_store

    request = ReportRequest(kind=SETTLEMENT, period=Period(*PERIOD), technician_id=tech)
    return render_and_store(db, company_id=company_id, request=request, made_by_id=None,
                            made_by_name="Benchmark")


def _peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest child (the renderer)."""
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def _one_event(db, company_id: ObjectId) -> None:
    """What a light page event does: a session lookup and a short indexed page."""
    from iprodash.repositories.reports import ReportFiles

    db["companies"].find_one({"_id": company_id})
    rows = ReportFiles(db, company_id).page(kinds=None, before_id=None, limit=21)
    json.dumps([{key: str(value) for key, value in doc.items()} for doc in rows])


async def _round_trips(db, company_id: ObjectId, count: int, gap_s: float) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        _one_event(db, company_id)  # a Reflex handler runs on the event loop's thread
        await asyncio.sleep(0)
        times.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(gap_s)
    return times


async def _latency(db, company_id: ObjectId, tech: ObjectId) -> dict:
    idle = await _round_trips(db, company_id, 60, 0.05)
    render = asyncio.ensure_future(asyncio.to_thread(_statement, db, company_id, tech))
    busy = []
    while not render.done():
        busy += await _round_trips(db, company_id, 5, 0.05)
    await render

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]

    return {"p95_idle_ms": p95(idle), "p95_busy_ms": p95(busy), "samples": len(busy)}


def child(uri: str, db_name: str, mode: str) -> None:
    """One measurement in this (fresh) process; prints a JSON line."""
    from pymongo import MongoClient

    db = MongoClient(uri, tz_aware=True)[db_name]
    company = db["companies"].find_one({"name": "Bench Locks"})
    tech = db["technicians"].find_one({"company_id": company["_id"]})["_id"]
    if mode == "latency":
        result = asyncio.run(_latency(db, company["_id"], tech))
    else:
        started = time.perf_counter()
        doc = _statement(db, company["_id"], tech)
        result = {"seconds": time.perf_counter() - started, "pages": doc["metadata"]["pages"],
                  "kb": doc["length"] / 1024}
    result["app_mb"], result["renderer_mb"] = _peak_mb()
    result["peak_mb"] = result["app_mb"] + result["renderer_mb"]
    print(json.dumps(result))


def _run_child(uri: str, db_name: str, mode: str) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "bench.reports_bench", "--child", mode, "--uri", uri,
         "--db", db_name], cwd=ROOT, capture_output=True, text=True, check=True, timeout=900)
    return json.loads(output.stdout.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _verdict(ok: bool) -> str:
    return "ok" if ok else "OVER TARGET"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=["render", "latency"])
    parser.add_argument("--uri", default="")
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    if args.child:
        child(args.uri, args.db, args.child)
        return 0
    sys.path.insert(0, str(ROOT))
    from pymongo import MongoClient

    from iprodash.db import embedded_uri, start_embedded_server

    with tempfile.TemporaryDirectory(prefix="reports-bench-") as tmp:
        uri = os.environ.get("MONGODB_URI", "")
        server = None
        if not uri:
            port = _free_port()
            server = start_embedded_server(Path(tmp) / "db", port, log_file=Path(tmp) / "db.log")
            uri = embedded_uri(port)
        client = MongoClient(uri, tz_aware=True)
        failures = 0
        try:
            print("PDF reports benchmark (technician settlement statement)")
            for size in SIZES:
                name = f"bench_reports_{size}_{os.getpid()}"
                _seed(client[name], size)
                result = _run_child(uri, name, "render")
                max_s, max_mb = TARGETS[size]
                ok = (max_s is None or result["seconds"] <= max_s) and result["peak_mb"] < max_mb
                failures += not ok
                time_target = f"target <= {max_s:.0f} s" if max_s else "no time target"
                print(f"  {size:>5} jobs: {result['seconds']:6.2f} s ({time_target}), "
                      f"peak {result['peak_mb']:5.0f} MB = app {result['app_mb']:.0f} + "
                      f"renderer {result['renderer_mb']:.0f} (target <= {max_mb} MB), "
                      f"{result['pages']} pages, {result['kb']:.0f} KB  [{_verdict(ok)}]")
                if size == SIZES[0]:
                    latency = _run_child(uri, name, "latency")
                client.drop_database(name)
            rise = latency["p95_busy_ms"] - latency["p95_idle_ms"]
            failures += rise > P95_TARGET_MS
            print(f"  concurrent event round trip p95: {latency['p95_idle_ms']:.1f} ms idle, "
                  f"{latency['p95_busy_ms']:.1f} ms while a 1,000-job statement renders "
                  f"(+{rise:.1f} ms, target <= +{P95_TARGET_MS:.0f} ms, "
                  f"{latency['samples']} samples)  [{_verdict(rise <= P95_TARGET_MS)}]")
        finally:
            client.close()
            if server is not None:
                server.terminate()
                server.wait(timeout=20)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark of the whole-company export: ``python -m bench.export_bench``.

Issue 9: the export of a 100,000-job company finishes and its memory stays
under 500 MB (streamed). On a temporary embedded database (or
``MONGODB_URI``) this seeds a company with the demo seed (``--jobs``,
default 100,000; 50 technicians, 20 lead sources) in a database of its
own. The app's indexes are built after the seed rather than before: the
seed itself then runs at ~800 jobs/s here instead of ~100 (every insert
writes many multikey search entries), the index build is the long part
(~1,000 s at 100,000 jobs on this machine), and the export reads with the
same indexes either way. It then queues the company export and builds it
in a fresh child process, so the peak resident memory
measured is the export's alone: the child's ``VmHWM`` (its own high-water
mark, also polled from /proc while it runs; ``RUSAGE_CHILDREN`` is printed
as an upper bound, since ``ru_maxrss`` carries over the parent's size at
fork). It then prints:

* wall time of the build (claim, ZIP on disk, upload to GridFS);
* peak memory against the 500 MB target (and the child's memory before the
  build started, for scale);
* where the high-water mark rose, and the longest stretch without a
  progress update (a build silent past its 120 s lease looks dead to the
  scheduler, which would start a second one);
* the ZIP's size;
* per collection, the records in ``NAME.json``, the rows in ``NAME.csv``
  and the manifest's count, each checked against the database's count.

The figures are merged into ``bench/results.json`` under ``"export"``. The
exit status is 0 either way; the last line says whether targets were met.
Options: ``--jobs``, ``--keep`` (leave the temporary directory).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
TARGET_MB = 500
LEASE_SECONDS = 120  # ExportQueue.claim/progress: a builder silent this long looks dead
DB_NAME = f"bench_export_{os.getpid()}"  # its own database, dropped at the end
_COPY_CHUNK = 1024 * 1024


def _status_kb(pid: int | str, field: str) -> int:
    """A ``kB`` field of /proc/<pid>/status (0 where /proc is missing)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# --- the child: builds the export, nothing else ------------------------------

def child(uri: str, db_name: str, export_id: str) -> None:
    """Build one export in this fresh process; print a JSON line of figures."""
    from pymongo import MongoClient

    from iprodash.services import privacy_export

    db = MongoClient(uri, tz_aware=True)[db_name]
    db.command("ping")
    before_kb = _status_kb("self", "VmRSS")
    started = time.perf_counter()
    built = privacy_export.build_export(db, export_id=export_id)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "built": built, "seconds": seconds, "rss_before_mb": before_kb / 1024,
        "vmhwm_mb": _status_kb("self", "VmHWM") / 1024,
        "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


# --- the parent --------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seed(db, jobs: int, now: datetime):
    """A bench company with an admin account and ``jobs`` demo jobs; the admin's Actor."""
    from bson import ObjectId

    from bench.seeding import new_company
    from iprodash.repositories.indexes import ensure_indexes
    from iprodash.services.actor import COMPANY_ADMIN, Actor
    from iprodash.services.demo_jobs import seed_jobs

    company_id = new_company(db, "Bench Locksmith")
    user_id = db["users"].insert_one({
        "company_id": company_id, "email": "owner@bench.test", "name": "Bench Owner",
        "role": COMPANY_ADMIN, "password_hash": "not-exported", "active": True,
        "created_at": now}).inserted_id
    started = time.perf_counter()
    seeded = seed_jobs(db, company_id=company_id, count=jobs, technicians=50, sources=20,
                       now=now)
    seconds = time.perf_counter() - started
    print(f"  seeded in {seconds:.0f} s ({jobs / seconds:.0f} jobs/s, {seeded.clients:,} "
          "clients); building the app's indexes...")
    started = time.perf_counter()
    ensure_indexes(db)
    index_seconds = time.perf_counter() - started
    print(f"  indexes built in {index_seconds:.0f} s")
    actor = Actor(user_id=ObjectId(user_id), role=COMPANY_ADMIN, name="Bench Owner",
                  email="owner@bench.test", company_id=company_id, view_financials=True)
    return actor, seeded, seconds, index_seconds


def _run_child(uri: str, export_id: str, db) -> dict:
    """Build in a child process, printing its progress every 15 s while it runs."""
    from bson import ObjectId

    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.export_bench", "--child", "--uri", uri, "--db", db.name,
         "--export-id", export_id], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    lease = {"seen": None, "at": started, "longest": 0.0, "stage": ""}

    def stage() -> str:
        doc = db["exports"].find_one({"_id": ObjectId(export_id)},
                                     {"progress": 1, "claimed_until": 1}) or {}
        text = (doc.get("progress") or {}).get("stage", "") or "starting"
        if doc.get("claimed_until") != lease["seen"]:  # the builder renewed its lease
            lease.update(seen=doc.get("claimed_until"), at=time.perf_counter())
        elif time.perf_counter() - lease["at"] > lease["longest"]:
            lease.update(longest=time.perf_counter() - lease["at"], stage=text)
        return text

    polled_kb, last_print, rises, polls = 0, started, [], 0
    while proc.poll() is None:
        time.sleep(0.5)
        polls += 1
        if polls % 4 == 0:
            stage()
        now_kb = _status_kb(proc.pid, "VmHWM")
        if now_kb > polled_kb + 4096:  # where the high-water mark rose (by 4 MB or more)
            rises.append((round(now_kb / 1024), stage()))
        polled_kb = max(polled_kb, now_kb)
        if time.perf_counter() - last_print >= 15:
            last_print = time.perf_counter()
            print(f"  {last_print - started:6.0f} s  {stage()}  "
                  f"(child resident high-water {polled_kb / 1024:.0f} MB)")
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"The export child failed ({proc.returncode}):\n{err[-4000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - started
    result["high_water_rises"] = rises[-8:]
    result["longest_without_lease_renewal_s"] = round(lease["longest"], 1)
    result["longest_without_lease_renewal_stage"] = lease["stage"]
    result["children_maxrss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    # VmHWM is the child's own high-water mark. ru_maxrss (the child's, and so
    # RUSAGE_CHILDREN) also counts this parent's size when it forked the
    # child, so it is printed as an upper bound only.
    result["peak_mb"] = max(result["vmhwm_mb"], polled_kb / 1024)
    return result


def _json_records(member) -> int:
    """Records of an export ``NAME.json`` member, each parsed (one per line)."""
    count = 0
    for line in io.TextIOWrapper(member, encoding="utf-8"):
        line = line.rstrip("\n").rstrip(",")
        if line in ("[", "]", ""):
            continue
        json.loads(line)
        count += 1
    return count


def _csv_rows(member) -> int:
    reader = csv.reader(io.TextIOWrapper(member, encoding="utf-8", newline=""))
    return max(sum(1 for _ in reader) - 1, 0)  # less the header


def _check_zip(db, company_id, export: dict, workdir: Path) -> dict:
    """Download the ZIP (streamed) and count each collection three ways."""
    from iprodash.repositories.company_data import CompanyData
    from iprodash.repositories.exports import ExportFiles

    path = workdir / "export.zip"
    source = ExportFiles(db).open(export["file_id"])
    with path.open("wb") as out:
        while chunk := source.read(_COPY_CHUNK):
            out.write(chunk)
    expected = {name: db[name].count_documents({"company_id": company_id})
                for name in CompanyData(db, company_id).collections()}
    expected["company"] = 1
    rows = []
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))["records"]
        names = set(archive.namelist())
        secrets_found = any(b"not-exported" in line for line in archive.open("users.json"))
        for name in sorted(set(expected) | (set(manifest) - {"files"})):
            in_json = (_json_records(archive.open(f"{name}.json"))
                       if f"{name}.json" in names else None)
            in_csv = _csv_rows(archive.open(f"{name}.csv")) if f"{name}.csv" in names else None
            in_db = expected.get(name)
            rows.append({"collection": name, "db": in_db, "manifest": manifest.get(name),
                         "json": in_json, "csv": in_csv,
                         "ok": in_db is not None and in_db == manifest.get(name) == in_json
                         == in_csv})
    size = path.stat().st_size
    path.unlink()
    return {"zip_bytes": size, "stored_size": export.get("size"), "rows": rows,
            "password_hash_leaked": secrets_found}


def run(args: argparse.Namespace) -> dict:
    from bson import ObjectId
    from pymongo import MongoClient

    from iprodash.db import embedded_uri, start_embedded_server
    from iprodash.services import privacy_export

    base = Path(tempfile.mkdtemp(prefix="iprodash-export-bench-"))
    uri, server = os.environ.get("MONGODB_URI", ""), None
    if not uri:
        port = _free_port()
        server = start_embedded_server(base / "db", port, log_file=base / "server.log")
        uri = embedded_uri(port)
    client = MongoClient(uri, tz_aware=True)
    now = datetime.now(timezone.utc)
    try:
        db = client[DB_NAME]
        where = f"embedded database in {base}" if server else "MONGODB_URI"
        print(f"Company export benchmark ({where}); seeding {args.jobs:,} jobs "
              "(50 technicians, 20 lead sources)...")
        actor, seeded, seed_seconds, index_seconds = _seed(db, args.jobs, now)
        export_id = privacy_export.request_company_export(db, actor=actor)
        print("Building the export in a child process...")
        built = _run_child(uri, export_id, db)
        export = db["exports"].find_one({"_id": ObjectId(export_id)})
        if not built["built"] or export["status"] != "ready":
            raise RuntimeError(f"The export did not finish: {export.get('status')} "
                               f"{export.get('error')}")
        print("Checking the ZIP against the database...")
        check = _check_zip(db, actor.company_id, export, base)
        server_kb = _status_kb(server.pid, "VmHWM") if server else 0
    finally:
        if server is None and not args.keep:
            client.drop_database(DB_NAME)
        client.close()
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if args.keep:
            print(f"Kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    return {"when": now.isoformat(), "machine": platform.platform(), "jobs": args.jobs,
            "clients": seeded.clients, "seed_seconds": round(seed_seconds, 1),
            "index_seconds": round(index_seconds, 1),
            "build": built, "target_mb": TARGET_MB, "db_server_vmhwm_mb": server_kb / 1024,
            **check}


def report(results: dict) -> bool:
    """Print the figures; True when every target and check is met."""
    build = results["build"]
    memory_ok = build["peak_mb"] <= TARGET_MB
    counts_ok = all(row["ok"] for row in results["rows"]) and results["rows"]
    secrets_ok = not results["password_hash_leaked"]
    print(f"{'export wall time':<26} {build['wall_seconds']:8.1f} s  (build itself "
          f"{build['seconds']:.1f} s; {results['jobs']:,} jobs)")
    print(f"{'export peak memory':<26} {build['peak_mb']:8.0f} MB  (target <= {TARGET_MB} MB; "
          f"child's VmHWM; {build['rss_before_mb']:.0f} MB resident before the build)  "
          f"{'PASS' if memory_ok else 'FAIL'}")
    print(f"{'':<26} upper bound {max(build['ru_maxrss_mb'], build['children_maxrss_mb']):.0f} "
          "MB (ru_maxrss / RUSAGE_CHILDREN, which also count this parent's size at fork)")
    if build.get("high_water_rises"):
        where = ", ".join(f"{mb} MB at '{stage}'" for mb, stage in build["high_water_rises"][-4:])
        print(f"{'':<26} last rises of the high-water mark: {where}")
    gap = build.get("longest_without_lease_renewal_s", 0)
    print(f"{'export lease':<26} {gap:8.0f} s  longest stretch without a progress update "
          f"(the build's 120 s lease; at '{build.get('longest_without_lease_renewal_stage')}')"
          f"  {'ok' if gap < LEASE_SECONDS else 'OVER: another worker could take it over'}")
    print(f"{'ZIP size':<26} {results['zip_bytes'] / 1_048_576:8.1f} MB  "
          f"(recorded on the export: {results['stored_size'] / 1_048_576:.1f} MB)")
    print(f"  {'collection':<22} {'database':>9} {'manifest':>9} {'json':>9} {'csv':>9}")
    for row in results["rows"]:
        cells = " ".join(f"{row[k]:>9,}" if row[k] is not None else f"{'-':>9}"
                         for k in ("db", "manifest", "json", "csv"))
        print(f"  {row['collection']:<22} {cells}  {'ok' if row['ok'] else 'MISMATCH'}")
    print(f"{'row counts':<26} {'all match the database' if counts_ok else 'MISMATCH'}; "
          f"password hash {'LEAKED' if not secrets_ok else 'not exported'}")
    if results["db_server_vmhwm_mb"]:
        print(f"{'embedded server':<26} {results['db_server_vmhwm_mb']:8.0f} MB resident "
              "high-water over seed + export (its own process; not the export's memory)")
    return bool(memory_ok and counts_ok and secrets_ok)


def _merge_results(results: dict) -> None:
    merged = {}
    if RESULTS.exists():
        try:
            merged = json.loads(RESULTS.read_text())
        except ValueError:
            merged = {}
    merged["export"] = results
    RESULTS.write_text(json.dumps(merged, indent=2, default=str))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.export_bench",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--uri", default="", help=argparse.SUPPRESS)
    parser.add_argument("--db", default="", help=argparse.SUPPRESS)
    parser.add_argument("--export-id", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.uri, args.db, args.export_id)
        return 0
    sys.path.insert(0, str(ROOT))
    results = run(args)
    ok = report(results)
    results["passed"] = ok
    _merge_results(results)
    print(f"Written to {RESULTS} (\"export\"). "
          f"{'All export targets met.' if ok else 'Export targets NOT met.'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

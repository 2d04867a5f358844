"""The company export streams: its memory does not grow with the company."""

from __future__ import annotations

import tracemalloc

from iprodash.services import privacy_export
from tests.factories import actor_for, make_company, make_user


def _peak_export_bytes(db, jobs: int) -> int:
    company = make_company(db)
    admin = make_user(db, company=company, role="company_admin")
    filler = "x" * 3000  # ~3 KB of notes per job, like a busy shop's
    for start in range(0, jobs, 1000):
        db["jobs"].insert_many([{"company_id": company["_id"], "number": n, "notes": filler,
                                 "client": {"name": f"Client {n}", "phone": "+12125550111"},
                                 "finance": {"gross": n, "company_profit": n // 2}}
                                for n in range(start, min(start + 1000, jobs))])
    export_id = privacy_export.request_company_export(db, actor=actor_for(admin))
    tracemalloc.start()
    try:
        assert privacy_export.build_export(db, export_id=export_id)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert db["exports"].find_one({"company_id": company["_id"]})["status"] == "ready"
    return peak


def test_export_memory_stays_flat_as_jobs_grow(db):
    small = _peak_export_bytes(db, 600)
    large = _peak_export_bytes(db, 6000)  # ten times the data: ~18 MB of notes
    assert large < small * 1.5 + 1_000_000, (small, large)
    assert large < 12_000_000, large

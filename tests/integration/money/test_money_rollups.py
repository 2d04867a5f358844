"""Rollups kept by the record_* functions on the real embedded database."""

from __future__ import annotations

from conftest import EXAMPLE_1, EXAMPLE_2, utc

from iprodash.repositories.rollups import ALL_FIELDS, MONEY_FIELDS
from iprodash.services import rollups


def _state(db, company_id) -> tuple[dict, dict]:
    """Every rollup document's counters, keyed by its identity."""
    def keyed(collection, key_fields):
        return {tuple(str(doc.get(k)) for k in key_fields): {f: doc[f] for f in ALL_FIELDS}
                for doc in db[collection].find({"company_id": company_id})}
    return (keyed("rollups", ("day", "technician_id", "lead_source_id")),
            keyed("rollup_totals", ("grain", "key", "technician_id", "lead_source_id")))


def test_close_adds_the_snapshot_on_the_company_day(money):
    tech, source = money.technician(), money.source()
    # 02:00 UTC on March 2 is still March 1 in New York.
    job = money.closed_job(closed_at=utc(2025, 3, 2, 2), technician_id=tech,
                           lead_source_id=source, created_at=utc(2025, 2, 27, 15), **EXAMPLE_1)
    doc = money.db["rollups"].find_one({"company_id": money.company_id, "day": "2025-03-01"})
    assert doc["technician_id"] == tech and doc["lead_source_id"] == source
    assert doc["closed"] == 1 and doc["created"] == 0
    assert {f: doc[f] for f in MONEY_FIELDS} == {f: job["finance"][f] for f in MONEY_FIELDS}
    assert doc["company_profit"] == 16900
    created = money.db["rollups"].find_one({"company_id": money.company_id, "day": "2025-02-27"})
    assert created["created"] == 1 and created["created_closed"] == 1
    month = money.db["rollup_totals"].find_one({"company_id": money.company_id,
                                                "grain": "month_source", "key": "2025-03"})
    assert month["lead_source_id"] == source and month["source_commission"] == 3380


def test_reopen_is_the_exact_negation_of_close(money):
    tech, source = money.technician(), money.source()
    open_job = money.job(created_at=utc(2025, 5, 10, 14), technician_id=tech,
                         lead_source_id=source)
    before = _state(money.db, money.company_id)
    closed = money.close(open_job, closed_at=utc(2025, 5, 12, 18), **EXAMPLE_1)
    assert _state(money.db, money.company_id) != before
    rollups.record_reopened(money.db, job=closed)
    detail, totals = _state(money.db, money.company_id)
    before_detail, before_totals = before
    # Documents created by the close remain, with every counter back to zero.
    for state, earlier in ((detail, before_detail), (totals, before_totals)):
        for key, counters in state.items():
            assert counters == earlier.get(key, {f: 0 for f in ALL_FIELDS}), key


def test_close_reopen_close_counts_once_with_the_latest_figures(money):
    tech = money.technician()
    job = money.job(created_at=utc(2025, 6, 1, 14), technician_id=tech)
    first = money.close(job, closed_at=utc(2025, 6, 1, 18), **EXAMPLE_1)
    rollups.record_reopened(money.db, job=first)
    money.close(job, closed_at=utc(2025, 6, 3, 18), **EXAMPLE_2)
    day_rows = {doc["key"]: doc for doc in money.db["rollup_totals"].find(
        {"company_id": money.company_id, "grain": "day"})}
    assert day_rows["2025-06-01"]["closed"] == 0 and day_rows["2025-06-01"]["gross"] == 0
    assert day_rows["2025-06-03"]["closed"] == 1 and day_rows["2025-06-03"]["gross"] == 25000
    assert day_rows["2025-06-01"]["created"] == 1
    assert day_rows["2025-06-01"]["created_closed"] == 1


def test_cancel_and_restore_cancel_out(money):
    job = money.job(created_at=utc(2025, 7, 4, 15))
    rollups.record_canceled(money.db, job=job)
    row = money.db["rollup_totals"].find_one({"company_id": money.company_id, "grain": "day"})
    assert row["canceled"] == 1 and row["created"] == 1
    rollups.record_restored(money.db, job=job)
    row = money.db["rollup_totals"].find_one({"company_id": money.company_id, "grain": "day"})
    assert row["canceled"] == 0


def test_bulk_build_equals_recording_one_by_one(money):
    tech, source = money.technician(), money.source(kind="fixed", fixed_cents=2000)
    money.closed_job(closed_at=utc(2025, 1, 5, 18), technician_id=tech, **EXAMPLE_1)
    money.closed_job(closed_at=utc(2025, 1, 5, 20), technician_id=tech, lead_source_id=source,
                     **EXAMPLE_2)
    canceled = money.job(created_at=utc(2025, 1, 6, 12), technician_id=tech)
    rollups.record_canceled(money.db, job=canceled)
    money.db["jobs"].update_one({"_id": canceled["_id"]}, {"$set": {"status": "canceled"}})
    money.job(created_at=utc(2025, 1, 7, 12), lead_source_id=source)
    recorded = _state(money.db, money.company_id)
    rollups.rebuild_rollups(money.db, company_id=money.company_id)
    assert _state(money.db, money.company_id) == recorded


def test_rollups_stay_inside_their_company(money, other_money):
    money.closed_job(closed_at=utc(2025, 2, 1, 18), **EXAMPLE_1)
    assert money.db["rollups"].count_documents({"company_id": other_money.company_id}) == 0
    mine = _state(money.db, money.company_id)
    rollups.rebuild_rollups(money.db, company_id=other_money.company_id)
    assert _state(money.db, money.company_id) == mine
    assert _state(money.db, other_money.company_id) == ({}, {})


def test_a_day_total_is_found_by_its_key_and_keeps_its_week(money):
    """The upsert finds a day total by its unique key alone (an extra filter field made the
    embedded server scan the whole collection); ``week`` is written once, on insert."""
    tech = money.technician()
    for hour in (15, 16):
        money.closed_job(closed_at=utc(2025, 3, 5, hour), technician_id=tech,
                         created_at=utc(2025, 3, 5, 12), **EXAMPLE_1)
    days = list(money.db["rollup_totals"].find({"company_id": money.company_id, "grain": "day",
                                                "key": "2025-03-05"}))
    assert len(days) == 1
    assert days[0]["week"] == "2025-03-03" and days[0]["closed"] == 2 and days[0]["created"] == 2

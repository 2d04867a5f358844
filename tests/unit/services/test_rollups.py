"""Rollup increments: which day, which counters, and exact negation."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bson import ObjectId

from iprodash.domain.finance import Part, Payment, Rates, compute_job_finance
from iprodash.services.rollups import (RollupBatch, canceled_changes, closed_changes,
                                       created_changes, local_day, week_of)

NY = ZoneInfo("America/New_York")
TECH, SOURCE = ObjectId(), ObjectId()


def _job(**fields) -> dict:
    finance = compute_job_finance(payments=[Payment("card", 40000, "company")],
                                  parts=[Part("Deadbolt", 5000, "technician")],
                                  rates=Rates(card_fee_bp=300, tech_commission_bp=4000,
                                              source_kind="percent", source_rate_bp=1000))
    return {"created_at": datetime(2025, 3, 1, 3, tzinfo=timezone.utc),  # Feb 28 in NY
            "closed_at": datetime(2025, 3, 2, 18, tzinfo=timezone.utc), "closed_day": None,
            "status": "closed", "finance": finance.as_dict(), "technician_id": TECH,
            "lead_source_id": SOURCE, **fields}


def test_days_are_company_local():
    assert local_day(datetime(2025, 3, 1, 3, tzinfo=timezone.utc), NY) == "2025-02-28"
    assert local_day(datetime(2025, 3, 1, 3), NY) == "2025-02-28"  # naive counts as UTC
    assert created_changes(_job(), NY) == [("2025-02-28", {"created": 1})]
    assert week_of("2025-03-02") == "2025-02-24" and week_of("2025-03-03") == "2025-03-03"


def test_close_counts_money_on_the_closed_day_and_the_cohort_on_the_created_day():
    changes = closed_changes(_job(closed_day="2025-03-02"), NY)
    (closed_day, money), (created_day, cohort) = changes
    assert closed_day == "2025-03-02" and money["closed"] == 1 and money["company_profit"] == 16900
    assert (created_day, cohort) == ("2025-02-28", {"created_closed": 1})


def test_reopen_and_restore_negate_exactly():
    job = _job()
    for forward, backward in ((closed_changes(job, NY), closed_changes(job, NY, sign=-1)),
                              (canceled_changes(job, NY), canceled_changes(job, NY, sign=-1))):
        for (day, inc), (day_back, inc_back) in zip(forward, backward):
            assert day == day_back and {k: -v for k, v in inc.items()} == inc_back


def test_a_batch_sums_per_document_and_has_every_grain():
    detail, totals = RollupBatch(NY).add([_job(), _job(status="canceled", finance=None)]) \
        .documents()
    grains = sorted({doc["grain"] for doc in totals})
    assert grains == ["day", "day_source", "day_tech", "month_source", "month_tech"]
    day = [d for d in totals if d["grain"] == "day" and d["key"] == "2025-02-28"][0]
    assert (day["created"], day["canceled"], day["created_closed"]) == (2, 1, 1)
    assert day["week"] == "2025-02-24"
    closed = [d for d in detail if d["day"] == "2025-03-02"][0]
    assert closed["technician_id"] == TECH and closed["gross"] == 40000

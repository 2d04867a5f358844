"""Technician settlements and payouts on the real embedded database."""

from __future__ import annotations

import pytest
from bson import ObjectId
from conftest import EXAMPLE_1, EXAMPLE_2, utc

from iprodash.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from iprodash.services import settlements

MARCH = dict(period="custom", start="2025-03-01", end="2025-03-31")


@pytest.fixture
def techs(money):
    """Tom (example 1 job) and Cass (example 2 job), both closed in March 2025."""
    tom = money.technician("Tom Tech", commission_bp=4000)
    cass = money.technician("Cass Cash", commission_bp=5000, job_fee_cents=500)
    source = money.source()
    money.closed_job(closed_at=utc(2025, 3, 10, 18), technician_id=tom, lead_source_id=source,
                     **EXAMPLE_1)
    money.closed_job(closed_at=utc(2025, 3, 11, 18), technician_id=cass, **EXAMPLE_2)
    return {"tom": str(tom), "cass": str(cass)}


def _summary_of(db, actor, tech_id, **period):
    rows = settlements.settlement_summaries(db=db, actor=actor, technician_id=tech_id,
                                            **(period or MARCH))
    return rows[0] if rows else None


def test_balances_match_the_worked_examples(money, techs):
    admin = money.actor()
    tom = _summary_of(money.db, admin, techs["tom"])
    assert tom.summary.balance == 18520 and tom.summary.owes == "Company owes technician"
    assert tom.summary.balance_text == "Company owes technician $185.20"
    cass = _summary_of(money.db, admin, techs["cass"])
    assert cass.summary.balance == -13000 and cass.summary.owes == "Technician owes company"
    everyone = settlements.settlement_summaries(db=money.db, actor=admin, **MARCH)
    assert [row.name for row in everyone] == ["Cass Cash", "Tom Tech"]


def test_jobs_count_by_close_day_in_the_company_time_zone(money, techs):
    # Tom's job closed 2025-03-10 18:00 UTC; a job closed 2025-04-01 03:00 UTC is March 31 in NY.
    money.closed_job(closed_at=utc(2025, 4, 1, 3), technician_id=ObjectId(techs["tom"]),
                     **EXAMPLE_1)
    tom = _summary_of(money.db, money.actor(), techs["tom"])
    assert tom.summary.jobs == 2
    april = _summary_of(money.db, money.actor(), techs["tom"], period="custom",
                        start="2025-04-01", end="2025-04-30")
    assert april is None


def test_payout_marks_jobs_and_locks_the_period_until_voided(money, techs):
    admin = money.actor()
    payout_id = settlements.record_payout(db=money.db, actor=admin, technician_id=techs["tom"],
                                          **MARCH)
    settled = list(money.db["jobs"].find({"company_id": money.company_id,
                                          "settlement_id": {"$ne": None}}))
    assert [str(job["technician_id"]) for job in settled] == [techs["tom"]]
    doc = money.db["settlements"].find_one({"company_id": money.company_id})
    assert doc["totals"]["balance"] == 18520 and doc["job_ids"] == [settled[0]["_id"]]
    tom = _summary_of(money.db, admin, techs["tom"])
    assert (tom.unsettled_jobs, tom.unsettled_balance, tom.summary.jobs) == (0, 0, 1)
    with pytest.raises(Conflict, match="overlaps a payout"):
        settlements.record_payout(db=money.db, actor=admin, technician_id=techs["tom"],
                                  period="custom", start="2025-03-15", end="2025-04-15")
    # Cass is not locked by Tom's payout.
    settlements.record_payout(db=money.db, actor=admin, technician_id=techs["cass"], **MARCH)

    with pytest.raises(ValidationError, match="reason"):
        settlements.void_payout(db=money.db, actor=admin, settlement_id=payout_id, reason=" ")
    settlements.void_payout(db=money.db, actor=admin, settlement_id=payout_id,
                            reason="Paid the wrong amount")
    assert money.db["jobs"].count_documents({"technician_id": settled[0]["technician_id"],
                                             "settlement_id": {"$ne": None}}) == 0
    with pytest.raises(Conflict, match="already voided"):
        settlements.void_payout(db=money.db, actor=admin, settlement_id=payout_id, reason="x")
    again = settlements.record_payout(db=money.db, actor=admin, technician_id=techs["tom"],
                                      **MARCH)
    assert again != payout_id
    actions = [e["action"] for e in money.db["audit_log"].find({"company_id": money.company_id})]
    assert actions.count("settlement.paid") == 3 and actions.count("settlement.voided") == 1


def test_a_settled_job_is_never_paid_twice(money, techs):
    admin = money.actor()
    settlements.record_payout(db=money.db, actor=admin, technician_id=techs["tom"],
                              period="custom", start="2025-03-01", end="2025-03-10")
    with pytest.raises(Conflict):
        settlements.record_payout(db=money.db, actor=admin, technician_id=techs["tom"], **MARCH)
    with pytest.raises(ValidationError, match="no unsettled closed jobs"):
        settlements.record_payout(db=money.db, actor=admin, technician_id=techs["tom"],
                                  period="custom", start="2025-03-11", end="2025-03-31")


def test_job_table_pages_with_a_keyset_cursor(money, techs, monkeypatch):
    monkeypatch.setattr(settlements, "PAGE_SIZE", 2)
    tom = ObjectId(techs["tom"])
    for day in (12, 13, 14):
        money.closed_job(closed_at=utc(2025, 3, day, 18), technician_id=tom, **EXAMPLE_1)
    admin = money.actor()
    seen, after = [], ""
    while True:
        page = settlements.settlement_jobs(db=money.db, actor=admin, after=after, **MARCH)
        if not page:
            break
        seen += page
        after = page[-1].cursor
    assert [row.closed_day for row in seen] == ["2025-03-10", "2025-03-11", "2025-03-12",
                                                "2025-03-13", "2025-03-14"]
    assert seen[0].balance == 18520 and seen[1].balance == -13000
    assert seen[1].technician == "Cass Cash"


def test_roles_and_other_companies(money, other_money, techs):
    office = money.actor(role="user")
    with pytest.raises(PermissionDenied):
        settlements.settlement_summaries(db=money.db, actor=office, **MARCH)
    trusted = money.actor(role="user", view_financials=True)
    assert settlements.settlement_summaries(db=money.db, actor=trusted, **MARCH)
    with pytest.raises(PermissionDenied):
        settlements.record_payout(db=money.db, actor=trusted, technician_id=techs["tom"],
                                  **MARCH)
    outsider = other_money.actor()
    with pytest.raises(NotFound):
        settlements.settlement_summaries(db=money.db, actor=outsider,
                                         technician_id=techs["tom"], **MARCH)
    with pytest.raises(NotFound):
        settlements.record_payout(db=money.db, actor=outsider, technician_id=techs["tom"],
                                  **MARCH)
    assert settlements.settlement_summaries(db=money.db, actor=outsider, **MARCH) == []
    payout_id = settlements.record_payout(db=money.db, actor=money.actor(),
                                          technician_id=techs["tom"], **MARCH)
    with pytest.raises(NotFound):
        settlements.void_payout(db=money.db, actor=outsider, settlement_id=payout_id,
                                reason="not mine")
    assert settlements.list_payouts(db=money.db, actor=outsider) == []
    assert [p.id for p in settlements.list_payouts(db=money.db, actor=trusted)] == [payout_id]

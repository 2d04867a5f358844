"""Technician settlements and payouts on the real embedded database."""

from __future__ import annotations

import pytest
from bson import ObjectId
from conftest import EXAMPLE_1, EXAMPLE_2, utc

from iprodash.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from iprodash.services import settlements

MARCH = dict(period="custom", start="2025-03-01", end="2025-03-31")
TOM_PAID = dict(amount="185.20", method="zelle")  # worked example 1: company owes $185.20
CASS_PAID = dict(amount="130.00", method="cash")  # worked example 2: technician owes $130.00


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
                                          **TOM_PAID, **MARCH)
    settled = list(money.db["jobs"].find({"company_id": money.company_id,
                                          "settlement_id": {"$ne": None}}))
    assert [str(job["technician_id"]) for job in settled] == [techs["tom"]]
    doc = money.db["settlements"].find_one({"company_id": money.company_id})
    assert doc["totals"]["balance"] == 18520 and doc["job_ids"] == [settled[0]["_id"]]
    tom = _summary_of(money.db, admin, techs["tom"])
    assert (tom.unsettled_jobs, tom.unsettled_balance, tom.summary.jobs) == (0, 0, 1)
    with pytest.raises(Conflict, match="overlaps a payout"):
        settlements.record_payout(db=money.db, actor=admin, technician_id=techs["tom"],
                                  **TOM_PAID, period="custom", start="2025-03-15",
                                  end="2025-04-15")
    # Cass is not locked by Tom's payout.
    settlements.record_payout(db=money.db, actor=admin, technician_id=techs["cass"],
                              **CASS_PAID, **MARCH)

    with pytest.raises(ValidationError, match="reason"):
        settlements.void_payout(db=money.db, actor=admin, settlement_id=payout_id, reason=" ")
    settlements.void_payout(db=money.db, actor=admin, settlement_id=payout_id,
                            reason="Paid the wrong amount")
    assert money.db["jobs"].count_documents({"technician_id": settled[0]["technician_id"],
                                             "settlement_id": {"$ne": None}}) == 0
    with pytest.raises(Conflict, match="already voided"):
        settlements.void_payout(db=money.db, actor=admin, settlement_id=payout_id, reason="x")
    again = settlements.record_payout(db=money.db, actor=admin, technician_id=techs["tom"],
                                      **TOM_PAID, **MARCH)
    assert again != payout_id
    actions = [e["action"] for e in money.db["audit_log"].find({"company_id": money.company_id})]
    assert actions.count("settlement.paid") == 3 and actions.count("settlement.voided") == 1


def test_a_settled_job_is_never_paid_twice(money, techs):
    admin = money.actor()
    settlements.record_payout(db=money.db, actor=admin, technician_id=techs["tom"],
                              **TOM_PAID, period="custom", start="2025-03-01", end="2025-03-10")
    with pytest.raises(Conflict):
        settlements.record_payout(db=money.db, actor=admin, technician_id=techs["tom"],
                                  **TOM_PAID, **MARCH)
    with pytest.raises(ValidationError, match="no unsettled closed jobs"):
        settlements.record_payout(db=money.db, actor=admin, technician_id=techs["tom"],
                                  **TOM_PAID, period="custom", start="2025-03-11",
                                  end="2025-03-31")


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
                                  **TOM_PAID, **MARCH)
    outsider = other_money.actor()
    with pytest.raises(NotFound):
        settlements.settlement_summaries(db=money.db, actor=outsider,
                                         technician_id=techs["tom"], **MARCH)
    with pytest.raises(NotFound):
        settlements.record_payout(db=money.db, actor=outsider, technician_id=techs["tom"],
                                  **TOM_PAID, **MARCH)
    assert settlements.settlement_summaries(db=money.db, actor=outsider, **MARCH) == []
    payout_id = settlements.record_payout(db=money.db, actor=money.actor(),
                                          technician_id=techs["tom"],
                                          **TOM_PAID, **MARCH)
    with pytest.raises(NotFound):
        settlements.void_payout(db=money.db, actor=outsider, settlement_id=payout_id,
                                reason="not mine")
    assert settlements.list_payouts(db=money.db, actor=outsider) == []
    assert [p.id for p in settlements.list_payouts(db=money.db, actor=trusted)] == [payout_id]


def test_after_a_payout_the_page_says_what_is_still_open_now(money, techs):
    admin = money.actor()
    cass = _summary_of(money.db, admin, techs["cass"])
    assert cass.open_text == "Technician owes company $130.00"
    settlements.record_payout(db=money.db, actor=admin, technician_id=techs["cass"],
                              **CASS_PAID, **MARCH)
    cass = _summary_of(money.db, admin, techs["cass"])
    assert cass.summary.balance_text == "Technician owes company $130.00"  # the period's total
    assert cass.unsettled_jobs == 0 and cass.open_text == settlements.NOTHING_OPEN
    money.closed_job(closed_at=utc(2025, 3, 20, 18), technician_id=ObjectId(techs["cass"]),
                     **EXAMPLE_1)
    cass = _summary_of(money.db, admin, techs["cass"])
    assert cass.unsettled_jobs == 1 and cass.open_text.startswith("Company owes technician $")


def test_a_payout_records_amount_method_and_note(money, techs):
    admin = money.actor()
    payout_id = settlements.record_payout(db=money.db, actor=admin, technician_id=techs["tom"],
                                          amount="$185.20", method="zelle",
                                          note="  Zelle   ref 88123 ", **MARCH)
    [row] = settlements.list_payouts(db=money.db, actor=admin)
    assert row.id == payout_id
    assert (row.amount, row.method, row.note) == (18520, "Zelle", "Zelle ref 88123")
    entry = money.db["audit_log"].find_one({"action": "settlement.paid"})
    assert entry["after"]["amount"] == "$185.20" and entry["after"]["method"] == "zelle"


@pytest.mark.parametrize("terms, field, message", [
    (dict(amount="185.20", method="paypal"), "method", "Choose how the money was paid"),
    (dict(amount=" ", method="cash"), "amount", "Enter the amount that was paid"),
    (dict(amount="-5", method="cash"), "amount", "cannot be negative"),
    (dict(amount="150", method="cash"), "note", "The balance is $185.20; the amount paid is "
                                                "$150.00. Say why in the note."),
    (dict(amount="185.20", method="cash", note="x" * 501), "note", "under 500 characters"),
])
def test_bad_payout_terms_are_refused_with_a_sentence(money, techs, terms, field, message):
    with pytest.raises(ValidationError, match=message.replace("$", r"\$").replace(".", r"\.")) \
            as info:
        settlements.record_payout(db=money.db, actor=money.actor(), technician_id=techs["tom"],
                                  **terms, **MARCH)
    assert info.value.field == field
    assert money.db["settlements"].count_documents({}) == 0


def test_a_different_amount_is_kept_with_its_note(money, techs):
    admin = money.actor()
    settlements.record_payout(db=money.db, actor=admin, technician_id=techs["tom"],
                              amount="150", method="cash", note="$35.20 kept against a tool loan",
                              **MARCH)
    [row] = settlements.list_payouts(db=money.db, actor=admin)
    assert row.amount == 15000 and row.balance == 18520
    assert row.note == "$35.20 kept against a tool loan"

"""My earnings on the technician's phone: only my own closed jobs, the figures
of DOMAIN.md's worked examples and of the settlement service, and only when
the company shows technicians their commission."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bson import ObjectId

from iprodash.domain.errors import PermissionDenied, ValidationError
from iprodash.domain.finance import Part, Payment
from iprodash.repositories.base import utcnow
from iprodash.services import job_lifecycle, jobs, settlements
from iprodash.services import technician_earnings as earnings
from iprodash.services.actor import TECHNICIAN, Actor
from state.technician_earnings import TechEarningsState
from tests.integration.jobs.conftest import Shop, other_shop, shop  # noqa: F401 - fixtures
from tests.integration.tabs import Tab, call

# DOMAIN.md worked example 1: $400 card (company), $50 part paid by the technician,
# card fee 3%, technician 40%, source 10%: commission 135.20, balance +185.20.
EXAMPLE_1 = dict(payments=[Payment("card", 40000, "company")],
                 parts=[Part("Deadbolt", 5000, "technician")])
# Worked example 2: $250 cash (technician), technician 50% with a $5 fee, source
# fixed $20: commission 120.00, balance -130.00.
EXAMPLE_2 = dict(payments=[Payment("cash", 25000, "technician")], parts=[])
# Split job: $300 cash (technician) + $100 card (company), $50 part by the technician,
# 40%: cc_fee 3.00, net 347.00, commission 138.80, balance 138.80 + 50 - 300 = -111.20.
SPLIT = dict(payments=[Payment("cash", 30000, "technician"), Payment("card", 10000, "company")],
             parts=[Part("Cylinder", 5000, "technician")])


def _as_tech(shop: Shop, technician) -> Actor:
    tech_id = ObjectId(technician.id)
    return Actor(user_id=tech_id, role=TECHNICIAN, name=technician.name, email="",
                 company_id=shop.company["_id"], technician_id=tech_id)


def _show_commission(shop: Shop, on: bool = True) -> None:
    shop.db["companies"].update_one({"_id": shop.company["_id"]},
                                    {"$set": {"show_tech_commission": on}})


def _closed(shop: Shop, technician, source=None, **money) -> dict:
    """A job of ``technician`` closed by the office through the real services."""
    job = shop.job(lead_source_id=source.id if source else "")
    jobs.assign_technician(shop.db, actor=shop.user, job_id=str(job["_id"]),
                           technician_id=technician.id)
    job = shop.walk_to(job, "pending_approval")
    price = sum(p.amount_cents for p in money["payments"])
    return job_lifecycle.close_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                   closing_price_cents=price, payments=money["payments"],
                                   parts=money["parts"]).job


@pytest.fixture
def crew(shop):
    """Tom (40%) with example 1 and the split job; Cass (50%, $5 fee) with example 2."""
    _show_commission(shop)
    tom = shop.technician("Tom Tech", percent="40")
    cass = shop.technician("Cass Cash", percent="50", fee="5", phone="(212) 555-0122")
    percent = shop.source("Google Ads", percent="10")
    fixed = shop.source("Flyers", kind="fixed", fixed="20")
    tom_jobs = [_closed(shop, tom, percent, **EXAMPLE_1), _closed(shop, tom, percent, **SPLIT)]
    cass_job = _closed(shop, cass, fixed, **EXAMPLE_2)
    return {"tom": tom, "cass": cass, "tom_jobs": tom_jobs, "cass_job": cass_job}


def test_figures_are_the_worked_examples_and_the_settlement_services(shop, crew):
    cass = earnings.my_earnings(shop.db, actor=_as_tech(shop, crew["cass"]), period="this_week")
    assert (cass.summary.commission, cass.summary.collected_by_technician,
            cass.summary.balance) == (12000, 25000, -13000)
    assert earnings.balance_sentence(cass.summary.balance) == "You owe the company $130.00."

    tom = earnings.my_earnings(shop.db, actor=_as_tech(shop, crew["tom"]), period="this_week")
    assert [(r.gross, r.commission, r.city) for r in tom.rows] == [
        (40000, 13520, "Springfield"), (40000, 13880, "Springfield")]
    assert tom.summary.commission == 13520 + 13880
    assert tom.summary.parts_by_technician == 10000
    assert tom.summary.collected_by_technician == 30000
    assert tom.summary.balance == 18520 - 11120 == 7400
    assert earnings.balance_sentence(tom.summary.balance) == "The company owes you $74.00."
    assert earnings.balance_sentence(-11120) == "You owe the company $111.20."

    office = settlements.settlement_summaries(db=shop.db, actor=shop.admin, period="this_week",
                                              technician_id=crew["tom"].id)
    assert tom.summary == office[0].summary


def test_another_technicians_jobs_are_never_included(shop, crew, other_shop):
    _show_commission(other_shop)
    stranger = other_shop.technician("Tom Tech")
    _closed(other_shop, stranger, **EXAMPLE_1)
    open_job = shop.job()
    jobs.assign_technician(shop.db, actor=shop.user, job_id=str(open_job["_id"]),
                           technician_id=crew["tom"].id)
    shop.walk_to(open_job, "pending_approval")  # not closed: not earned yet

    tom = earnings.my_earnings(shop.db, actor=_as_tech(shop, crew["tom"]), period="this_month")
    assert {r.id for r in tom.rows} == {str(j["_id"]) for j in crew["tom_jobs"]}
    assert tom.summary.jobs == 2
    assert str(crew["cass_job"]["_id"]) not in {r.id for r in tom.rows}
    theirs = earnings.my_earnings(other_shop.db, actor=_as_tech(other_shop, stranger),
                                  period="this_month")
    assert [r.commission for r in theirs.rows] == [13520] and theirs.summary.jobs == 1


def test_a_company_that_hides_commissions_refuses(shop, crew):
    _show_commission(shop, on=False)
    tom = _as_tech(shop, crew["tom"])
    assert earnings.earnings_allowed(shop.db, actor=tom) is False
    with pytest.raises(PermissionDenied, match="does not show technicians their earnings"):
        earnings.my_earnings(shop.db, actor=tom, period="this_week")


def test_office_roles_cannot_use_it_as_a_technician(shop, crew):
    for actor in (shop.admin, shop.user):
        with pytest.raises(PermissionDenied):
            earnings.my_earnings(shop.db, actor=actor, period="this_week")
        with pytest.raises(PermissionDenied):
            earnings.earnings_allowed(shop.db, actor=actor)
    no_technician = Actor(user_id=shop.admin.user_id, role=TECHNICIAN, name="x", email="",
                          company_id=shop.company["_id"], technician_id=None)
    with pytest.raises(PermissionDenied):
        earnings.my_earnings(shop.db, actor=no_technician, period="this_week")


def test_periods_paging_and_payouts(shop, crew, monkeypatch):
    tom = _as_tech(shop, crew["tom"])
    next_week = utcnow() + timedelta(days=7)
    last_week = earnings.my_earnings(shop.db, actor=tom, period="last_week", now=next_week)
    assert last_week.summary.balance == 7400
    assert earnings.my_earnings(shop.db, actor=tom, period="this_week",
                                now=next_week).summary.jobs == 0
    with pytest.raises(ValidationError):
        earnings.my_earnings(shop.db, actor=tom, period="last_12_months")
    with pytest.raises(ValidationError):
        earnings.my_earnings(shop.db, actor=tom, period="this_week", after="not-a-cursor")

    monkeypatch.setattr(earnings, "PAGE_SIZE", 1)
    first = earnings.my_earnings(shop.db, actor=tom, period="this_week")
    second = earnings.my_earnings(shop.db, actor=tom, period="this_week",
                                  after=first.rows[-1].cursor)
    assert first.has_next and not second.has_next
    assert [r.commission for r in first.rows + second.rows] == [13520, 13880]
    assert first.summary.balance == 7400  # totals cover the whole period, not the page

    settlements.record_payout(db=shop.db, actor=shop.admin, technician_id=crew["tom"].id,
                              period="this_week", amount="74.00", method="check")
    paid = earnings.my_earnings(shop.db, actor=tom, period="this_week")
    assert (paid.settled_jobs, paid.unsettled_balance, paid.summary.balance) == (2, 0, 7400)


def test_page_state_sends_figures_only_when_allowed(shop, crew):
    phone = Tab.technician(shop.db, admin=shop.admin, technician_id=crew["tom"].id).at(
        TechEarningsState, "/tech/earnings")
    call(phone, "load")
    assert phone.allowed and phone.totals["commission"] == "$274.00"
    assert phone.balance_text == "The company owes you $74.00."
    assert [r["number"] for r in phone.rows] == [f"#{j['number']}" for j in crew["tom_jobs"]]
    assert "client" not in phone.rows[0]

    _show_commission(shop, on=False)
    call(phone, "set_period", "this_month")
    assert not phone.allowed
    assert (phone.rows, phone.totals, phone.balance_text) == ([], {}, "")

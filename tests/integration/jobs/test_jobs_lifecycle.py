"""Status moves, close, reopen, cancel and restore through the service."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from bson import ObjectId

from iprodash.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from iprodash.domain.finance import Part, Payment
from iprodash.services import job_lifecycle, jobs
from iprodash.services.actor import Actor
from iprodash.services.lead_sources import LeadSourceForm, update_lead_source
from iprodash.services.technicians import TechnicianForm, update_technician

CARD_400 = [Payment("card", 40000, "company")]
PART_50_BY_TECH = [Part("Deadbolt", 5000, "technician")]
NEW_YORK = ZoneInfo("America/New_York")


def _move(shop, job, target, actor=None, reason=""):
    return job_lifecycle.change_status(shop.db, actor=actor or shop.user, job_id=str(job["_id"]),
                                       target=target, reason=reason).job


def _rollup_totals(shop) -> dict:
    totals: dict = {}
    for doc in shop.db["rollups"].find({"company_id": shop.company["_id"]}):
        for name in ("created", "closed", "canceled", "gross", "company_profit"):
            totals[name] = totals.get(name, 0) + doc[name]
    return totals


def test_forward_moves_record_history_and_refuse_skips(shop):
    job = shop.job()
    with pytest.raises(ValidationError) as error:
        _move(shop, job, "in_progress")
    assert "The next step is Scheduled" in error.value.message
    job = _move(shop, job, "scheduled")
    job = _move(shop, job, "en_route")
    with pytest.raises(ValidationError) as error:
        _move(shop, job, "scheduled")
    assert error.value.message == "A job that is En route cannot go back to Scheduled."
    stored = shop.db["jobs"].find_one({"_id": job["_id"]})
    assert [(h["from"], h["to"]) for h in stored["status_history"]] == [
        (None, "new"), ("new", "scheduled"), ("scheduled", "en_route")]
    assert stored["status_history"][-1]["by_name"] == shop.user.name
    assert "s:en_route" in stored["filter_keys"] and "s:open" in stored["filter_keys"]
    assert shop.db["audit_log"].count_documents({"action": "job.status.en_route"}) == 1


def test_scheduling_needs_a_window_and_texts_the_client(shop):
    unscheduled = shop.job(date="", start_time="", end_time="")
    with pytest.raises(ValidationError) as error:
        _move(shop, unscheduled, "scheduled")
    assert error.value.field == "date"
    job = shop.job(date="2099-06-02")
    _move(shop, job, "scheduled")
    text = shop.db["outbox"].find_one({"kind": "appointment_confirmation"})
    assert text is not None and text["job_id"] == job["_id"]
    with pytest.raises(ValidationError) as error:
        jobs.update_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                        form=shop.form(date="", start_time="", end_time=""))
    assert error.value.field == "date"
    jobs.update_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                    form=shop.form(date="2099-06-03"))
    assert shop.db["outbox"].count_documents({"kind": "appointment_confirmation"}) == 2


def test_the_office_closes_a_scheduled_job_in_one_step_and_the_history_shows_the_jump(shop):
    tech = shop.technician()
    job = shop.walk_to(shop.job(), "scheduled")
    jobs.assign_technician(shop.db, actor=shop.user, job_id=str(job["_id"]),
                           technician_id=tech.id)
    closed = job_lifecycle.close_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                     closing_price_cents=40000, payments=CARD_400).job
    assert closed["status"] == "closed"
    jump = closed["status_history"][-1]
    assert (jump["from"], jump["to"], jump["by_id"]) == ("scheduled", "closed", shop.user.user_id)


def test_closing_needs_a_technician_and_matching_payments(shop):
    job = shop.walk_to(shop.job(), "pending_approval")
    with pytest.raises(ValidationError) as error:
        job_lifecycle.close_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                closing_price_cents=40000, payments=CARD_400)
    assert error.value.field == "technician_id"
    tech = shop.technician()
    jobs.assign_technician(shop.db, actor=shop.user, job_id=str(job["_id"]),
                           technician_id=tech.id)
    with pytest.raises(ValidationError) as error:
        job_lifecycle.close_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                closing_price_cents=40000,
                                payments=[Payment("cash", 35000, "technician")])
    assert error.value.message == ("Payments add up to $350.00 but the closing price is "
                                   "$400.00.")
    with pytest.raises(ValidationError):
        _move(shop, job, "closed")
    assert shop.db["jobs"].find_one({"_id": job["_id"]})["status"] == "pending_approval"


def test_close_snapshots_rates_and_finance_worked_example_1(shop):
    tech, source = shop.technician(percent="40"), shop.source(percent="10")
    job = shop.closed_job(payments=CARD_400, parts=PART_50_BY_TECH, technician_id=tech.id,
                          lead_source_id=source.id)
    assert job["status"] == "closed" and job["closing_price_cents"] == 40000
    assert job["rates"] == {"card_fee_bp": 300, "tech_commission_bp": 4000,
                            "tech_job_fee_cents": 0, "source_kind": "percent",
                            "source_rate_bp": 1000, "source_fixed_cents": 0}
    finance = job["finance"]
    assert (finance["cc_fee"], finance["net"], finance["tech_commission"],
            finance["source_commission"], finance["company_profit"]) == (
        1200, 33800, 13520, 3380, 16900)
    assert job["closed_day"] == job["closed_at"].astimezone(NEW_YORK).date().isoformat()
    assert _rollup_totals(shop)["company_profit"] == 16900
    assert shop.db["outbox"].find_one({"kind": "job_done", "job_id": job["_id"]}) is not None

    update_technician(shop.db, actor=shop.admin, technician_id=tech.id, form=TechnicianForm(
        name="Tom Tech", phone="(212) 555-0111", commission_percent="60", job_fee="10"))
    update_lead_source(shop.db, actor=shop.admin, source_id=source.id,
                       form=LeadSourceForm(name="Google Ads", kind="fixed", fixed_amount="99"))
    stored = shop.db["jobs"].find_one({"_id": job["_id"]})
    assert stored["rates"] == job["rates"] and stored["finance"] == job["finance"]


def test_close_uses_recorded_lines_when_none_are_given(shop):
    tech = shop.technician(percent="50", fee="5")
    job = shop.walk_to(shop.job(technician_id=tech.id), "pending_approval")
    jobs.save_payments_and_parts(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                 payments=[Payment("cash", 25000, "technician")], parts=[])
    closed = job_lifecycle.close_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                     closing_price_cents=25000).job
    assert closed["finance"]["tech_commission"] == 12000
    assert closed["finance"]["company_profit"] == 13000


def test_reopen_is_admin_only_with_a_reason_and_undoes_the_rollup(shop):
    tech = shop.technician()
    job = shop.closed_job(payments=CARD_400, technician_id=tech.id)
    with pytest.raises(PermissionDenied):
        _move(shop, job, "pending_approval", actor=shop.user, reason="Typo")
    with pytest.raises(ValidationError) as error:
        _move(shop, job, "pending_approval", actor=shop.admin)
    assert error.value.field == "reason"
    reopened = _move(shop, job, "pending_approval", actor=shop.admin, reason="Wrong price")
    assert reopened["status"] == "pending_approval"
    assert reopened["finance"] is None and reopened["closed_at"] is None
    assert reopened["payments"] == job["payments"]
    assert reopened["status_history"][-1]["reason"] == "Wrong price"
    totals = _rollup_totals(shop)
    assert (totals["closed"], totals["gross"], totals["company_profit"]) == (0, 0, 0)
    entry = shop.db["audit_log"].find_one({"action": "job.status.pending_approval",
                                           "reason": "Wrong price"})
    assert entry["actor_role"] == "company_admin"


def test_a_settled_job_cannot_be_reopened(shop):
    job = shop.closed_job(payments=CARD_400, technician_id=shop.technician().id)
    shop.db["jobs"].update_one({"_id": job["_id"]}, {"$set": {"settlement_id": ObjectId()}})
    with pytest.raises(Conflict) as error:
        _move(shop, job, "pending_approval", actor=shop.admin, reason="Fix")
    assert "Void the payout" in error.value.message
    assert shop.db["jobs"].find_one({"_id": job["_id"]})["status"] == "closed"


def test_cancel_needs_a_reason_and_restore_brings_it_back(shop):
    job = shop.walk_to(shop.job(), "en_route")
    with pytest.raises(ValidationError):
        _move(shop, job, "canceled")
    canceled = _move(shop, job, "canceled", reason="Client found the key")
    assert canceled["status"] == "canceled" and "s:open" not in canceled["filter_keys"]
    assert _rollup_totals(shop)["canceled"] == 1
    with pytest.raises(ValidationError):
        jobs.update_job(shop.db, actor=shop.user, job_id=str(job["_id"]), form=shop.form())
    with pytest.raises(ValidationError):
        _move(shop, canceled, "scheduled")
    restored = _move(shop, canceled, "new")
    assert restored["status"] == "new"
    assert _rollup_totals(shop)["canceled"] == 0
    closed = shop.closed_job(payments=CARD_400, technician_id=shop.technician().id)
    with pytest.raises(ValidationError) as error:
        _move(shop, closed, "canceled", reason="Oops")
    assert "Reopen it first" in error.value.message


def test_a_stale_move_loses_with_a_conflict(shop):
    job = shop.job()
    _move(shop, job, "scheduled")
    with pytest.raises(Conflict):
        job_lifecycle._moved(shop.db, shop.user, job, "scheduled", "")


def test_lifecycle_functions_refuse_another_companys_job(shop, other_shop):
    theirs = other_shop.closed_job(payments=CARD_400, technician_id=other_shop.technician().id)
    pending = other_shop.walk_to(other_shop.job(), "pending_approval")
    for call in (
            lambda: _move(shop, pending, "canceled", reason="x"),
            lambda: job_lifecycle.close_job(shop.db, actor=shop.admin,
                                            job_id=str(pending["_id"]),
                                            closing_price_cents=40000, payments=CARD_400),
            lambda: job_lifecycle.reopen_job(shop.db, actor=shop.admin,
                                             job_id=str(theirs["_id"]), reason="x"),
            lambda: job_lifecycle.cancel_job(shop.db, actor=shop.admin,
                                             job_id=str(pending["_id"]), reason="x"),
            lambda: job_lifecycle.restore_job(shop.db, actor=shop.admin,
                                              job_id=str(pending["_id"]))):
        with pytest.raises(NotFound):
            call()
    assert other_shop.db["jobs"].find_one({"_id": pending["_id"]})["status"] == "pending_approval"


def test_closed_job_lines_cannot_change(shop):
    job = shop.closed_job(payments=CARD_400, technician_id=shop.technician().id)
    with pytest.raises(ValidationError):
        jobs.save_payments_and_parts(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                     payments=[Payment("cash", 1, "company")],
                                     parts=[Part("x", 1, "company")])


def _technician_actor(shop, technician_id: str) -> Actor:
    return Actor(user_id=ObjectId(technician_id), role="technician", name="Tom Tech",
                 email="", company_id=shop.company["_id"],
                 technician_id=ObjectId(technician_id))


def test_technician_moves_only_their_own_jobs_and_only_their_steps(shop):
    tom, sam = shop.technician("Tom Tech"), shop.technician("Sam Smith")
    mine = shop.walk_to(shop.job(technician_id=tom.id), "scheduled")
    theirs = shop.walk_to(shop.job(technician_id=sam.id), "scheduled")
    actor = _technician_actor(shop, tom.id)
    moved = _move(shop, mine, "en_route", actor=actor)
    assert moved["status"] == "en_route"
    assert moved["status_history"][-1]["by_name"] == "Tom Tech"
    with pytest.raises(NotFound):
        _move(shop, theirs, "en_route", actor=actor)
    with pytest.raises(PermissionDenied):
        _move(shop, moved, "canceled", actor=actor, reason="Not home")
    with pytest.raises(PermissionDenied):
        jobs.update_job(shop.db, actor=actor, job_id=str(mine["_id"]), form=shop.form())
    saved = jobs.save_payments_and_parts(shop.db, actor=actor, job_id=str(mine["_id"]),
                                         payments=[Payment("cash", 9000, "technician")],
                                         parts=[]).job
    assert saved["payments"][0]["amount_cents"] == 9000

"""Scheduled packs: subscriptions, and one delivery per period even with two workers."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from iprodash.domain.errors import Conflict, PermissionDenied, ValidationError
from iprodash.repositories.report_schedules import ScheduleQueue
from iprodash.repositories.reports import ReportFiles
from iprodash.services import report_schedules
from iprodash.services.report_data import Period
from tests.integration.reports.conftest import pdf_text
from tests.integration.reports.factories import EXAMPLE_CARD, EXAMPLE_CASH, utc

WEDNESDAY = utc(2026, 11, 18, 12)  # the week of Nov 9-15 (New York) is complete


@pytest.fixture
def busy_week(world):
    """Two technicians with jobs closed in the week of Nov 9, one more the week after."""
    tom, ann = world.technician("Tom Tech"), world.technician("Ann Tech")
    world.closed_job(closed_at=utc(2026, 11, 10, 15), technician_id=tom, **EXAMPLE_CARD)
    world.closed_job(closed_at=utc(2026, 11, 12, 15), technician_id=ann, **EXAMPLE_CASH)
    world.closed_job(closed_at=utc(2026, 11, 17, 15), technician_id=tom, **EXAMPLE_CARD)
    return tom, ann


def _subscribe(world, admin, email, cadence="weekly"):
    return report_schedules.subscribe(db=world.db, actor=admin, cadence=cadence, email=email,
                                      confirm_email=email)


def _run_together(db, now, runners: int = 2) -> list[dict]:
    barrier, results = threading.Barrier(runners), []

    def run(name: str) -> None:
        barrier.wait()
        results.append(report_schedules.deliver_scheduled_reports(db, now=now, worker=name))

    threads = [threading.Thread(target=run, args=(f"worker-{n}",)) for n in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_workers_deliver_the_weekly_pack_once(db, world, busy_week):
    admin = world.actor()
    _subscribe(world, admin, "owner@example.test")
    _subscribe(world, admin, "books@example.test")

    results = _run_together(db, WEDNESDAY)

    assert sum(r["delivered"] for r in results) == 1 and sum(r["failed"] for r in results) == 0
    emails = list(db["outbox"].find({"kind": "report_pack"}))
    assert sorted(e["to"] for e in emails) == ["books@example.test", "owner@example.test"]
    assert all(len(e["attachments"]) == 3 for e in emails)  # P&L + two statements
    assert "Nov 9, 2026 to Nov 15, 2026" in emails[0]["subject"]
    files = list(db["reports.files"].find({"metadata.company_id": world.company_id}))
    assert sorted(f["metadata"]["kind"] for f in files) == ["profit_loss", "settlement",
                                                           "settlement"]
    assert all(f["metadata"]["made_by_name"] == "Scheduled delivery" for f in files)
    key = report_schedules.delivery_key(world.company_id, "weekly",
                                        Period(utc(2026, 11, 9).date(), utc(2026, 11, 15).date()))
    assert ScheduleQueue(db).get(key)["status"] == "done"

    again = _run_together(db, WEDNESDAY + timedelta(days=2))  # same period, later that week
    assert sum(r["delivered"] for r in again) == 0
    assert db["outbox"].count_documents({"kind": "report_pack"}) == 2

    next_week = report_schedules.deliver_scheduled_reports(db, now=WEDNESDAY + timedelta(days=7))
    assert next_week["delivered"] == 1
    assert db["outbox"].count_documents({"kind": "report_pack"}) == 4


def test_pack_figures_cover_only_the_finished_week(db, world, busy_week):
    _subscribe(world, world.actor(), "owner@example.test")
    report_schedules.deliver_scheduled_reports(db, now=WEDNESDAY)
    files = ReportFiles(db, world.company_id)
    pl = next(f for f in files.page(kinds=["profit_loss"], before_id=None, limit=5))
    text = pdf_text(files.read(pl["_id"]))
    assert "Total 2 $650.00" in text  # Nov 10 and Nov 12; not the job of Nov 17


def test_a_crashed_worker_is_taken_over_after_its_lease(db, world, busy_week):
    _subscribe(world, world.actor(), "owner@example.test")
    period = report_schedules.last_completed_period("weekly", WEDNESDAY.date())
    key = report_schedules.delivery_key(world.company_id, "weekly", period)
    queue = ScheduleQueue(db)
    assert queue.claim(key, company_id=world.company_id, worker="crashed", lease_seconds=60,
                       now=WEDNESDAY) is not None
    assert report_schedules.deliver_scheduled_reports(db, now=WEDNESDAY)["delivered"] == 0
    later = WEDNESDAY + timedelta(minutes=5)
    assert report_schedules.deliver_scheduled_reports(db, now=later)["delivered"] == 1
    assert queue.get(key)["attempts"] == 2
    assert db["outbox"].count_documents({"kind": "report_pack"}) == 1


def test_monthly_pack_and_deliveries_stop_when_the_admin_leaves(db, world, busy_week):
    admin = world.actor()
    _subscribe(world, admin, "owner@example.test", cadence="monthly")
    december = utc(2026, 12, 2, 12)
    assert report_schedules.deliver_scheduled_reports(db, now=december)["delivered"] == 1
    email = db["outbox"].find_one({"kind": "report_pack"})
    assert "monthly" in email["subject"] and "Nov 1, 2026 to Nov 30, 2026" in email["subject"]

    db["users"].update_one({"_id": admin.user_id}, {"$set": {"status": "deactivated"}})
    january = utc(2027, 1, 4, 12)
    assert report_schedules.deliver_scheduled_reports(db, now=january)["delivered"] == 0
    assert db["outbox"].count_documents({"kind": "report_pack"}) == 1


def test_subscribing_needs_an_admin_and_a_confirmed_address(db, world):
    admin, analyst = world.actor(), world.actor(role="user", view_financials=True)
    with pytest.raises(PermissionDenied):
        _subscribe(world, analyst, "a@example.test")
    with pytest.raises(ValidationError):
        report_schedules.subscribe(db=db, actor=admin, cadence="weekly", email="a@example.test",
                                   confirm_email="b@example.test")
    with pytest.raises(ValidationError):
        _subscribe(world, admin, "a@example.test", cadence="daily")
    row = _subscribe(world, admin, "a@example.test")
    with pytest.raises(Conflict):
        _subscribe(world, admin, "A@example.test")
    assert [r.email for r in report_schedules.list_subscriptions(db=db, actor=admin)] == [
        "a@example.test"]
    report_schedules.unsubscribe(db=db, actor=admin, subscription_id=row.id)
    assert report_schedules.list_subscriptions(db=db, actor=admin) == []


def test_periods_are_whole_weeks_and_months():
    assert report_schedules.last_completed_period("weekly", WEDNESDAY.date()) == Period(
        utc(2026, 11, 9).date(), utc(2026, 11, 15).date())
    assert report_schedules.last_completed_period("weekly", utc(2026, 11, 16).date()) == Period(
        utc(2026, 11, 9).date(), utc(2026, 11, 15).date())
    assert report_schedules.last_completed_period("monthly", utc(2027, 1, 1).date()) == Period(
        utc(2026, 12, 1).date(), utc(2026, 12, 31).date())

"""A company's day turns at the company's midnight, never the machine's.

The machine runs in UTC; the clock is pinned at 23:59 and at 00:01 company
time for a company in New York and one in Honolulu. At 23:59 on Dec 31 in
either place it is already Jan 1 in UTC, so any figure taken from the
machine's date lands on the wrong day, week, month and year. The day is a
Sunday, so midnight also starts a new week, month and year.

Data is made through the services with the app's one clock
(:func:`iprodash.domain.clock.utc_now`) pinned; the figures are read with
``now=`` passed explicitly, as the pages' callers do through the same clock.
"""

from __future__ import annotations

import csv
import io
import time as machine_time
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from bson import ObjectId

from iprodash.domain import clock
from iprodash.domain.finance import Payment
from iprodash.services import (dashboard, job_csv, job_lifecycle, job_queries, jobs, settlements,
                               technician_portal)
from iprodash.services.actor import TECHNICIAN, Actor
from iprodash.services.company_settings import update_company_settings
from iprodash.services.dispatch_board import board_for_day, company_today
from iprodash.services.sms import enqueue_sms
from tests.factories import sms_opted_in
from tests.integration.jobs.conftest import Shop

NEW_YEARS_EVE = date(2023, 12, 31)  # a Sunday: midnight starts a new week, month and year
NEW_YEAR = NEW_YEARS_EVE + timedelta(days=1)
ZONES = {"America/New_York": "(212) 555-0123", "Pacific/Honolulu": "(808) 555-0123"}


def at(day: date, hour: int, minute: int, zone: str) -> datetime:
    """An instant on the company's wall clock, as the UTC moment the app stores."""
    return datetime.combine(day, time(hour, minute), ZoneInfo(zone)).astimezone(timezone.utc)


class WallClock:
    """The app's one clock, standing still where the test puts it."""

    def __init__(self):
        self.current = datetime(2023, 6, 1, 12, 0, tzinfo=timezone.utc)

    def set(self, moment: datetime) -> datetime:
        self.current = moment
        return moment

    def now(self) -> datetime:
        return self.current


@pytest.fixture(autouse=True)
def machine_in_utc(monkeypatch):
    """The machine's own zone is UTC, as on the servers and in CI."""
    monkeypatch.setenv("TZ", "UTC")
    machine_time.tzset()
    yield
    monkeypatch.undo()
    machine_time.tzset()


@pytest.fixture
def wall_clock(monkeypatch) -> WallClock:
    pinned = WallClock()
    monkeypatch.setattr(clock, "utc_now", pinned.now)
    return pinned


@pytest.fixture(params=list(ZONES))
def zone(request) -> str:
    return request.param


@pytest.fixture
def shop(db, zone, wall_clock) -> Shop:
    """A company whose admin set its time zone in Settings."""
    shop = Shop(db, f"Midnight Locks {zone}")
    update_company_settings(db, actor=shop.admin, name=shop.company["name"],
                            phone="(212) 555-0100", admin_email="owner@example.test",
                            timezone=zone, card_fee_percent="3")
    shop.company = {**shop.company, "timezone": zone}
    return shop


def _book(shop: Shop, day: date, start: str = "09:00", end: str = "10:00") -> dict:
    return shop.job(date=day.isoformat(), start_time=start, end_time=end)


def _close_at(shop: Shop, wall_clock: WallClock, moment: datetime, technician) -> dict:
    """Book, assign, work and close a $100 cash job, closed at ``moment``."""
    wall_clock.set(moment - timedelta(minutes=30))
    job = _book(shop, NEW_YEARS_EVE, "22:00", "23:00")
    jobs.assign_technician(shop.db, actor=shop.user, job_id=str(job["_id"]),
                           technician_id=technician.id)
    job = shop.walk_to(job, "pending_approval")
    wall_clock.set(moment)
    return job_lifecycle.close_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                   closing_price_cents=10000,
                                   payments=[Payment("cash", 10000, "technician")]).job


def test_the_test_is_meaningful_the_utc_date_is_already_tomorrow(zone):
    assert at(NEW_YEARS_EVE, 23, 59, zone).date() == NEW_YEAR
    assert datetime.fromtimestamp(at(NEW_YEARS_EVE, 23, 59, zone).timestamp()).date() == NEW_YEAR


def test_the_board_shows_the_companys_today(shop, zone, wall_clock):
    wall_clock.set(at(NEW_YEARS_EVE, 12, 0, zone))
    late = _book(shop, NEW_YEARS_EVE, "23:00", "23:45")

    before = at(NEW_YEARS_EVE, 23, 59, zone)
    today = company_today(shop.db, actor=shop.user, now=before)
    assert today == NEW_YEARS_EVE
    board = board_for_day(shop.db, actor=shop.user, day=today)
    assert board.day == "2023-12-31"
    assert [c.number for lane in board.lanes for c in lane.cards] == [late["number"]]

    after = at(NEW_YEAR, 0, 1, zone)
    today = company_today(shop.db, actor=shop.user, now=after)
    assert today == NEW_YEAR
    board = board_for_day(shop.db, actor=shop.user, day=today)
    assert board.total == 0 and not any(lane.cards for lane in board.lanes)

    wall_clock.set(before)  # the pages call it without ``now``: the app's clock decides
    assert company_today(shop.db, actor=shop.user) == NEW_YEARS_EVE
    wall_clock.set(after)
    assert company_today(shop.db, actor=shop.user) == NEW_YEAR


def _listed(shop: Shop, now: datetime) -> tuple[job_queries.JobListFilters, set[int]]:
    filters = job_queries.list_filters(shop.db, actor=shop.user, params={}, now=now)
    page = job_queries.list_jobs(shop.db, actor=shop.user, filters=filters)
    return filters, {row.number for row in page.rows}


def _exported(shop: Shop, now: datetime) -> set[int]:
    _, chunks = job_csv.export_jobs_csv(db=shop.db, actor=shop.user,
                                        filters=job_csv.parse_export_filter({}), now=now)
    return {int(row["number"]) for row in csv.DictReader(io.StringIO("".join(chunks)))}


def test_the_job_lists_default_window_moves_at_company_midnight(shop, zone, wall_clock):
    wall_clock.set(at(NEW_YEARS_EVE, 12, 0, zone))
    oldest = _book(shop, NEW_YEARS_EVE - timedelta(days=30))  # first day of the window
    tonight = _book(shop, NEW_YEARS_EVE, "23:00", "23:45")
    last = _book(shop, NEW_YEARS_EVE + timedelta(days=30))  # last day of the window
    next_in = _book(shop, NEW_YEARS_EVE + timedelta(days=31))  # comes in at midnight

    filters, shown = _listed(shop, at(NEW_YEARS_EVE, 23, 59, zone))
    assert (filters.start, filters.end) == (date(2023, 12, 1), date(2024, 1, 30))
    assert shown == {oldest["number"], tonight["number"], last["number"]}
    assert _exported(shop, at(NEW_YEARS_EVE, 23, 59, zone)) == shown

    filters, shown = _listed(shop, at(NEW_YEAR, 0, 1, zone))
    assert (filters.start, filters.end) == (date(2023, 12, 2), date(2024, 1, 31))
    assert shown == {tonight["number"], last["number"], next_in["number"]}
    assert _exported(shop, at(NEW_YEAR, 0, 1, zone)) == shown


def _closed(shop: Shop, period: str, now: datetime) -> tuple[int, date, date]:
    board = dashboard.load_dashboard(db=shop.db, actor=shop.admin, period=period, now=now)
    return board.closed, board.period.first, board.period.last


def test_dashboard_periods_turn_at_company_midnight(shop, zone, wall_clock):
    _close_at(shop, wall_clock, at(NEW_YEARS_EVE, 23, 58, zone), shop.technician())

    eve = at(NEW_YEARS_EVE, 23, 59, zone)
    assert _closed(shop, "today", eve) == (1, NEW_YEARS_EVE, NEW_YEARS_EVE)
    assert _closed(shop, "this_week", eve) == (1, date(2023, 12, 25), NEW_YEARS_EVE)
    assert _closed(shop, "this_month", eve) == (1, date(2023, 12, 1), NEW_YEARS_EVE)
    assert _closed(shop, "this_year", eve) == (1, date(2023, 1, 1), NEW_YEARS_EVE)
    assert _closed(shop, "last_12_months", eve) == (0, date(2022, 12, 1), date(2023, 11, 30))

    new_year = at(NEW_YEAR, 0, 1, zone)
    assert _closed(shop, "today", new_year) == (0, NEW_YEAR, NEW_YEAR)
    assert _closed(shop, "this_week", new_year) == (0, NEW_YEAR, date(2024, 1, 7))
    assert _closed(shop, "this_month", new_year) == (0, NEW_YEAR, date(2024, 1, 31))
    assert _closed(shop, "this_year", new_year) == (0, NEW_YEAR, date(2024, 12, 31))
    assert _closed(shop, "last_month", new_year) == (1, date(2023, 12, 1), NEW_YEARS_EVE)
    assert _closed(shop, "last_12_months", new_year) == (1, date(2023, 1, 1), NEW_YEARS_EVE)


def test_last_12_months_is_not_this_year_in_december(shop, zone, wall_clock):
    for day in (date(2023, 12, 1), NEW_YEARS_EVE):
        now = at(day, 23, 59, zone)
        twelve = _closed(shop, "last_12_months", now)[1:]
        year = _closed(shop, "this_year", now)[1:]
        assert twelve == (date(2022, 12, 1), date(2023, 11, 30)) and twelve != year


def test_settlement_periods_turn_at_company_midnight(shop, zone, wall_clock):
    tom = shop.technician("Tom Tech")
    job = _close_at(shop, wall_clock, at(NEW_YEARS_EVE, 23, 58, zone), technician=tom)

    def summary(period: str, now: datetime):
        rows = settlements.settlement_summaries(db=shop.db, actor=shop.admin, period=period,
                                                now=now)
        return [(r.name, r.summary.jobs, r.unsettled_jobs) for r in rows]

    eve = at(NEW_YEARS_EVE, 23, 59, zone)
    for period in ("today", "this_week", "this_month"):
        assert summary(period, eve) == [("Tom Tech", 1, 1)], period
    rows = settlements.settlement_jobs(db=shop.db, actor=shop.admin, period="today", now=eve)
    assert [(r.number, r.closed_day) for r in rows] == [(job["number"], "2023-12-31")]

    new_year = at(NEW_YEAR, 0, 1, zone)
    for period in ("today", "this_week", "this_month"):
        assert summary(period, new_year) == [], period
    assert summary("last_month", new_year) == [("Tom Tech", 1, 1)]

    wall_clock.set(eve)
    settlements.record_payout(db=shop.db, actor=shop.admin, technician_id=tom.id,
                              period="today", amount="0", method="cash",
                              note="Settled at the year-end count", now=eve)
    assert summary("last_month", new_year) == [("Tom Tech", 1, 0)]


def _reminder(shop: Shop, phone: str, key: str, now: datetime):
    return enqueue_sms(shop.db, company=shop.company, to=phone, kind="reminder",
                       text="See you tomorrow", idempotency_key=key, now=now)


@pytest.mark.parametrize("phone_kind", ["local", "toll_free"])
def test_quiet_hours_around_company_midnight(shop, zone, wall_clock, phone_kind):
    """A local number is in the company's zone; a toll-free one falls back to it."""
    phone = ZONES[zone] if phone_kind == "local" else "(800) 555-0123"
    sms_opted_in(shop.db, shop.company, phone, ip="203.0.113.9")
    morning = at(NEW_YEAR, 8, 0, zone)

    late = _reminder(shop, phone, "late", at(NEW_YEARS_EVE, 23, 59, zone))
    early = _reminder(shop, phone, "early", at(NEW_YEAR, 0, 1, zone))
    assert late.queued and late.not_before == morning
    assert early.queued and early.not_before == morning

    evening = _reminder(shop, phone, "evening", at(NEW_YEARS_EVE, 20, 59, zone))
    assert evening.queued and evening.not_before is None
    night = _reminder(shop, phone, "night", at(NEW_YEARS_EVE, 21, 0, zone))
    assert night.not_before == morning


def test_the_technicians_today_turns_at_company_midnight(shop, zone, wall_clock):
    tom = shop.technician("Tom Tech")
    wall_clock.set(at(NEW_YEARS_EVE, 12, 0, zone))
    job = _book(shop, NEW_YEARS_EVE, "23:00", "23:45")
    jobs.assign_technician(shop.db, actor=shop.user, job_id=str(job["_id"]),
                           technician_id=tom.id)
    phone = Actor(user_id=ObjectId(tom.id), role=TECHNICIAN, name=tom.name, email="",
                  company_id=shop.company["_id"], technician_id=ObjectId(tom.id))

    def bucket(now: datetime) -> list[str]:
        return [row.bucket for row in technician_portal.my_jobs(shop.db, actor=phone, now=now)]

    assert bucket(at(NEW_YEARS_EVE, 23, 59, zone)) == ["today"]
    assert bucket(at(NEW_YEAR, 0, 1, zone)) == ["recent"]

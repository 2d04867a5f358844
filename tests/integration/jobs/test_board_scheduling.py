"""The dispatch board's "Needs scheduling" lane, week view and moves (drag
and drop or the "Move..." dialog) on the real database."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from bson import ObjectId

from iprodash.domain.errors import NotFound, PermissionDenied, ValidationError
from iprodash.services import audit_log, dispatch_board, job_lifecycle
from iprodash.services.actor import Actor

DAY = date(2025, 6, 2)  # a Monday; the company is in New York (UTC-4 in June)


def _undated(shop, **overrides):
    return shop.job(date="", start_time="", end_time="", **overrides)


def test_needs_scheduling_lists_open_undated_jobs_newest_first_in_pages(shop, other_shop):
    first, second, third = _undated(shop), _undated(shop, client_name="Bo Diaz"), _undated(shop)
    shop.job()  # dated: on the grid, not in the lane
    canceled = _undated(shop)
    job_lifecycle.cancel_job(shop.db, actor=shop.user, job_id=str(canceled["_id"]),
                             reason="Called back, no longer needed")
    _undated(other_shop)
    page = dispatch_board.needs_scheduling(shop.db, actor=shop.user, limit=2)
    assert [c.number for c in page.cards] == [third["number"], second["number"]]
    assert page.cards[0].time_text == "No date yet" and page.cards[0].day == ""
    assert page.next_before
    rest = dispatch_board.needs_scheduling(shop.db, actor=shop.user, limit=2,
                                           before=page.next_before)
    assert [c.number for c in rest.cards] == [first["number"]] and rest.next_before == ""
    # the lane's badge is the company-wide total, not the page's length
    assert (page.total, page.total_text, rest.total) == (3, "3", 3)
    assert dispatch_board.needs_scheduling(shop.db, actor=shop.user).total == 3


def test_needs_scheduling_total_is_capped_past_the_count_cap(shop, monkeypatch):
    for _ in range(4):
        _undated(shop)
    monkeypatch.setattr(dispatch_board, "NEEDS_COUNT_CAP", 2)
    page = dispatch_board.needs_scheduling(shop.db, actor=shop.user, limit=1)
    assert len(page.cards) == 1 and (page.total, page.total_text) == (3, "2+")
    monkeypatch.setattr(dispatch_board, "NEEDS_COUNT_CAP", 10)
    assert dispatch_board.needs_scheduling(shop.db, actor=shop.user, limit=1).total_text == "4"


def test_needs_scheduling_is_for_office_staff(shop):
    tom = shop.technician()
    tech = Actor(user_id=ObjectId(tom.id), role="technician", name="Tom Tech", email="",
                 company_id=shop.company["_id"], technician_id=ObjectId(tom.id))
    with pytest.raises(PermissionDenied):
        dispatch_board.needs_scheduling(shop.db, actor=tech)


def test_week_view_has_seven_day_columns_and_places_each_card_on_its_day(shop):
    tom = shop.technician("Tom Tech")
    monday = shop.job(technician_id=tom.id)
    friday = shop.job(technician_id=tom.id, date="2025-06-06", start_time="14:00",
                      end_time="15:00")
    shop.job(date="2025-06-09")  # the next week
    board = dispatch_board.board_for_day(shop.db, actor=shop.user, day=date(2025, 6, 4),
                                         view="week")
    assert board.view == "week" and board.total == 2
    assert [c.slot for c in board.columns][0] == "2025-06-02"
    assert [c.label for c in board.columns] == ["Mon 6/2", "Tue 6/3", "Wed 6/4", "Thu 6/5",
                                                "Fri 6/6", "Sat 6/7", "Sun 6/8"]
    tom_lane = next(lane for lane in board.lanes if lane.name == "Tom Tech")
    cells = {cell.slot: [c.number for c in cell.cards] for cell in tom_lane.cells}
    assert cells["2025-06-02"] == [monday["number"]]
    assert cells["2025-06-06"] == [friday["number"]]
    assert board.day_label == "Week of June 2 - June 8, 2025"


def test_day_view_columns_are_company_hours(shop):
    tom = shop.technician("Tom Tech")
    early = shop.job(technician_id=tom.id, start_time="06:00", end_time="07:00")
    two = shop.job(technician_id=tom.id, start_time="14:00", end_time="15:30")
    board = dispatch_board.board_for_day(shop.db, actor=shop.user, day=DAY)
    assert board.columns[0].label == "7 AM" and board.columns[-1].label == "7 PM"
    lane = next(lane for lane in board.lanes if lane.name == "Tom Tech")
    cells = {cell.slot: [c.number for c in cell.cards] for cell in lane.cells}
    assert cells["2025-06-02T07:00"] == [early["number"]]  # before the grid: first column
    assert cells["2025-06-02T14:00"] == [two["number"]]


def test_dropping_an_undated_job_on_a_2pm_slot_schedules_and_assigns_it(shop):
    tom = shop.technician("Tom Tech")
    job = _undated(shop)
    tech, day, at = dispatch_board.parse_target(f"{tom.id}|2025-06-02T14:00")
    dispatch_board.move_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                            technician_id=tech, day=day, at=at)
    moved = shop.db["jobs"].find_one({"_id": job["_id"]})
    assert moved["technician_id"] == ObjectId(tom.id)
    assert moved["scheduled_start"].replace(tzinfo=timezone.utc) == datetime(
        2025, 6, 2, 18, 0, tzinfo=timezone.utc)  # 2 PM in New York
    assert (moved["scheduled_end"] - moved["scheduled_start"]).total_seconds() == 3600
    lane = next(lane for lane in dispatch_board.board_for_day(
        shop.db, actor=shop.user, day=DAY).lanes if lane.name == "Tom Tech")
    assert [c.time_text for c in lane.cards] == ["2:00 PM - 3:00 PM"]
    assert dispatch_board.needs_scheduling(shop.db, actor=shop.user).cards == []
    rows = {row.action: row for row in audit_log.list_audit(shop.db, actor=shop.admin)}
    assert rows["job.rescheduled"].action_label == "Job rescheduled"
    assert rows["job.rescheduled"].changes.startswith(
        "Starts: none → 2025-06-02 14:00 EDT")  # the company's wall clock, not UTC
    assert rows["job.assigned"].changes == "Technician: none → Tom Tech"


def test_moving_keeps_the_window_length_and_a_week_drop_keeps_the_time(shop):
    tom, sam = shop.technician("Tom Tech"), shop.technician("Sam Smith")
    job = shop.job(technician_id=tom.id, start_time="10:00", end_time="12:30")
    dispatch_board.move_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                            technician_id=sam.id, day="2025-06-05", at="")
    moved = shop.db["jobs"].find_one({"_id": job["_id"]})
    assert moved["technician_id"] == ObjectId(sam.id)
    assert moved["scheduled_start"].replace(tzinfo=timezone.utc) == datetime(
        2025, 6, 5, 14, 0, tzinfo=timezone.utc)
    assert (moved["scheduled_end"] - moved["scheduled_start"]).total_seconds() == 2.5 * 3600
    dispatch_board.move_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                            technician_id="", day="2025-06-05", at="08:00")
    moved = shop.db["jobs"].find_one({"_id": job["_id"]})
    assert moved["technician_id"] is None


@pytest.mark.parametrize("target", ["", "nothing", "abc|not-a-day", "|2025-13-40T10:00",
                                    "x" * 60 + "|2025-06-02"])
def test_bad_drop_targets_are_refused(target):
    with pytest.raises(ValidationError):
        dispatch_board.parse_target(target)


@pytest.mark.parametrize("day, at", [("", "10:00"), ("2025-06-02", "25:00"),
                                     ("2025-06-02", "10:00:30"), ("1890-01-01", "10:00"),
                                     ("2025-06-02", "ten")])
def test_bad_days_and_times_change_nothing(shop, day, at):
    job = _undated(shop)
    with pytest.raises(ValidationError):
        dispatch_board.move_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                technician_id="", day=day, at=at)
    assert shop.db["jobs"].find_one({"_id": job["_id"]})["scheduled_start"] is None


def test_moves_are_tenant_scoped_and_office_only(shop, other_shop):
    tom = shop.technician("Tom Tech")
    theirs = _undated(other_shop)
    with pytest.raises(NotFound):
        dispatch_board.move_job(shop.db, actor=shop.user, job_id=str(theirs["_id"]),
                                technician_id=tom.id, day="2025-06-02", at="14:00")
    their_tech = other_shop.technician("Olga Other")
    mine = _undated(shop)
    with pytest.raises(NotFound):
        dispatch_board.move_job(shop.db, actor=shop.user, job_id=str(mine["_id"]),
                                technician_id=their_tech.id, day="2025-06-02", at="14:00")
    assert shop.db["jobs"].find_one({"_id": mine["_id"]})["scheduled_start"] is None
    tech = Actor(user_id=ObjectId(tom.id), role="technician", name="Tom Tech", email="",
                 company_id=shop.company["_id"], technician_id=ObjectId(tom.id))
    with pytest.raises(PermissionDenied):
        dispatch_board.move_job(shop.db, actor=tech, job_id=str(mine["_id"]),
                                technician_id=tom.id, day="2025-06-02", at="14:00")


def test_closed_and_canceled_jobs_cannot_be_moved(shop):
    job = shop.job()
    job_lifecycle.cancel_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                             reason="Duplicate booking")
    with pytest.raises(ValidationError, match="canceled job cannot be moved"):
        dispatch_board.move_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                technician_id="", day="2025-06-03", at="10:00")


def test_moving_onto_a_busy_slot_flags_both_cards(shop):
    tom = shop.technician("Tom Tech")
    busy = shop.job(technician_id=tom.id, start_time="14:00", end_time="16:00")
    job = _undated(shop)
    dispatch_board.move_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                            technician_id=tom.id, day="2025-06-02", at="15:00")
    lane = next(lane for lane in dispatch_board.board_for_day(
        shop.db, actor=shop.user, day=DAY).lanes if lane.name == "Tom Tech")
    assert lane.overlap_count == 2
    flagged = {c.number: c.overlaps_with for c in lane.cards}
    assert flagged[busy["number"]] == f"#{job['number']}"

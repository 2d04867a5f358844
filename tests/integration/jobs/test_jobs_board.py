"""The dispatch board on the real database."""

from __future__ import annotations

from datetime import date

import pytest

from iprodash.domain.errors import NotFound
from iprodash.services import dispatch_board, job_lifecycle, jobs
from iprodash.services.technicians import set_technician_active

DAY = date(2025, 6, 2)


def test_board_has_a_lane_per_technician_and_flags_overlaps(shop):
    tom, sam = shop.technician("Tom Tech"), shop.technician("Sam Smith")
    a = shop.job(technician_id=tom.id, start_time="09:00", end_time="11:00")
    b = shop.job(technician_id=tom.id, start_time="10:00", end_time="12:00")
    c = shop.job(technician_id=tom.id, start_time="12:00", end_time="13:00")
    d = shop.job(technician_id=sam.id, start_time="10:00", end_time="12:00")
    free = shop.job(start_time="15:00", end_time="16:00")
    shop.job(date="2025-06-03")  # another day
    late = shop.job(start_time="23:30", end_time="")  # 03:30 UTC the next day
    board = dispatch_board.board_for_day(shop.db, actor=shop.user, day=DAY)
    lanes = {lane.name: lane for lane in board.lanes}
    assert [lane.name for lane in board.lanes] == ["Unassigned", "Sam Smith", "Tom Tech"]
    assert [c.number for c in lanes["Unassigned"].cards] == [free["number"], late["number"]]
    tom_cards = {card.number: card for card in lanes["Tom Tech"].cards}
    assert tom_cards[a["number"]].overlaps and tom_cards[b["number"]].overlaps
    assert tom_cards[a["number"]].overlaps_with == f"#{b['number']}"
    assert not tom_cards[c["number"]].overlaps
    assert lanes["Tom Tech"].overlap_count == 2 and lanes["Sam Smith"].overlap_count == 0
    assert [card.number for card in lanes["Sam Smith"].cards] == [d["number"]]
    assert tom_cards[a["number"]].time_text == "9:00 AM - 11:00 AM"
    assert board.total == 6


def test_assigning_from_the_board_moves_the_card(shop):
    tom = shop.technician("Tom Tech")
    job = shop.job()
    jobs.assign_technician(shop.db, actor=shop.user, job_id=str(job["_id"]),
                           technician_id=tom.id)
    lanes = {lane.name: lane for lane in
             dispatch_board.board_for_day(shop.db, actor=shop.user, day=DAY).lanes}
    assert lanes["Unassigned"].cards == [] and len(lanes["Tom Tech"].cards) == 1


def test_inactive_technician_keeps_a_lane_while_they_have_jobs_and_canceled_are_hidden(shop):
    tom = shop.technician("Tom Tech")
    shop.job(technician_id=tom.id)
    canceled = shop.job()
    job_lifecycle.cancel_job(shop.db, actor=shop.user, job_id=str(canceled["_id"]),
                             reason="No longer needed")
    set_technician_active(shop.db, actor=shop.admin, technician_id=tom.id, active=False)
    board = dispatch_board.board_for_day(shop.db, actor=shop.user, day=DAY)
    assert [(lane.name, lane.active) for lane in board.lanes] == [("Unassigned", True),
                                                                  ("Tom Tech", False)]
    assert board.lanes[0].cards == []


def test_board_shows_only_the_callers_company(shop, other_shop):
    other_shop.job()
    board = dispatch_board.board_for_day(shop.db, actor=shop.user, day=DAY)
    assert board.total == 0
    theirs = other_shop.job()
    with pytest.raises(NotFound):
        jobs.assign_technician(shop.db, actor=shop.user, job_id=str(theirs["_id"]),
                               technician_id=shop.technician().id)


def test_parse_day_falls_back_to_today():
    assert dispatch_board.parse_day("2025-06-02", DAY.replace(day=9)) == DAY
    assert dispatch_board.parse_day("garbage", DAY) == DAY

"""The board page's state handlers as the browser calls them: the Needs
scheduling lane, the week view from the URL, a drop, the Move… dialog and
refused input."""

from __future__ import annotations

import pytest

from state.board import BoardState
from tests.integration.tabs import Tab, call


@pytest.fixture
def tab(shop):
    return Tab.signed_in(shop.db, shop.db["users"].find_one({"_id": shop.user.user_id}))


def _undated(shop, **overrides):
    return shop.job(date="", start_time="", end_time="", **overrides)


def test_dropping_a_needs_scheduling_card_on_a_slot(shop, tab):
    tom = shop.technician("Tom Tech")
    job = _undated(shop, client_name="Asa Asap")
    state = tab.at(BoardState, "/board?view=day&day=2025-06-02")
    call(state, "load")
    assert [c["client_name"] for c in state.needs] == ["Asa Asap"] and state.needs_total == "1"
    assert state.columns[0]["label"] == "7 AM" and len(state.columns) == 13
    tom_row = next(lane for lane in state.lanes if lane["name"] == "Tom Tech")
    target = next(c["target"] for c in tom_row["cells"] if c["slot"].endswith("T14:00"))
    events = call(state, "drop", str(job["_id"]), target)
    assert f"Job #{job['number']} moved." in repr(events)
    assert state.needs == [] and state.needs_total == "0"
    tom_row = next(lane for lane in state.lanes if lane["name"] == "Tom Tech")
    cell = next(c for c in tom_row["cells"] if c["slot"] == "2025-06-02T14:00")
    assert [c["time_text"] for c in cell["cards"]] == ["2:00 PM - 3:00 PM"]
    assert [s["name"] for s in state.stops] == ["Tom Tech"]
    assert state.stops_label == "Stops on Monday, June 2"


def test_bad_drops_are_refused_with_a_sentence_and_change_nothing(shop, tab):
    job = _undated(shop)
    state = tab.at(BoardState, "/board?day=2025-06-02")
    call(state, "load")
    events = call(state, "drop", str(job["_id"]), "not a cell")
    assert "Drop the job on a technician" in repr(events)
    events = call(state, "drop", str(job["_id"]), "|2025-06-02T25:00")
    assert "Enter the time like 14:00" in repr(events)
    assert shop.db["jobs"].find_one({"_id": job["_id"]})["scheduled_start"] is None


def test_the_move_dialog_moves_without_dragging_and_the_week_view_shows_it(shop, tab):
    sam = shop.technician("Sam Smith")
    job = _undated(shop)
    state = tab.at(BoardState, "/board?view=week&day=2025-06-04")
    call(state, "load")
    assert state.view == "week" and state.columns[0]["slot"] == "2025-06-02"
    call(state, "open_move", str(job["_id"]))
    assert state.move_open and state.move_time == "09:00" and state.move_day == "2025-06-04"
    call(state, "set_move_tech", sam.id)
    call(state, "save_move", {"day": "2025-06-05", "time": "10:30"})
    assert not state.move_open
    row = next(lane for lane in state.lanes if lane["name"] == "Sam Smith")
    cell = next(c for c in row["cells"] if c["slot"] == "2025-06-05")
    assert [c["time_text"] for c in cell["cards"]] == ["Thu 10:30 AM - 11:30 AM"]
    assert "view=week&day=2025-06-11" in repr(call(state, "shift", 1))
    assert "view=day" in repr(call(state, "set_view", "day"))

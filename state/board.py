"""Dispatch board: a day or a week (``?view=week&day=YYYY-MM-DD`` in the URL),
a row per technician over a time grid, the "Needs scheduling" lane, moving
cards by drag and drop or the "Move..." dialog, and the day's stops."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.words import pluralize
from iprodash.integrations.maps import maps_enabled
from iprodash.services import dispatch_board as board_service
from iprodash.services import jobs
from iprodash.services.dispatch_board import (DAY, VIEWS, WEEK, board_for_day, company_today,
                                              needs_scheduling, parse_day, parse_view)
from state import routes
from state.session import (SessionState, as_choice, as_flag, as_form, as_int, as_text,
                           handles_errors, loads_page)

UNASSIGNED = "unassigned"


def _tech(value: str) -> str:
    """The board's lane id ("unassigned") as a service technician id ("")."""
    return "" if value == UNASSIGNED else value


def _card(card) -> dict:
    return {**asdict(card), "technician_id": card.technician_id or UNASSIGNED,
            "lat": "", "lng": ""}


class BoardState(SessionState):
    view: str = DAY
    day: str = ""
    day_label: str = ""
    columns: list[dict] = []
    lanes: list[dict] = []
    choices: list[dict] = []
    total: int = 0
    truncated: bool = False
    needs: list[dict] = []
    needs_before: str = ""
    needs_next: str = ""
    needs_total: str = "0"
    stops: list[dict] = []
    stops_label: str = ""
    map_ready: bool = False
    move_open: bool = False
    move_job_id: str = ""
    move_number: int = 0
    move_tech: str = UNASSIGNED
    move_day: str = ""
    move_time: str = "09:00"

    @rx.var
    def total_text(self) -> str:
        """"1 job", "12 jobs" for the heading."""
        return pluralize(self.total, "job")

    @rx.var
    def map_src(self) -> str:
        """The day's map through the app (the Google key never reaches the browser)."""
        return f"/api/board/map?day={self.day}" if self.map_ready and self.day else ""

    def _show(self) -> None:
        actor, db = self._actor(), get_db()
        query = self.router.url.query_parameters
        day = parse_day(query.get("day", ""), company_today(db, actor=actor))
        board = board_for_day(db, actor=actor, day=day, view=parse_view(query.get("view", "")))
        self.view, self.day, self.day_label = board.view, board.day, board.day_label
        self.total, self.truncated = board.total, board.truncated
        self.columns = [asdict(c) for c in board.columns]
        self.lanes = [{"id": lane.technician_id or UNASSIGNED, "name": lane.name,
                       "color": lane.color, "active": lane.active,
                       "overlaps": lane.overlap_count,
                       "cards": [_card(c) for c in lane.cards],
                       "cells": [{"slot": cell.slot,
                                  "target": f"{lane.technician_id}|{cell.slot}",
                                  "cards": [_card(c) for c in cell.cards]}
                                 for cell in lane.cells]}
                      for lane in board.lanes]
        self.choices = [{"id": lane["id"], "name": lane["name"]} for lane in self.lanes
                        if lane["active"]]
        self.stops = [{"name": lane.name, "color": lane.color,
                       "stops": [{"number": c.number, "time_text": c.time_text,
                                  "client_name": c.client_name, "address": c.address or "-"}
                                 for c in lane.cards if c.day == board.day]}
                      for lane in board.lanes if any(c.day == board.day for c in lane.cards)]
        shown = parse_day(board.day, day)
        self.stops_label = f"Stops on {shown:%A, %B} {shown.day}"
        self.map_ready = maps_enabled() and any(
            c.lat is not None for lane in board.lanes for c in lane.cards if c.day == board.day)
        self._show_needs()

    def _show_needs(self) -> None:
        page = needs_scheduling(get_db(), actor=self._actor(), before=self.needs_before)
        self.needs = [_card(c) for c in page.cards]
        self.needs_next = page.next_before
        self.needs_total = page.total_text

    @rx.event
    @loads_page
    def load(self):
        self.needs_before = ""
        self.move_open = False
        self._show()

    def _go(self, day: date, view: str | None = None):
        view = view or self.view or DAY
        return rx.redirect(f"{routes.BOARD}?view={view}&day={day.isoformat()}", replace=True)

    def _current(self) -> date:
        return parse_day(self.day, company_today(get_db(), actor=self._actor()))

    @rx.event
    @handles_errors
    def shift(self, steps: int):
        steps = as_int(steps, -366, 366)
        return self._go(self._current() + timedelta(days=steps * (7 if self.view == WEEK
                                                                    else 1)))

    @rx.event
    @handles_errors
    def pick_day(self, value: str):
        value = as_text(value, 320)
        return self._go(parse_day(value, self._current()))

    @rx.event
    @handles_errors
    def today(self):
        return self._go(company_today(get_db(), actor=self._actor()))

    @rx.event
    @handles_errors
    def set_view(self, view: str):
        view = as_choice(view, VIEWS)
        return self._go(self._current(), view)

    @rx.event
    @handles_errors
    def needs_older(self):
        self._actor()
        if self.needs_next:
            self.needs_before = self.needs_next
            self._show_needs()

    @rx.event
    @handles_errors
    def needs_newest(self):
        self._actor()
        self.needs_before = ""
        self._show_needs()

    def _after_move(self, change, what: str):
        self._show()
        return [rx.toast.success(f"Job #{change.job['number']} {what}."),
                *[rx.toast.info(note) for note in change.notices]]

    @rx.event
    @handles_errors
    def assign(self, job_id: str, technician_id: str):
        job_id = as_text(job_id, 40)
        technician_id = as_text(technician_id, 40)
        change = jobs.assign_technician(get_db(), actor=self._actor(), job_id=job_id,
                                        technician_id=_tech(technician_id) or None)
        return self._after_move(change, "assigned")

    @rx.event
    @handles_errors
    def drop(self, job_id: str, target: str):
        """A card dropped on a grid cell ("<technician id>|<day>[T<HH:MM>]")."""
        job_id = as_text(job_id, 40)
        target = as_text(target, 80)
        technician, day, at = board_service.parse_target(target)
        change = board_service.move_job(get_db(), actor=self._actor(), job_id=job_id,
                                        technician_id=_tech(technician), day=day, at=at)
        return self._after_move(change, "moved")

    @rx.event
    @handles_errors
    def open_move(self, job_id: str):
        """The "Move..." dialog for a card (the keyboard way to drag)."""
        job_id = as_text(job_id, 40)
        self._actor()
        card = next((c for c in self.needs + [c for lane in self.lanes for c in lane["cards"]]
                     if c["id"] == job_id), None)
        if card is None:
            return rx.toast.error("That job is no longer on the board. Reload the page.")
        self.move_job_id, self.move_number = job_id, int(card["number"])
        self.move_tech = card["technician_id"] or UNASSIGNED
        self.move_day = card["day"] or self.day
        self.move_time = card["start_time"] or "09:00"
        self.move_open = True

    @rx.event
    @handles_errors
    def set_move_open(self, value: bool):
        value = as_flag(value)
        self.move_open = value and bool(self.move_job_id)

    @rx.event
    @handles_errors
    def set_move_tech(self, value: str):
        self.move_tech = as_text(value, 40)

    @rx.event
    @handles_errors
    def save_move(self, form: dict):
        form = as_form(form, 80)
        change = board_service.move_job(
            get_db(), actor=self._actor(), job_id=self.move_job_id,
            technician_id=_tech(self.move_tech), day=form.get("day", ""),
            at=form.get("time", ""))
        self.move_open = False
        return self._after_move(change, "moved")

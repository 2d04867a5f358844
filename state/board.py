"""Dispatch board: one day (``?day=YYYY-MM-DD`` in the URL), a lane per technician."""

from __future__ import annotations

from datetime import date, timedelta

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.words import pluralize
from iprodash.services import jobs
from iprodash.services.dispatch_board import board_for_day, company_today, parse_day
from state import routes
from state.session import SessionState, as_int, as_text, handles_errors, loads_page

UNASSIGNED = "unassigned"


class BoardState(SessionState):
    day: str = ""
    day_label: str = ""
    lanes: list[dict] = []
    choices: list[dict] = []
    total: int = 0
    truncated: bool = False

    @rx.var
    def total_text(self) -> str:
        """"1 job", "12 jobs" for the day's heading."""
        return pluralize(self.total, "job")

    def _show(self) -> None:
        actor = self._actor()
        today = company_today(get_db(), actor=actor)
        day = parse_day(self.router.url.query_parameters.get("day", ""), today)
        board = board_for_day(get_db(), actor=actor, day=day)
        self.day, self.day_label = board.day, board.day_label
        self.total, self.truncated = board.total, board.truncated
        self.lanes = [{"id": lane.technician_id or UNASSIGNED, "name": lane.name,
                       "color": lane.color, "active": lane.active,
                       "overlaps": lane.overlap_count,
                       "cards": [{**card.__dict__,
                                  "technician_id": card.technician_id or UNASSIGNED}
                                 for card in lane.cards]}
                      for lane in board.lanes]
        self.choices = [{"id": lane["id"], "name": lane["name"]} for lane in self.lanes
                        if lane["active"]]

    @rx.event
    @loads_page
    def load(self):
        self._show()

    def _go(self, day: date):
        return rx.redirect(f"{routes.BOARD}?day={day.isoformat()}", replace=True)

    @rx.event
    @handles_errors
    def shift(self, days: int):
        days = as_int(days, -3660, 3660)
        current = parse_day(self.day, company_today(get_db(), actor=self._actor()))
        return self._go(current + timedelta(days=max(-366, min(366, int(days)))))

    @rx.event
    @handles_errors
    def pick_day(self, value: str):
        value = as_text(value, 320)
        fallback = parse_day(self.day, company_today(get_db(), actor=self._actor()))
        return self._go(parse_day(value, fallback))

    @rx.event
    @handles_errors
    def today(self):
        return self._go(company_today(get_db(), actor=self._actor()))

    @rx.event
    @handles_errors
    def assign(self, job_id: str, technician_id: str):
        job_id = as_text(job_id, 40)
        technician_id = as_text(technician_id, 40)
        change = jobs.assign_technician(
            get_db(), actor=self._actor(), job_id=job_id,
            technician_id=None if technician_id == UNASSIGNED else technician_id)
        self._show()
        return [rx.toast.success(f"Job #{change.job['number']} assigned."),
                *[rx.toast.info(note) for note in change.notices]]

"""My earnings on the technician's phone: one period, its totals, a page of jobs."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.money import format_money
from iprodash.services import technician_earnings as earnings
from state.paging import KeysetPager
from state.session import SessionState, as_text, handles_errors, loads_page


class TechEarningsState(KeysetPager, SessionState):
    """Figures reach the browser only after the service allowed them."""

    period: str = "this_week"
    allowed: bool = False
    loaded: bool = False
    period_label: str = ""
    totals: dict[str, str] = {}
    balance_text: str = ""
    settled_text: str = ""

    def _clear(self) -> None:
        self.rows, self.totals, self.has_next = [], {}, False
        self.period_label = self.balance_text = self.settled_text = ""

    def _reload(self) -> None:
        db, actor = get_db(), self._actor()
        self.loaded = True
        self.allowed = earnings.earnings_allowed(db, actor=actor)
        if not self.allowed:
            self._clear()
            return
        result = earnings.my_earnings(db, actor=actor, period=self.period, after=self._cursor())
        summary = result.summary
        self.period_label = result.period_label
        self.totals = {"jobs": str(summary.jobs), "commission": format_money(summary.commission),
                       "parts": format_money(summary.parts_by_technician),
                       "collected": format_money(summary.collected_by_technician),
                       "balance": format_money(summary.balance)}
        self.balance_text = earnings.balance_sentence(summary.balance)
        self.settled_text = ""
        if result.settled_jobs:
            self.settled_text = (f"The office already paid out {result.settled_jobs} of these "
                                 f"jobs. Still open: "
                                 f"{earnings.balance_sentence(result.unsettled_balance)}")
        self.rows = [{"id": r.id, "number": f"#{r.number}", "day": r.closed_day,
                      "city": r.city, "gross": format_money(r.gross),
                      "commission": format_money(r.commission), "cursor": r.cursor}
                     for r in result.rows]
        self.has_next = result.has_next

    def _cursor_of(self, row: dict) -> str:
        return row["cursor"]

    @rx.event
    @loads_page
    def load(self):
        self.loaded = False
        self._clear()
        self._open_page()

    @rx.event
    @handles_errors
    def set_period(self, value: str):
        value = as_text(value, 320)
        if value in earnings.PERIODS:
            self.period = value
            self._first_page()

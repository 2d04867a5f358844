"""Operator console: companies and the email outbox."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.statuses import COMPANY_STATUS_LABELS
from iprodash.domain.words import label
from iprodash.services import operator
from state.paging import KeysetPager
from state.session import SessionState, as_text, handles_errors, loads_page


class OperatorState(KeysetPager, SessionState):
    totals: dict[str, int] = {}
    status_filter: str = ""
    reason: str = ""

    def _reload(self) -> None:
        actor = self._actor()
        page = operator.list_companies(get_db(), actor=actor, status=self.status_filter,
                                       after_id=self._cursor())
        self.rows = [{**row.__dict__} for row in page]
        self.has_next = len(page) == operator.PAGE_SIZE
        self.totals = operator.platform_totals(get_db(), actor=actor)

    @rx.event
    @loads_page
    def load(self):
        self._open_page()

    @rx.event
    @handles_errors
    def set_status_filter(self, value: str):
        value = as_text(value, 320)
        self.status_filter = "" if value == "all" else value
        self._first_page()

    @rx.event
    @handles_errors
    def set_reason(self, value: str):
        value = as_text(value, 500)
        self.reason = value[:500]

    @rx.event
    @handles_errors
    def act(self, company_id: str, action: str):
        company_id = as_text(company_id, 40)
        action = as_text(action, 320)
        status = operator.change_company_status(get_db(), actor=self._actor(),
                                                company_id=company_id, action=action,
                                                reason=self.reason)
        self.reason = ""
        self._reload()
        return rx.toast.success(f"Company is now {status}.")

    @rx.var
    def totals_text(self) -> str:
        parts = [f"{label(COMPANY_STATUS_LABELS, status)}: {count}"
                 for status, count in sorted(self.totals.items())]
        return " · ".join(parts) or "No companies yet."


class OutboxState(KeysetPager, SessionState):
    def _reload(self) -> None:
        page = operator.list_outbox(get_db(), actor=self._actor(), before_id=self._cursor())
        self.rows = page
        self.has_next = len(page) == operator.PAGE_SIZE

    @rx.event
    @loads_page
    def load(self):
        self._open_page()

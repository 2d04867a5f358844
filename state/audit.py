"""Audit log page (company-admin)."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.audit_words import ACTION_AREAS, TARGET_LABELS
from iprodash.domain.dates import parse_day
from iprodash.services import audit_log
from state.paging import KeysetPager
from state.session import SessionState, as_text, handles_errors, loads_page


class AuditState(KeysetPager, SessionState):
    action_filter: str = ""
    days: int = 0
    who_filter: str = ""
    people: list[dict] = []
    date_from: str = ""
    date_to: str = ""
    target_type: str = ""
    target_id: str = ""
    verify_message: str = ""

    def _cursor_of(self, row: dict) -> str:
        return str(row["seq"])

    def _reload(self) -> None:
        before = int(self._cursor() or 0)
        page = audit_log.list_audit(get_db(), actor=self._actor(), action=self.action_filter,
                                    days=self.days, before_seq=before, actor_id=self.who_filter,
                                    date_from=self.date_from, date_to=self.date_to,
                                    target_type=self.target_type, target_id=self.target_id)
        self.rows = [{**row.__dict__} for row in page]
        self.has_next = len(page) == audit_log.PAGE_SIZE

    @rx.event
    @loads_page
    def load(self):
        """Page 1 with the filters as they were; on a reconnect, the page on screen."""
        self.verify_message = ""
        self.people = audit_log.audit_people(get_db(), actor=self._actor())
        self._open_page()

    @rx.event
    @handles_errors
    def set_action_filter(self, value: str):
        value = as_text(value, 320)
        self.action_filter = value if value in ACTION_AREAS else ""
        self.cursor_stack = []
        self._reload()

    @rx.event
    @handles_errors
    def set_days(self, value: str):
        value = as_text(value, 320)
        self.days = {"all": 0, "1": 1, "7": 7, "30": 30, "90": 90}.get(value, 0)
        self.cursor_stack = []
        self._reload()

    @rx.event
    @handles_errors
    def set_who_filter(self, value: str):
        value = as_text(value, 320)
        known = {person["id"] for person in self.people}
        self.who_filter = value if value in known else ""
        self.cursor_stack = []
        self._reload()

    @rx.event
    @handles_errors
    def set_date_from(self, value: str):
        value = as_text(value, 320)
        if value.strip():
            parse_day(value, message="Enter the from date as YYYY-MM-DD.", field="from")
        self.date_from = value.strip()[:10]
        self.cursor_stack = []
        self._reload()

    @rx.event
    @handles_errors
    def set_date_to(self, value: str):
        value = as_text(value, 320)
        if value.strip():
            parse_day(value, message="Enter the to date as YYYY-MM-DD.", field="to")
        self.date_to = value.strip()[:10]
        self.cursor_stack = []
        self._reload()

    @rx.event
    @handles_errors
    def set_target_type(self, value: str):
        value = as_text(value, 320)
        self.target_type = value if value in TARGET_LABELS else ""
        self.cursor_stack = []
        self._reload()

    @rx.event
    @handles_errors
    def set_target_id(self, value: str):
        value = as_text(value, 320)
        self.target_id = value.strip()[:64]
        self.cursor_stack = []
        self._reload()

    @rx.event
    @handles_errors
    def verify(self):
        self.verify_message = audit_log.verify_company_audit(get_db(), actor=self._actor())

"""The company's outbox page (company-admin): messages, reasons, retries, local sent box."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.services import outbox_admin
from state.paging import KeysetPager
from state.session import SessionState, as_text, handles_errors, loads_page


class OutboxAdminState(KeysetPager, SessionState):
    status_filter: str = ""
    sent_rows: list[dict] = []
    sent_cursor_stack: list[str] = []
    sent_has_next: bool = False

    def _reload(self) -> None:
        before = self.cursor_stack[-1] if self.cursor_stack else ""
        page = outbox_admin.list_company_messages(get_db(), actor=self._actor(),
                                                  status=self.status_filter, before_id=before)
        self.rows = [row.as_dict() for row in page]
        self.has_next = len(page) == outbox_admin.PAGE_SIZE

    def _reload_sent(self) -> None:
        before = self.sent_cursor_stack[-1] if self.sent_cursor_stack else ""
        self.sent_rows = outbox_admin.list_company_sent_box(get_db(), actor=self._actor(),
                                                            before_id=before)
        self.sent_has_next = len(self.sent_rows) == outbox_admin.PAGE_SIZE

    @rx.event
    @loads_page
    def load(self):
        """Both lists at page 1; on a reconnect, each at the page on screen."""
        if not self._open_page():
            self.sent_cursor_stack = []
        self._reload_sent()

    @rx.event
    @handles_errors
    def set_status_filter(self, value: str):
        value = as_text(value, 320)
        self.status_filter = value if value in outbox_admin.STATUSES else ""
        self.cursor_stack = []
        self._reload()

    @rx.event
    @handles_errors
    def retry(self, message_id: str):
        message_id = as_text(message_id, 40)
        outbox_admin.retry_dead_message(get_db(), actor=self._actor(), message_id=message_id)
        self._reload()
        return rx.toast.success("The message is queued again and will be sent shortly.")

    @rx.event
    @handles_errors
    def next_sent_page(self):
        if self.sent_rows and self.sent_has_next:
            self.sent_cursor_stack = [*self.sent_cursor_stack, self.sent_rows[-1]["id"]]
            self._reload_sent()

    @rx.event
    @handles_errors
    def previous_sent_page(self):
        self.sent_cursor_stack = self.sent_cursor_stack[:-1]
        self._reload_sent()

"""Texts page: received texts (inbox) and one number's thread with a reply box."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import ValidationError
from iprodash.services import conversations
from state import routes
from state.paging import KeysetPager
from state.session import SessionState, as_text, handles_errors, loads_page


class InboxState(KeysetPager, SessionState):

    def _reload(self) -> None:
        before = self.cursor_stack[-1] if self.cursor_stack else ""
        self.rows = conversations.recent_inbound(get_db(), actor=self._actor(), before_id=before)
        self.has_next = len(self.rows) == conversations.PAGE_SIZE

    @rx.event
    @loads_page
    def load(self):
        self.cursor_stack = []
        self._reload()


class ThreadState(SessionState):
    display: str = ""
    client_name: str = ""
    blocked_reason: str = ""
    messages: list[dict] = []
    draft: str = ""
    error: str = ""

    def _thread_key(self) -> str:
        return self.router.url.path.rstrip("/").rsplit("/", 1)[-1][:20]

    def _reload(self) -> None:
        thread = conversations.client_thread(get_db(), actor=self._actor(),
                                             phone=self._thread_key())
        self.display, self.client_name = thread.display, thread.client_name
        self.blocked_reason, self.messages = thread.blocked_reason, thread.messages

    @rx.event
    @loads_page
    def load(self):
        self.draft, self.error = "", ""
        self._reload()

    @rx.event
    @handles_errors
    def set_draft(self, text: str):
        text = as_text(text, 5000)
        self.draft = str(text)[:conversations.MAX_REPLY + 100]

    @rx.event
    @handles_errors
    def send(self):
        try:
            outcome = conversations.reply(get_db(), actor=self._actor(),
                                          phone=self._thread_key(), text=self.draft)
        except ValidationError as exc:
            self.error = exc.message
            return None
        self.error = ""
        self._reload()
        if not outcome.queued:
            return rx.toast.error(outcome.reason)
        self.draft = ""
        return rx.toast.success("Text queued; it is sent within seconds.")

    @rx.event
    @handles_errors
    def open_client_thread(self, client_id: str):
        """For other pages: jump to a client's thread."""
        client_id = as_text(client_id, 40)
        key = conversations.client_thread_key(get_db(), actor=self._actor(), client_id=client_id)
        return rx.redirect(routes.MESSAGE_THREAD.replace("[thread]", key))

    @rx.var
    def title(self) -> str:
        return f"{self.client_name} · {self.display}" if self.client_name else self.display

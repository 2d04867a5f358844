"""Texts: the conversation list, one thread (its page, or a panel on the job and
client pages) with a reply box, and the unread badge of the navigation.

Each keeps itself current with :class:`state.live_refresh.LiveRefresh`.
"""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import NotFound, ValidationError
from iprodash.services import conversations
from iprodash.services.actor import COMPANY_ADMIN, USER, Actor
from state import routes
from state.job_detail import job_id_from_path
from state.live_refresh import POLL_SECONDS, LiveRefresh
from state.paging import KeysetPager
from state.session import SessionState, as_text, handles_errors, loads_page


class UnreadState(LiveRefresh, SessionState):
    """How many conversations have unread texts (the badge on Messages)."""

    unread: int = 0

    def _watch_path(self) -> str:
        return "every page"  # one loop per tab, whatever page it shows

    @staticmethod
    def _poll(actor: Actor, args: dict) -> bool:
        # Every tab of the company polls this: within half a period, one read serves all.
        return conversations.unread_conversations(get_db(), actor=actor,
                                                  max_age_s=POLL_SECONDS / 2) != args["shown"]

    def _poll_args(self) -> dict:
        return {"shown": self.unread}

    def _refresh(self, max_age_s: float = 0.0) -> None:
        self.unread = conversations.unread_conversations(get_db(), actor=self._actor(),
                                                         max_age_s=max_age_s)

    @rx.event
    @loads_page
    def refresh(self):
        if self._actor().role in (COMPANY_ADMIN, USER):
            self._refresh()

    @rx.event
    @loads_page
    def start(self):
        """``on_mount`` of the navigation (every page): count now, then keep the
        count current. A count read moments ago by this worker will do (the
        page's own loader may just have read it), unless this worker wrote a
        text or marked one read since. Nothing to do when this worker already
        runs the tab's loop (it polls whatever page the tab shows)."""
        if self._actor().role not in (COMPANY_ADMIN, USER):
            return None
        if self._watching_here():
            return None  # the tab's loop in this worker keeps the count current
        self._refresh(max_age_s=POLL_SECONDS / 2)
        return UnreadState.watch

    @rx.var
    def unread_text(self) -> str:
        return "99+" if self.unread > 99 else str(self.unread)


class InboxState(LiveRefresh, KeysetPager, SessionState):
    """The Messages page: conversations, the latest message first."""

    _newest: str = ""

    def _cursor_of(self, row: dict) -> str:
        return row["cursor"]

    def _reload(self) -> None:
        self.rows, self.has_next = conversations.list_conversations(
            get_db(), actor=self._actor(), after=self._cursor())
        if not self.cursor_stack and self.rows:
            self._newest = self.rows[0]["cursor"].split("|", 1)[0]

    def _poll_args(self) -> dict:
        return {"since": self._newest}

    @staticmethod
    def _poll(actor: Actor, args: dict) -> bool:
        if not args["since"]:  # nothing listed yet: any conversation is news
            return bool(conversations.unread_conversations(get_db(), actor=actor))
        return bool(conversations.conversations_changed_since(get_db(), actor=actor,
                                                              since=args["since"]))

    def _refresh(self) -> None:
        if not self.cursor_stack:  # a later page stays where the reader is
            self._reload()

    @rx.event
    @loads_page
    def load(self):
        self._open_page()
        return [InboxState.watch, UnreadState.refresh]


class ThreadState(LiveRefresh, SessionState):
    """One number's thread: on its own page, or as a panel on a job or client page."""

    display: str = ""
    client_name: str = ""
    client_id: str = ""
    thread: str = ""
    blocked_reason: str = ""
    messages: list[dict] = []
    draft: str = ""
    error: str = ""
    # Which number: set by the loaders from the URL or a checked job/client, never
    # by the browser.
    _key: str = ""
    _last_inbound_id: str = ""

    def _clear(self) -> None:
        self.display = self.client_name = self.client_id = self.thread = ""
        self.blocked_reason, self.messages, self.draft, self.error = "", [], "", ""
        self._key = self._last_inbound_id = ""

    def _reload(self) -> None:
        if not self._key:
            return
        thread = conversations.client_thread(get_db(), actor=self._actor(), phone=self._key)
        self.display, self.client_name = thread.display, thread.client_name
        self.client_id, self.thread = thread.client_id, self._key
        self.blocked_reason, self.messages = thread.blocked_reason, thread.messages
        self._last_inbound_id = thread.last_inbound_id

    def _open(self, key: str):
        self._clear()
        self._key = key
        self._reload()
        return [ThreadState.watch, UnreadState.refresh]

    def _poll_args(self) -> dict:
        return {"key": self._key, "after": self._last_inbound_id}

    @staticmethod
    def _poll(actor: Actor, args: dict) -> bool:
        if not args["key"]:
            return False
        return bool(conversations.inbound_since(get_db(), actor=actor, phone=args["key"],
                                                after_id=args["after"]))

    def _refresh(self) -> None:
        self._reload()

    @rx.event
    @loads_page
    def load(self):
        """The thread page: the number is the last part of the URL."""
        self._clear()
        return self._open(self.router.url.path.rstrip("/").rsplit("/", 1)[-1][:20])

    @rx.event
    @loads_page
    def load_for_job(self):
        """The job page's panel: the job's client's number."""
        return [ThreadState.watch, UnreadState.refresh] if self._open_for_job() else None

    def _open_for_job(self) -> bool:
        """Show the thread of the job's client (also run by the job page's loader);
        True when there is one to keep current."""
        self._clear()
        key = conversations.job_thread_key(get_db(), actor=self._actor(),
                                           job_id=job_id_from_path(self.router.url.path))
        if not key:
            return False
        try:
            self._key = key
            self._reload()
        except NotFound:
            self._clear()  # the number has no client nor texts (e.g. erased)
            return False
        return True

    @rx.event
    @loads_page
    def load_for_client(self):
        """The client page's panel: the client's number."""
        self._clear()
        client_id = self.router.url.path.rstrip("/").rsplit("/", 1)[-1][:64]
        try:
            key = conversations.client_thread_key(get_db(), actor=self._actor(),
                                                  client_id=client_id)
        except ValidationError:
            return None  # no phone number: the panel says so
        try:
            return self._open(key)
        except NotFound:
            self._clear()
            return None

    @rx.event
    @handles_errors
    def set_draft(self, text: str):
        text = as_text(text, 5000)
        self.draft = str(text)[:conversations.MAX_REPLY + 100]

    @rx.event
    @handles_errors
    def send(self):
        if not self._key:
            return rx.toast.error("Open a conversation first.")
        try:
            outcome = conversations.reply(get_db(), actor=self._actor(), phone=self._key,
                                          text=self.draft)
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

    @rx.var
    def thread_href(self) -> str:
        return routes.MESSAGE_THREAD.replace("[thread]", self.thread) if self.thread else ""

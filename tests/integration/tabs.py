"""A browser tab for state tests: one client's root state whose router carries
the tab's session cookie (or none), so a handler runs as it would behind a page.
Importing it loads the app, so every state is registered.

    tab = Tab.signed_in(db, user)
    jobs = tab.at(JobsState, "/jobs?status=open")
    call(jobs, "load")
"""

from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass

import reflex as rx
from reflex import constants
from reflex.istate.data import RouterData
from reflex.istate.delta import _resolve_delta
from reflex_base.event import Event
from reflex_base.event.context import EventContext

from iprodash.api.security import SESSION_COOKIE
from iprodash.iprodash import app  # also registers every page and state
from iprodash.services import auth
from iprodash.services.technician_access import create_technician_link, open_technician_link


@dataclass
class Hydrated:
    """What a page load's first event sent: the state snapshot and the events."""

    delta: dict
    events: list


class Tab:
    """One browser tab: a client token's root state; the cookie comes and goes."""

    def __init__(self, cookie: str = ""):
        self.root = rx.State(_reflex_internal_init=True)
        self.cookie = cookie

    @classmethod
    def signed_in(cls, db, user: dict) -> Tab:
        """A tab with a fresh session of ``user`` (a users document)."""
        return cls(auth.issue_session(db, user=user, ip="127.0.0.1", user_agent="pytest"))

    @classmethod
    def technician(cls, db, *, admin, technician_id: str) -> Tab:
        """A phone that opened the sign-in link ``admin`` sent the technician."""
        path = create_technician_link(db, actor=admin, technician_id=technician_id)
        return cls(open_technician_link(db, token=path.rsplit("/", 1)[-1], ip="127.0.0.1"))

    def sign_in(self, db, user: dict) -> None:
        """The user logs in in this tab: a new session cookie, the browser at "/"."""
        self.cookie = auth.issue_session(db, user=user, ip="127.0.0.1", user_agent="pytest")
        self.route("/")

    def log_out(self, db) -> None:
        """What POST /api/auth/logout does: revoke, and the browser drops the cookie."""
        auth.logout(db, token=self.cookie)
        self.cookie = ""
        self.route("/login")

    def route(self, url: str) -> None:
        """The browser is at ``url`` (path and query), sending the cookie if it has one."""
        headers = {"origin": "http://localhost:3000"}
        if self.cookie:
            headers["cookie"] = f"{SESSION_COOKIE}={self.cookie}"
        self.root.router = RouterData.from_router_data({
            constants.RouteVar.HEADERS: headers, constants.RouteVar.ORIGIN: url,
            constants.RouteVar.CLIENT_IP: "127.0.0.1"})

    def at(self, state_cls, url: str):
        """``state_cls``'s instance in this tab, with the browser at ``url``."""
        self.route(url)
        return self.root.get_substate(state_cls.get_full_name().split("."))

    def hydrate(self, payload: dict | None = None) -> Hydrated:
        """A page load's first event: the app's middlewares, then the snapshot
        ``hydrate_and_load`` sends (the whole state's ``dict()``). ``payload`` is
        the event's: the browser sends ``{"hashes": [...]}`` on a fresh page load
        and nothing on a socket's reconnect."""
        return asyncio.run(self._hydrate(payload or {}))

    async def _hydrate(self, payload: dict) -> Hydrated:
        emitted: list[Event] = []

        async def record(_token, *events):
            emitted.extend(events)

        async def ignore(*_args, **_kwargs):
            return None

        context = EventContext(token="tab-token", state_manager=None, enqueue_impl=ignore,
                               emit_delta_impl=ignore, emit_event_impl=record)
        reset = EventContext.set(context)
        try:
            event = Event(name=f"{rx.State.get_full_name()}.hydrate_and_load", payload=payload)
            assert await app._preprocess(self.root, event) is None
        finally:
            EventContext.reset(reset)
        return Hydrated(delta=await _resolve_delta(self.root.dict()), events=emitted)


def call(state, name: str, *args):
    """Run one event handler (its undecorated body runs inside the decorators)."""
    result = type(state).event_handlers[name].fn(state, *args)
    if inspect.iscoroutine(result):  # a loader that fills other states (get_state)
        return asyncio.run(result)
    return result

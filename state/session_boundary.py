"""Page state belongs to one session: when that session ends or another one
appears in the same tab, every page state is reset before anything is sent.

Reflex keeps a tab's state on the server under the tab's client token, which
outlives logout and a later login to another company in the same tab. The
state therefore remembers which session it was built for (a hash of the
session cookie, never the cookie itself) and every event compares:

- the :class:`SessionBoundary` middleware runs before every event, hydrate
  included; on hydrate it also checks the session is still live, so a revoked
  or expired cookie starts from empty state too, and it tells the browser to
  drop its client token so the next page load starts a new state tree;
- ``SessionState._actor()`` (which every handler passes through) repeats the
  comparison with the live session it authenticated.
"""

from __future__ import annotations

import asyncio
import hashlib
from http.cookies import SimpleCookie

import reflex as rx
from reflex.middleware import Middleware
from reflex_base.event import Event
from reflex_base.event.context import EventContext

from iprodash.api.security import SESSION_COOKIE
from iprodash.db import get_db
from iprodash.domain.errors import NotAuthenticated
from iprodash.services import auth

# The events a page load starts with (``hydrate_and_load`` in Reflex 0.10).
_HYDRATE_EVENTS = frozenset(f"{rx.State.get_full_name()}.{name}"
                            for name in ("hydrate", "hydrate_and_load"))

# Key under which Reflex's frontend keeps the tab's client token (state.js).
CLIENT_TOKEN_KEY = "token"


def session_cookie(cookie_header: str) -> str | None:
    """The session token in a ``Cookie`` header, or None."""
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header or "")
    except Exception:  # noqa: BLE001 - a malformed header means no session
        return None
    morsel = cookies.get(SESSION_COOKIE)
    return morsel.value if morsel and morsel.value else None


def binding_of(token: str | None) -> str:
    """What the state stores to recognise its session: a hash, "" for none."""
    return hashlib.sha256(token.encode()).hexdigest() if token else ""


def live_binding(token: str | None, ip: str = "") -> str:
    """:func:`binding_of` a token whose session is still live, else ""."""
    if not token:
        return ""
    try:
        auth.authenticate(get_db(), token=token, ip=ip)
    except NotAuthenticated:
        return ""
    return binding_of(token)


def reset_page_states(root: rx.State) -> None:
    """Reset every loaded substate of the tab (the root keeps its router)."""
    for substate in list(root.substates.values()):
        substate.reset()


async def _load_every_state(root: rx.State) -> None:
    """Make sure every state class is loaded, so the reset reaches all.

    The in-memory manager always holds the whole tree; Redis loads substates
    on demand, and one left out would come back later with old data.
    """
    pending = list(type(root).get_substates())
    while pending:
        cls = pending.pop()
        await root.get_state(cls)
        pending.extend(cls.get_substates())


class SessionBoundary(Middleware):
    """Reset the tab's state when its session is not the one it was built for."""

    async def preprocess(self, app, state, event):
        from state.session import SessionState

        root = state._get_root_state()
        session = await root.get_state(SessionState)
        token = session_cookie(root.router.headers.cookie)
        hydrating = event.name in _HYDRATE_EVENTS
        if hydrating:
            binding = await asyncio.to_thread(live_binding, token,
                                              root.router.session.client_ip)
        else:
            binding = binding_of(token)
        previous = session._session_binding
        if previous == binding:
            return None
        await _load_every_state(root)
        reset_page_states(root)
        session._session_binding = binding
        if not (hydrating and previous):
            return None
        # A session ended or was replaced: the hydrate that follows sends the
        # reset state, and the browser forgets this tab's client token so its
        # next page load starts a new state tree.
        await EventContext.get().emit_event(
            *Event.from_event_type(rx.remove_session_storage(CLIENT_TOKEN_KEY)))
        return None

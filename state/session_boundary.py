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
  comparison with the live session it authenticated;
- :class:`UploadSessionGuard` lets ``/_upload`` through only with the upload
  request's own cookie, live and the one the tab is bound to.
"""

from __future__ import annotations

import functools
import hashlib
import json
from http.cookies import SimpleCookie

import reflex as rx
from reflex.middleware import Middleware
from reflex_base.event import Event
from reflex_base.event.context import EventContext

from iprodash.api.security import SESSION_COOKIE
from iprodash.db import get_db
from iprodash.domain.errors import NotAuthenticated
from iprodash.services import auth
from state.handler_threads import off_the_loop

# The events a page load starts with (``hydrate_and_load`` in Reflex 0.10).
_HYDRATE_EVENTS = frozenset(f"{rx.State.get_full_name()}.{name}"
                            for name in ("hydrate", "hydrate_and_load"))
_HYDRATE_AND_LOAD = f"{rx.State.get_full_name()}.hydrate_and_load"


def page_key(url) -> str:
    """The page a tab shows, as a key: its path and query (the list's filters)."""
    return f"{url.path}?{url.query}"


def reconnecting(event: Event) -> bool:
    """A socket of a tab that is still open came back (a network blip, or its
    worker died and it reconnected to another). Reflex's frontend sends the
    compiled state's hashes only with the first connect of a page load."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    return event.name == _HYDRATE_AND_LOAD and not payload.get("hashes")

# Key under which Reflex's frontend keeps the tab's client token (state.js).
CLIENT_TOKEN_KEY = "token"


@functools.lru_cache(maxsize=4096)  # every event of a tab sends the same header
def session_cookie(cookie_header: str) -> str | None:
    """The session token in a ``Cookie`` header, or None."""
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header or "")
    except Exception:  # noqa: BLE001 - a malformed header means no session
        return None
    morsel = cookies.get(SESSION_COOKIE)
    return morsel.value if morsel and morsel.value else None


@functools.lru_cache(maxsize=4096)
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
            binding = await off_the_loop(live_binding, token, root.router.session.client_ip)
        else:
            binding = binding_of(token)
        previous = session._session_binding
        if hydrating:
            # The page's loaders run again after every hydrate; on a reconnect of the
            # same session they keep what the tab showed (state/paging.py _open_page).
            session._reconnected_to = (page_key(root.router.url)
                                       if previous == binding and reconnecting(event) else "")
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


async def _tab_binding(client_token: str) -> str:
    """The session the tab of ``client_token`` is bound to, read from its state."""
    from reflex.istate.manager.token import BaseStateToken

    from iprodash.iprodash import app
    from state.session import SessionState

    root = await app.state_manager.get_state(
        BaseStateToken(ident=client_token, cls=SessionState))
    session = await root.get_state(SessionState)
    return session._session_binding


class UploadSessionGuard:
    """ASGI wrapper: ``/_upload`` runs a handler only for the tab's own session.

    Reflex runs an upload's handler with the headers the tab's websocket
    connected with, so the client token alone would act as whoever is signed
    in on that tab. The upload request must carry its own session cookie, live,
    and the very session the tab's state is bound to.
    """

    def __init__(self, app, tab_binding=_tab_binding):
        self.app = app
        self.tab_binding = tab_binding

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("path", "").rstrip("/") != "/_upload":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        client = scope.get("client") or ("", 0)
        binding = await off_the_loop(
            live_binding, session_cookie(headers.get("cookie", "")), client[0])
        if not binding:
            await _refuse(send, 401, "Please log in again to upload files.")
            return
        client_token = headers.get("reflex-client-token", "")
        if not client_token or await self.tab_binding(client_token) != binding:
            await _refuse(send, 403, "This upload does not belong to your session.")
            return
        await self.app(scope, receive, send)


async def _refuse(send, status: int, sentence: str) -> None:
    body = json.dumps({"detail": sentence}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})

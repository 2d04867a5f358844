"""Live refresh: a background event that asks one cheap question every few
seconds while its page is open, and refreshes the page when the answer says so.

The question (``_poll``) is one indexed read (texts past the last one shown,
or one counter document). The session is checked when the loop starts and
again every :data:`REAUTH_SECONDS`, not on every poll: authenticating costs
three round trips, the poll one. The loop ends when the tab disconnects,
when the tab shows another page, when the page starts a newer loop, when the
session ends, or after :data:`MAX_SECONDS`.
"""

from __future__ import annotations

import asyncio
import functools
import time

import reflex as rx

from iprodash.domain.errors import DomainError
from iprodash.services.actor import Actor
from state.handler_threads import off_the_loop

POLL_SECONDS = 3.0
REAUTH_SECONDS = 60.0
MAX_SECONDS = 4 * 3600.0


@functools.cache
def _event_namespace():
    from reflex.utils.prerequisites import get_and_validate_app

    return get_and_validate_app().app.event_namespace


def tab_is_open(token: str) -> bool:
    """Whether the tab with this client token still has its websocket here."""
    try:
        namespace = _event_namespace()
    except Exception:  # noqa: BLE001 - no running app (e.g. compiling): let the cap end it
        return True
    return namespace is None or token in namespace.token_to_sid


class LiveRefresh(rx.State, mixin=True):
    """Mix into a page state; define ``_poll`` and ``_refresh``; start with ``watch``."""

    _watch_generation: int = 0

    def _poll_args(self) -> dict:
        """Runs inside the state lock: what the poll needs (e.g. the last id shown)."""
        return {}

    @staticmethod
    def _poll(actor: Actor, args: dict) -> bool:
        """Runs off the event loop, without the state: True when the page should refresh."""
        raise NotImplementedError

    def _refresh(self) -> None:
        """Runs inside the state lock: load what changed."""
        raise NotImplementedError

    def _watch_path(self) -> str:
        """The page the loop belongs to (the nav badge watches on every page)."""
        return self.router.url.path

    @rx.event(background=True)
    async def watch(self):
        async with self:
            self._watch_generation += 1
            generation, path = self._watch_generation, self._watch_path()
            token = self.router.session.client_token
            try:
                actor = await off_the_loop(self._actor)
            except DomainError:
                return
        started = checked = time.monotonic()
        while time.monotonic() - started < MAX_SECONDS:
            await asyncio.sleep(POLL_SECONDS)
            if not tab_is_open(token):
                return
            async with self:
                if self._watch_generation != generation or self._watch_path() != path:
                    return
                poll, args = self.__class__._poll, self._poll_args()
                if time.monotonic() - checked > REAUTH_SECONDS:
                    try:
                        actor, checked = await off_the_loop(self._actor), time.monotonic()
                    except DomainError:
                        return
            try:
                changed = await off_the_loop(poll, actor, args)
            except DomainError:
                return
            if changed:
                async with self:
                    if self._watch_generation != generation:
                        return
                    try:
                        await off_the_loop(self._refresh)
                    except DomainError:
                        return

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
import secrets
import time

import reflex as rx

from iprodash.domain.errors import DomainError
from iprodash.services.actor import Actor
from state.handler_threads import off_the_loop

POLL_SECONDS = 3.0
REAUTH_SECONDS = 60.0
MAX_SECONDS = 4 * 3600.0

# The loops running in this worker: (client token, state) -> the loop's generation.
_RUNNING: dict[tuple[str, str], int] = {}


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

    def _watching_here(self) -> bool:
        """Whether this worker runs this tab's current loop (a tab that reconnected
        to another worker, or whose state was reset, has none running there)."""
        key = (self.router.session.client_token, self.get_full_name())
        return bool(self._watch_generation) and _RUNNING.get(key) == self._watch_generation

    @rx.event(background=True)
    async def watch(self):
        async with self:
            # Random, not counted: a reset state starts again from 0, and a loop
            # of the tab's former session must not take the new one for its own.
            self._watch_generation = secrets.randbits(62) or 1
            generation, path = self._watch_generation, self._watch_path()
            token = self.router.session.client_token
            try:
                actor = await off_the_loop(self._actor)
            except DomainError:
                return
        key = (token, self.get_full_name())
        _RUNNING[key] = generation
        try:
            await self._loop(actor, generation, path, token)
        finally:
            if _RUNNING.get(key) == generation:
                del _RUNNING[key]

    async def _loop(self, actor: Actor, generation: int, path: str, token: str) -> None:
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

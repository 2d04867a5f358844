"""Several app workers on Redis: a tab whose worker died keeps its client token.

Reflex's :class:`RedisTokenManager` records, per client token, the worker
(instance) and socket a tab is connected to, for an hour. When a second
socket connects with a token that has a record, Reflex takes it for a
duplicated browser tab and hands the newcomer a fresh token, that is an
empty state tree. A worker that is killed never deletes its records, so a
tab that reconnects to another worker after its worker died was treated as
a duplicate: it lost its state (signed-in page, list, page number) and
started over.

:class:`FailoverTokenManager` tells the two apart. Every worker keeps a
short-lived presence key in Redis, renewed every second; a record whose
worker has no presence key (or, for this worker, whose socket is gone) is a
leftover and is removed before linking, so the tab keeps its token. A
record of a live worker is waited on for a few seconds (a reload's old
socket is about to be dropped by it); if it stays, the newcomer is a real
duplicate and gets a new token as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle
import time

from reflex.utils.token_manager import RedisTokenManager

log = logging.getLogger("iprodash.failover")

PRESENCE_PREFIX = "iprodash_worker_presence_"
BEAT_SECONDS = 1.0
PRESENCE_TTL_MS = 3000
# How long a connecting tab waits on a record of a live worker: past the
# presence key's life, so a worker killed a moment ago is seen dead.
WAIT_SECONDS = PRESENCE_TTL_MS / 1000 + 1.5
POLL_SECONDS = 0.25

# Delete the record only if it is still the one judged stale (compare and delete).
_DELETE_IF_UNCHANGED = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


def presence_key(instance_id: str) -> str:
    return f"{PRESENCE_PREFIX}{instance_id}"


class FailoverTokenManager(RedisTokenManager):
    """Reflex's Redis token manager that recognises a dead worker's leftovers."""

    async def beat(self) -> None:
        """Keep this worker's presence key alive until cancelled."""
        while True:
            try:
                await self.redis.set(presence_key(self.instance_id), b"1", px=PRESENCE_TTL_MS)
            except Exception as exc:  # noqa: BLE001 - Redis away: try again next beat
                log.warning("could not renew the worker presence key: %s", exc)
            await asyncio.sleep(BEAT_SECONDS)

    async def leave(self) -> None:
        """Drop the presence key on a clean shutdown."""
        with contextlib.suppress(Exception):
            await self.redis.delete(presence_key(self.instance_id))

    async def link_token_to_sid(self, token: str, sid: str) -> str | None:
        record = self.token_to_socket.get(token)
        if record is None or record.sid != sid:
            try:
                await self._drop_leftover_record(token)
            except Exception as exc:  # noqa: BLE001 - fall back to Reflex's own check
                log.warning("could not check the socket record of a reconnecting tab: %s", exc)
        return await super().link_token_to_sid(token, sid)

    async def _drop_leftover_record(self, token: str) -> None:
        """Remove ``token``'s socket record when no live socket stands behind it."""
        key = self._get_redis_key(token)
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            raw = await self.redis.get(key)
            if raw is None:
                return
            record = pickle.loads(raw)
            if record.instance_id == self.instance_id:
                if self.sid_to_token.get(record.sid) == token:
                    return  # a live tab on this worker: a real duplicate
                stale = True  # this worker's own socket, already gone
            else:
                stale = not await self.redis.exists(presence_key(record.instance_id))
            if stale:
                await self.redis.eval(_DELETE_IF_UNCHANGED, 1, key, raw)
                # Forget a cached copy of the leftover, here too.
                if self.token_to_socket.get(token) == record:
                    self.token_to_socket.pop(token, None)
                if self.sid_to_token.get(record.sid) == token:
                    self.sid_to_token.pop(record.sid, None)
                log.info("tab %s… reconnected; its previous worker is gone", token[:8])
                return
            if time.monotonic() >= deadline:
                return  # a live tab on a live worker: a real duplicate
            await asyncio.sleep(POLL_SECONDS)


@contextlib.asynccontextmanager
async def worker_presence(app):
    """Lifespan task: with Redis, use :class:`FailoverTokenManager` and keep it present."""
    namespace = app.event_namespace
    current = getattr(namespace, "_token_manager", None)
    if not isinstance(current, RedisTokenManager):
        yield  # one worker, state in memory: nothing to hand over
        return
    manager = current
    if not isinstance(current, FailoverTokenManager):
        # Before any socket connects, so the plain manager holds nothing yet.
        manager = FailoverTokenManager(current.redis)
        namespace._token_manager = manager
    beat = asyncio.create_task(manager.beat(), name="iprodash_worker_presence")
    try:
        yield
    finally:
        beat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beat
        await manager.leave()

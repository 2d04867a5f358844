"""The worker threads that run handlers' blocking work (database calls).

Reflex runs every tab's events on one event loop; work that waits for the
database there holds up every other tab. :func:`off_the_loop` moves it to
this module's pool.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from concurrent.futures import ThreadPoolExecutor

from iprodash.services.event_scope import event_scope

# Handlers running at once per worker. Mostly waiting on database replies, so
# more than the cores; the database client's pool (100 connections) is larger.
HANDLER_THREADS = 32
_HANDLER_POOL = ThreadPoolExecutor(max_workers=HANDLER_THREADS, thread_name_prefix="handler")


async def off_the_loop(work, /, *args, **kwargs):
    """Run blocking work (database calls) in a worker thread and wait for it.

    Reflex runs every tab's events on one event loop; a handler that waits for
    the database there holds up every other tab's event until it returns (one
    worker then served ~26 events a second whatever the number of cores). In a
    thread, the tab's state lock is still held (its next event waits), while
    other tabs' events run meanwhile. ``work`` runs in a copy of the caller's
    context (contextvars), so the event's memo is its own.

    The threads are this module's own pool (:data:`HANDLER_THREADS`), not
    asyncio's default one, which has 6 threads on 2 cores: with many tabs
    whose handlers mostly wait on database replies, 6 at once caps the worker
    on a database that answers in parallel (on the embedded server, in the
    run that found it, the server's own work was the limit and the rate did
    not change).

    The work is one event's: it runs in the caller's event scope, or in one of
    its own (the company document and the session are then read once, or
    taken from this worker's last second, as in a handler)."""
    call = functools.partial(contextvars.copy_context().run, _in_scope, work, args, kwargs)
    return await asyncio.get_running_loop().run_in_executor(_HANDLER_POOL, call)


def _in_scope(work, args, kwargs):
    with event_scope():
        return work(*args, **kwargs)

"""Fewer database round trips per browser event, without serving stale data.

The caches, all keyed by company (tenant scoping holds: a company's entry is
only ever read for that company's id):

* **the company document, once per event.** A state handler runs inside
  :func:`event_scope`; inside it, :meth:`CompanyRepository.by_id` reads each
  company at most once (the session check reads it first). Any write to the
  ``companies`` collection from this process ends the memo (counted by
  :data:`WRITE_WATCH`, a pymongo command listener), so a handler that changes
  its company and reads it again sees the change. Between events a worker
  reuses what it read for at most :data:`COMPANY_FRESH_S` (a second): a
  hundred tabs of one company share one read a second instead of one each
  per event. A write from this process ends it at once; another worker's
  change to the company (its status, its settings, a stamp it bumps) shows
  here within that second.
* **the company's technicians and lead sources, across events** (a company
  has tens of each; pickers, list filters and row names read them on almost
  every page). An entry is used only while the company document's
  ``cache_stamp`` is the one it was loaded under, and for at most
  :data:`ROSTER_TTL_S`. Every write to those collections through their
  repositories bumps the stamp after writing, so the next event of every
  worker (each reads the company document once per event) sees the change;
  a write from this process ends its entries at once (:data:`WRITE_WATCH`).
  The stamp is read before the roster, and bumped after the write, so a
  roster loaded during a write is never kept under the new stamp.
* **results, across events** (a jobs list page: 8-16 reads of day slices; its
  count, "873 jobs": about 35 on a busy company; the dashboard's sums of
  rollups): :func:`company_result` keeps a result per company and key under a
  stamp on the company document that every write through the collection's
  repository bumps (``jobs_stamp`` by
  :class:`~iprodash.repositories.jobs.JobRepository`, ``rollups_stamp`` by
  :class:`~iprodash.repositories.rollups.RollupRepository`), the same way.
"""

from __future__ import annotations

import contextvars
import copy
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any

from bson import ObjectId
from pymongo import monitoring

ROSTER_TTL_S = 30.0
# How long a worker's events reuse a company document read by an earlier event
# (0 reads it once per event).
COMPANY_FRESH_S = 1.0
RESULT_TTL_S = 60.0
# Results kept (list pages, counts, dashboard sums; each a few KB at most):
# the least recently used go first.
RESULT_MAX_KEYS = 5000
ROSTER_MAX_DOCS = 1000  # a bigger roster is read from the database every time
STAMP_FIELD = "cache_stamp"
# Bumped after a session is revoked or a user record changes: cached sign-ins
# (services/auth.py) of every worker are read again.
AUTH_STAMP = "auth_stamp"
_WRITES = frozenset({"insert", "update", "delete", "findAndModify"})


class WriteWatch(monitoring.CommandListener):
    """Counts this process's write commands per collection name."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name in _WRITES:
            name = event.command.get(event.command_name)
            if isinstance(name, str):
                with self._lock:
                    self.counts[name] = self.counts.get(name, 0) + 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def count(self, collection: str) -> int:
        return self.counts.get(collection, 0)


WRITE_WATCH = WriteWatch()
monitoring.register(WRITE_WATCH)  # every client made after this import

class Kept:
    """A kept value, handed out as a fresh copy each time (callers may change
    what they get). Kept pickled: unpickling a page of job documents costs about
    an eighth of ``copy.deepcopy`` (0.03 against 0.21 ms for 25 documents), and
    these copies were an eighth of the app's CPU with 100 tabs open."""

    __slots__ = ("_data", "_value")

    def __init__(self, value: Any):
        try:
            self._data, self._value = pickle.dumps(value, pickle.HIGHEST_PROTOCOL), None
        except Exception:  # noqa: BLE001 - not picklable: copied the slow way
            self._data, self._value = None, copy.deepcopy(value)

    def copy(self) -> Any:
        if self._data is not None:
            return pickle.loads(self._data)
        return copy.deepcopy(self._value)


_SCOPE: contextvars.ContextVar[dict | None] = contextvars.ContextVar("iprodash_event",
                                                                    default=None)


@contextmanager
def event_scope() -> Iterator[dict]:
    """One browser event: what is memoized inside lives until it returns."""
    current = _SCOPE.get()
    if current is not None:  # a handler calling another: one event still
        yield current
        return
    scope: dict = {}
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)
        _flush_bumps(scope)


def current_scope() -> dict | None:
    return _SCOPE.get()


def company_in_event(company_id: ObjectId, load: Callable[[], dict | None]) -> dict | None:
    """The company document, read at most once per event, or read by an earlier
    event of this worker less than :data:`COMPANY_FRESH_S` ago with no write to
    ``companies`` from this process since (a copy each time)."""
    if _SCOPE.get() is None:
        return load()
    return read_in_event(("company", company_id), ("companies",), lambda: recent_result(
        company_id, "company", COMPANY_FRESH_S, ("companies",), load))


@contextmanager
def jobs_read_once() -> Iterator[None]:
    """Inside an event scope: each job document is read by id at most once (the
    job page's one loader fills several panels that each read the job). Any
    write to ``jobs`` from this process ends the memo; outside this block, and
    outside an event scope, every read goes to the database."""
    scope = _SCOPE.get()
    if scope is None or "jobs" in scope:
        yield
        return
    scope["jobs"] = {}
    try:
        yield
    finally:
        scope.pop("jobs", None)


def job_in_event(company_id: ObjectId, job_id: ObjectId,
                 load: Callable[[], dict | None]) -> dict | None:
    """The job document, once per :func:`jobs_read_once` block (a copy each time);
    keyed by the company too, so one company's entry never answers another."""
    scope = _SCOPE.get()
    memo = None if scope is None else scope.get("jobs")
    if memo is None:
        return load()
    key, writes = (company_id, job_id), WRITE_WATCH.count("jobs")
    entry = memo.get(key)
    if entry is not None and entry[0] == writes:
        return entry[1].copy()
    doc = load()
    if WRITE_WATCH.count("jobs") == writes:
        memo[key] = (writes, Kept(doc))
    else:  # written while reading: do not keep it
        memo.pop(key, None)
    return doc


def remember_in_event(key: Any, load: Callable[[], Any]) -> Any:
    """Any other value computed once per event (e.g. the authenticated caller)."""
    scope = _SCOPE.get()
    if scope is None:
        return load()
    memo = scope.setdefault("values", {})
    if key not in memo:
        memo[key] = load()
    return memo[key]


def read_in_event(key: Hashable, collections: tuple[str, ...],
                  load: Callable[[], Any]) -> Any:
    """A read done once per event (a copy each time): the job page's panels ask
    for the same client and the same consent record more than once. Any write to
    ``collections`` from this process since ends it; outside an event scope
    every read goes to the database. ``key`` must name the company."""
    scope = _SCOPE.get()
    if scope is None:
        return load()
    memo = scope.setdefault("reads", {})
    writes = tuple(WRITE_WATCH.count(c) for c in collections)
    entry = memo.get(key)
    if entry is not None and entry[0] == writes:
        return entry[1].copy()
    value = load()
    if tuple(WRITE_WATCH.count(c) for c in collections) == writes:
        memo[key] = (writes, Kept(value))
    else:  # written while reading: do not keep it
        memo.pop(key, None)
    return value


class _Roster:
    __slots__ = ("stamp", "loaded_at", "writes", "docs", "count")

    def __init__(self, stamp: int, writes: int, docs: list[dict]):
        self.stamp, self.writes, self.docs = stamp, writes, Kept(docs)
        self.count = len(docs)
        self.loaded_at = time.monotonic()


_ROSTERS: dict[tuple[str, ObjectId], _Roster] = {}
_ROSTER_LOCK = threading.Lock()


def company_roster(db, collection: str, company_id: ObjectId) -> list[dict] | None:
    """Every document of ``collection`` for ``company_id`` (copies), or None when
    the company has too many to keep (the caller then queries)."""
    from iprodash.repositories.companies import CompanyRepository

    company = CompanyRepository(db).by_id(company_id)  # once per event
    if company is None:
        return None
    stamp = int(company.get(STAMP_FIELD, 0))
    key = (collection, company_id)
    writes = WRITE_WATCH.count(collection)
    with _ROSTER_LOCK:
        entry = _ROSTERS.get(key)
    fresh = (entry is not None and entry.stamp == stamp and entry.writes == writes
             and time.monotonic() - entry.loaded_at < ROSTER_TTL_S)
    if not fresh:
        docs = list(db[collection].find({"company_id": company_id}, limit=ROSTER_MAX_DOCS + 1))
        entry = _Roster(stamp, writes, docs)
        with _ROSTER_LOCK:
            if WRITE_WATCH.count(collection) == writes:
                _ROSTERS[key] = entry
    if entry.count > ROSTER_MAX_DOCS:
        return None
    return entry.docs.copy()


def bump_stamp(db, company_id: ObjectId, *fields: str) -> None:
    """After a write to a cached collection: every worker reloads on its next event.

    Inside an event scope the bumps are made once, when the event's work ends
    (one update of the company for all its writes: a job's status move wrote
    the job, its rollups and their stamps in four updates before); this
    process's own reads see its writes at once anyway (:data:`WRITE_WATCH`).
    Outside one, at once. A write inside a transaction bumps again after the
    commit (a result read between an earlier bump and the commit is kept under
    the bumped stamp)."""
    fields = fields or (STAMP_FIELD,)
    scope = _SCOPE.get()
    if scope is None:
        _bump(db, company_id, set(fields))
        return
    pending = scope.setdefault("bumps", {})
    pending.setdefault((id(db), company_id), (db, set()))[1].update(fields)


def _bump(db, company_id: ObjectId, fields: set[str]) -> None:
    db["companies"].update_one({"_id": company_id}, {"$inc": {f: 1 for f in sorted(fields)}})


def _flush_bumps(scope: dict) -> None:
    for (_, company_id), (db, fields) in scope.pop("bumps", {}).items():
        _bump(db, company_id, fields)


class _Result:
    __slots__ = ("stamp", "writes", "loaded_at", "value")

    def __init__(self, stamp: int, writes: tuple[int, ...], value: Any):
        self.stamp, self.writes, self.value = stamp, writes, value
        self.loaded_at = time.monotonic()


_RESULTS: OrderedDict[tuple, _Result] = OrderedDict()
_RESULT_LOCK = threading.Lock()


def company_result(company: dict, stamp_field: str, collections: tuple[str, ...],
                   key: Hashable, load: Callable[[], Any],
                   ttl_s: float = RESULT_TTL_S, shared: bool = False) -> Any:
    """``load()`` for ``key`` in ``company`` (a copy), reused while nothing it
    reads changed: the company document's ``stamp_field`` (bumped after every
    write to ``collections`` through their repositories, by any worker) and
    this process's writes to ``collections`` are what they were, for at most
    ``ttl_s`` seconds. The least recently used of more than
    :data:`RESULT_MAX_KEYS` entries are dropped.

    ``company`` must be read before loading (it is, once per event, by the
    session check); a result loaded while a write happens is kept under the
    old stamp, which the write's bump retires.

    Each caller gets a copy, unless ``shared``: for values nobody can change
    (frozen dataclasses in tuples), which every caller then gets as they are.
    """
    stamp = int(company.get(stamp_field, 0))
    writes = tuple(WRITE_WATCH.count(c) for c in collections)
    full_key = (stamp_field, company["_id"], key)
    with _RESULT_LOCK:
        entry = _RESULTS.get(full_key)
        if (entry is not None and entry.stamp == stamp and entry.writes == writes
                and time.monotonic() - entry.loaded_at < ttl_s):
            _RESULTS.move_to_end(full_key)
            return entry.value if shared else entry.value.copy()
    value = load()
    with _RESULT_LOCK:
        if tuple(WRITE_WATCH.count(c) for c in collections) == writes:
            _RESULTS[full_key] = _Result(stamp, writes, value if shared else Kept(value))
            _RESULTS.move_to_end(full_key)
            while len(_RESULTS) > RESULT_MAX_KEYS:
                _RESULTS.popitem(last=False)
    return value


_RECENT: dict[Hashable, tuple[float, tuple[int, ...], Any]] = {}
_RECENT_LOCK = threading.Lock()
RECENT_MAX_KEYS = 5000


def recent_result(company_id: ObjectId, key: Hashable, max_age_s: float,
                  collections: tuple[str, ...], load: Callable[[], Any]) -> Any:
    """``load()`` for ``key`` in the company, or the value this worker read for it
    less than ``max_age_s`` ago with no write to ``collections`` from this
    process since (for polls: a hundred tabs of one company polling every few
    seconds share one read per period instead of one each). With ``max_age_s``
    0 it always reads, and what it read serves the next callers."""
    full_key = (company_id, key)
    writes = tuple(WRITE_WATCH.count(c) for c in collections)
    with _RECENT_LOCK:
        entry = _RECENT.get(full_key)
    if entry is not None and entry[1] == writes and time.monotonic() - entry[0] < max_age_s:
        return entry[2].copy()
    started = time.monotonic()
    value = load()
    with _RECENT_LOCK:
        if tuple(WRITE_WATCH.count(c) for c in collections) == writes:
            if len(_RECENT) >= RECENT_MAX_KEYS:
                _RECENT.clear()
            _RECENT[full_key] = (started, writes, Kept(value))
    return value


def company_count(company: dict, collection: str, key: Hashable,
                  count: Callable[[], int]) -> int:
    """``count()`` for ``key`` in ``company``, reused the way :func:`company_result`
    says, under the company's ``<collection>_stamp``."""
    return company_result(company, f"{collection}_stamp", (collection,), ("count", key), count)


def forget_rosters() -> None:
    """Drop every cached roster and count (tests)."""
    with _ROSTER_LOCK:
        _ROSTERS.clear()
    with _RESULT_LOCK:
        _RESULTS.clear()
    with _RECENT_LOCK:
        _RECENT.clear()


def _name_order(doc: dict) -> tuple:
    name = doc.get("name")
    return (0, "", doc["_id"]) if not isinstance(name, str) else (1, name, doc["_id"])


class RosterCached:
    """Mix into a tenant repository of a small per-company collection (technicians,
    lead sources): its whole-company reads come from :func:`company_roster`, and
    every write through it bumps the company's stamp."""

    def _after_write(self) -> None:
        bump_stamp(self.db, self.company_id)

    def _roster(self) -> list[dict] | None:
        return company_roster(self.db, self.collection_name, self.company_id)

    def _cached_by_ids(self, wanted: list[ObjectId]) -> dict | None:
        docs = self._roster()
        if docs is None:
            return None
        keep = set(wanted)
        return {doc["_id"]: doc for doc in docs if doc["_id"] in keep}

    def _cached_sorted(self, *, active: bool | None, limit: int | None = None,
                       fields: tuple[str, ...] = ()) -> list[dict] | None:
        docs = self._roster()
        if docs is None:
            return None
        rows = sorted((d for d in docs if active is None or d.get("active") is active),
                      key=_name_order)
        if fields:
            rows = [{k: d[k] for k in ("_id", *fields) if k in d} for d in rows]
        return rows if limit is None else rows[:limit]

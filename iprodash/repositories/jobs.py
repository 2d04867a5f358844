"""Jobs: the documents of docs/DATA_MODEL.md and the indexed reads over them.

Every list read keeps the embedded server's candidate set small (see
DESIGN.md): a query is equality fields plus one range field, matching an
index exactly, over a narrow window of ``scheduled_start`` or ``closed_at``
that widens only until the page is full.

``filter_keys`` folds the list filters (status, technician, lead source) into
one indexed array of exact keys, one per combination, so "Tom's open jobs
this week" is ``{filter_keys: "s:open|t:<tom>", scheduled_start: {...}}``:
one equality plus one range, served by ``(company_id, filter_keys,
scheduled_start, _id)`` on both servers. Writers keep it current with
:func:`job_filter_keys` whenever status, technician or source change.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import combinations
from typing import Any, Iterator

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel

from iprodash.domain.errors import NotFound
from iprodash.repositories.base import TenantRepository, to_object_id, utcnow
from iprodash.repositories.event_cache import bump_stamp, job_in_event
from iprodash.repositories.job_windows import EARLIEST, LATEST, LIST_MAX_WIDENING, WindowReads

OPEN_STATUSES = ("new", "scheduled", "en_route", "in_progress", "pending_approval")
OPEN = "open"
NONE = "none"
SCHEDULED_START, CLOSED_AT = "scheduled_start", "closed_at"
SEARCH_AHEAD = timedelta(days=31)

# The closed_at indexes hold closed jobs only: an open job has no closed_at,
# and would otherwise cost an entry in each (7 in the filter_keys one). Every
# read of them has a closed_at range or equality on a date (from 2000 on),
# which implies this filter on both servers. ``{"$type": "date"}`` would say
# the same, but the embedded server cannot prove that a range implies it and
# scans the collection instead (checked with ``explain``); a bound it can.
CLOSED_ONLY = {"closed_at": {"$gte": EARLIEST}}

INDEXES = {
    "jobs": [
        IndexModel([("company_id", ASCENDING), ("scheduled_start", ASCENDING), ("_id", ASCENDING)]),
        IndexModel([("company_id", ASCENDING), ("closed_at", ASCENDING), ("_id", ASCENDING)],
                   partialFilterExpression=CLOSED_ONLY),
        IndexModel([("company_id", ASCENDING), ("number", ASCENDING)], unique=True),
        # Serves DATA_MODEL.md's (company_id, search_keys) and search pages by date.
        IndexModel([("company_id", ASCENDING), ("search_keys", ASCENDING),
                    ("scheduled_start", ASCENDING), ("_id", ASCENDING)]),
        IndexModel([("company_id", ASCENDING), ("technician_id", ASCENDING),
                    ("closed_at", ASCENDING)], partialFilterExpression=CLOSED_ONLY),
        IndexModel([("company_id", ASCENDING), ("status", ASCENDING),
                    ("scheduled_start", ASCENDING)]),
        IndexModel([("company_id", ASCENDING), ("filter_keys", ASCENDING),
                    ("scheduled_start", ASCENDING), ("_id", ASCENDING)]),
        IndexModel([("company_id", ASCENDING), ("filter_keys", ASCENDING),
                    ("closed_at", ASCENDING), ("_id", ASCENDING)],
                   partialFilterExpression=CLOSED_ONLY),
    ],
}


def _facets(status: str | None, technician_id: Any, lead_source_id: Any) -> list[list[str]]:
    statuses = [f"s:{status}"] + ([f"s:{OPEN}"] if status in OPEN_STATUSES else [])
    return [statuses, [f"t:{technician_id or NONE}"], [f"l:{lead_source_id or NONE}"]]


def job_filter_keys(status: str, technician_id: Any, lead_source_id: Any) -> list[str]:
    """Every ``filter_keys`` value of a job with this status, technician and source.

    One key per non-empty combination of the three facets, in the fixed order
    status, technician, source (``"s:open|t:<id>"``); a status in
    ``OPEN_STATUSES`` also yields the ``s:open`` group; an empty technician or
    source is ``none``.
    """
    keys: list[str] = []
    facets = _facets(status, technician_id, lead_source_id)
    for size in (1, 2, 3):
        for chosen in combinations(range(3), size):
            parts: list[list[str]] = [[]]
            for index in chosen:
                parts = [p + [value] for p in parts for value in facets[index]]
            keys += ["|".join(p) for p in parts]
    return keys


def filter_key(*, status: str = "", technician: str = "", lead_source: str = "") -> str:
    """The one ``filter_keys`` value to look up for the chosen list filters.

    Args:
        status: A status, ``"open"``, or "" for any.
        technician: A technician id, ``"none"`` for unassigned, or "" for any.
        lead_source: A source id, ``"none"`` for no source, or "" for any.

    Returns:
        e.g. ``"s:open|t:65f..."``; "" when no filter is chosen.
    """
    parts = [f"{prefix}:{value}" for prefix, value in
             (("s", status), ("t", technician), ("l", lead_source)) if value]
    return "|".join(parts)


class JobRepository(WindowReads, TenantRepository):
    """A company's jobs."""

    collection_name = "jobs"

    def _after_write(self) -> None:
        # Cached list counts (event_cache.company_count) of every worker start again.
        bump_stamp(self.db, self.company_id, "jobs_stamp")

    def get(self, record_id: Any, what: str = "record") -> dict:
        """The job with ``record_id`` in this company, or NotFound; read once per
        ``event_cache.jobs_read_once`` block (the job page's loader)."""
        job_id = to_object_id(record_id, what)
        doc = job_in_event(self.company_id, job_id, lambda: self.find_one({"_id": job_id}))
        if doc is None:
            raise NotFound(f"That {what} does not exist.")
        return doc

    def by_number(self, number: int) -> dict | None:
        return self.find_one({"number": number})

    def update_if(self, job_id: ObjectId, expected: dict[str, Any],
                  update: dict[str, Any]) -> dict | None:
        """Apply ``update`` only while the job still matches ``expected``.

        A conditional ``update_one`` and a read by ``_id``, not one
        ``findAndModify``: the embedded server's ``findAndModify`` costs time
        in proportion to the collection (40 ms at 6,000 jobs, against 2 ms
        for the update), and every status move goes through here. The write
        itself is still conditional, so a lost race is still refused; the
        document read back is the job as it is just after the change.

        Returns:
            The job after the change, or None when it no longer matched
            (someone else changed it first).
        """
        if self.update_one({"_id": job_id, **expected}, update).matched_count == 0:
            return None
        return self.find_one({"_id": job_id})

    def page_in_window(self, *, key: str, field: str, start: datetime, end: datetime,
                       after: tuple[datetime, ObjectId] | None, limit: int,
                       descending: bool = True, first_span: timedelta = timedelta(days=1),
                       projection: dict | None = None) -> list[dict]:
        """One page of jobs with ``field`` in ``[start, end)``, by ``(field, _id)``.

        The window is read in slices from the cursor outwards (one day, then
        two, four, ...), each slice one indexed query, stopping as soon as
        the page is full; a first page of a busy company reads a day or two.

        Args:
            key: A :func:`filter_key` value, or "" for every job.
            field: ``scheduled_start`` or ``closed_at``.
            start: Window start (inclusive, UTC).
            end: Window end (exclusive, UTC).
            after: ``(value, _id)`` of the previous page's last row.
            limit: Rows wanted.
            descending: Latest first.
            first_span: Width of the first slice.
            projection: Optional projection.
        """
        base: dict[str, Any] = {"filter_keys": key} if key else {}
        rows: list[dict] = []
        if after is not None and start <= after[0] < end:
            rows = self._ties(base, field, after, limit, descending, projection)
        for bounds in self._bounds(start=start, end=end, after=after[0] if after else None,
                                   descending=descending, first_span=first_span,
                                   max_widening=LIST_MAX_WIDENING):
            if len(rows) >= limit:
                break
            rows += self._slice(base, field, bounds, limit - len(rows), descending, projection)
        return rows

    def count_in_window(self, *, key: str, field: str, start: datetime, end: datetime,
                        cap: int | None = None) -> int:
        """How many jobs :meth:`page_in_window` would page through.

        Args:
            cap: Stop counting past this many (returns ``cap + 1``), reading
                only as many slices as that takes; None reads the whole window.
        """
        if cap is not None:
            return len(self.page_in_window(key=key, field=field, start=start, end=end,
                                           after=None, limit=cap + 1, projection={"_id": 1}))
        base: dict[str, Any] = {"filter_keys": key} if key else {}
        return self.count({**base, field: {"$gte": start, "$lt": end}})

    def page_unscheduled(self, *, key: str, before_id: ObjectId | None, limit: int,
                         projection: dict | None = None, search_key: str = "") -> list[dict]:
        """Jobs without a scheduled start, newest first, keyset-paged by ``_id``.

        Args:
            key: A :func:`filter_key` value, or "".
            search_key: Only jobs with this search key (then ``key`` is ignored:
                the caller filters on it).
        """
        query: dict[str, Any] = ({"search_keys": search_key} if search_key
                                 else {"filter_keys": key} if key else {})
        query[SCHEDULED_START] = None
        if before_id is not None:
            query["_id"] = {"$lt": before_id}
        cursor = self.find(query, projection=projection).sort("_id", DESCENDING)
        return list(cursor.limit(limit) if limit else cursor)

    def count_unscheduled(self, *, key: str, cap: int | None = None) -> int:
        """Jobs without a scheduled start (up to ``cap + 1`` when capped)."""
        if cap is not None:
            return len(self.page_unscheduled(key=key, before_id=None, limit=cap + 1,
                                             projection={"_id": 1}))
        query: dict[str, Any] = {"filter_keys": key} if key else {}
        return self.count({**query, SCHEDULED_START: None})

    def page_search(self, *, search_key: str, after: tuple[datetime | None, ObjectId] | None,
                    limit: int, key: str = "", also: list[str] | tuple = (),
                    by_filter: bool = False, first_span: timedelta = timedelta(days=1),
                    projection: dict | None = None, now: datetime | None = None) -> list[dict]:
        """One page of jobs carrying ``search_key``: latest scheduled first, then unscheduled.

        Scheduled jobs are read in widening slices of ``scheduled_start``
        going back from a month ahead (later ones first, in one read), so a
        common prefix ("jo") reads a few days of jobs, not every match.

        Args:
            search_key: One exact key (:func:`~iprodash.domain.search_keys.normalize_query`).
            after: The previous page's last ``(scheduled_start, _id)``;
                ``(None, _id)`` once the page is in the unscheduled jobs.
            limit: Rows wanted.
            key: A :func:`filter_key` the rows must also carry.
            also: More search keys every row must carry (the query's other words).
            by_filter: Read by ``key`` and check the search keys on each row
                (for a broad search narrowed by a filter); otherwise read by
                ``search_key`` and check the rest.
            first_span: Width of the first slice (a rare key reads all at once).
            now: The current time (tests freeze it).
        """
        terms = [search_key, *also]
        base = {"filter_keys": key} if by_filter else {"search_keys": search_key}
        checked = terms if by_filter else list(also)
        if projection and all(projection.values()):
            projection = {**projection, SCHEDULED_START: 1, "filter_keys": 1,
                          **({"search_keys": 1} if checked else {})}

        def keep(doc: dict) -> bool:
            return ((by_filter or not key or key in doc.get("filter_keys", ()))
                    and all(term in doc.get("search_keys", ()) for term in checked))

        wanted = limit if not checked and (by_filter or not key) else None
        rows: list[dict] = []
        if after is None or after[0] is not None:
            if after is not None:
                rows = [d for d in self._ties(base, SCHEDULED_START, after, wanted, True,
                                              projection) if keep(d)]
            anchor = (now or utcnow()) + SEARCH_AHEAD
            for bounds in self._bounds(start=EARLIEST, end=LATEST,
                                       after=after[0] if after else None, descending=True,
                                       first_span=first_span, anchor=anchor):
                if len(rows) >= limit:
                    return rows[:limit]
                rows += [d for d in self._slice(base, SCHEDULED_START, bounds,
                                                 wanted and limit - len(rows), True, projection)
                         if keep(d)]
        if len(rows) < limit:
            before = after[1] if after is not None and after[0] is None else None
            rows += [d for d in self.page_unscheduled(
                key=key if by_filter else "", search_key="" if by_filter else search_key,
                before_id=before, limit=wanted and limit - len(rows), projection=projection)
                if keep(d)]
        return rows[:limit]

    def iter_search(self, *, search_key: str, before_id: ObjectId | None = None,
                    projection: dict | None = None, batch: int = 200) -> Iterator[dict]:
        """Every job carrying ``search_key`` in :meth:`page_search` order, read lazily.

        ``before_id`` (optional) keeps only jobs with a smaller ``_id``.
        """
        after = None
        while True:
            rows = self.page_search(search_key=search_key, after=after, limit=batch,
                                    projection=projection)
            for row in rows:
                if before_id is None or row["_id"] < before_id:
                    yield row
            if len(rows) < batch:
                return
            last = rows[-1]
            after = (last.get(SCHEDULED_START), last["_id"])

    def scheduled_between(self, start: datetime, end: datetime, *, limit: int,
                          projection: dict | None = None) -> list[dict]:
        """Jobs whose window starts in ``[start, end)``, earliest first (the board)."""
        cursor = self.find({SCHEDULED_START: {"$gte": start, "$lt": end}}, projection=projection)
        return list(cursor.sort([(SCHEDULED_START, ASCENDING), ("_id", ASCENDING)]).limit(limit))

"""Reading a date window in slices that widen from a keyset cursor.

The embedded server materializes every candidate of a query before it
applies ``limit`` (DESIGN.md), so a page of a busy window is read a day at a
time, then two days, four, ... until the page is full (the job list stops
widening at two days). Each slice is one query of equality fields plus one
range field: an exact index match.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterator

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING

_MAX_SLICES = 16
# The job list's slices widen to at most this many times the first one: a
# page that starts in an empty stretch (the list's window reaches a month
# ahead; jobs are booked two weeks ahead) would otherwise double into 16 days
# of a busy company at once, every one of them materialized (measured at
# 100,000 jobs: 290 ms for a first page, against 20 ms for a one-day slice).
# Empty slices cost a millisecond or two each, so more of them are allowed.
LIST_MAX_WIDENING = 2
_MAX_CAPPED_SLICES = 48
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2200, 1, 1, tzinfo=timezone.utc)


class WindowReads:
    """Mixin for a :class:`~iprodash.repositories.base.TenantRepository`."""

    def _bounds(self, *, start: datetime, end: datetime, after: datetime | None,
                descending: bool, first_span: timedelta,
                anchor: datetime | None = None,
                max_widening: int | None = None) -> Iterator[dict]:
        """Range conditions that cover the window from the cursor outwards.

        One day (``first_span``), then two, four, ... (at most
        ``max_widening`` times the first): the caller stops reading as soon as
        its page is full. With ``anchor`` (descending
        only), everything after it is read first as one range: a search
        starts near today instead of crawling through an empty future.
        """
        edge = min(max(after if after is not None else (end if descending else start), start),
                   end)
        exclusive = after is not None
        if descending and anchor is not None and edge > anchor:
            yield {"$gte": anchor, "$lt": edge}
            edge = anchor
        span = first_span
        for _ in range(_MAX_SLICES if max_widening is None else _MAX_CAPPED_SLICES):
            if edge <= start if descending else edge >= end:
                return
            if descending:
                low = max(start, edge - span)
                yield {"$gte": low, "$lt": edge}
                edge = low
            else:
                high = min(end, edge + span)
                yield {"$gt" if exclusive else "$gte": edge, "$lt": high}
                edge, exclusive = high, False
            span = span * 2 if max_widening is None else min(span * 2,
                                                               first_span * max_widening)
        if edge > start if descending else edge < end:
            yield {"$gte": start, "$lt": edge} if descending else {"$gte": edge, "$lt": end}

    def _ties(self, base: dict, field: str, after: tuple[datetime, ObjectId], limit: int | None,
              descending: bool, projection: dict | None) -> list[dict]:
        """Rows sharing the cursor's value, after the cursor's ``_id``."""
        order = DESCENDING if descending else ASCENDING
        query = {**base, field: after[0], "_id": {"$lt" if descending else "$gt": after[1]}}
        cursor = self.find(query, projection=projection).sort("_id", order)
        return list(cursor.limit(limit) if limit else cursor)

    def _slice(self, base: dict, field: str, bounds: dict, limit: int | None, descending: bool,
               projection: dict | None) -> list[dict]:
        order = DESCENDING if descending else ASCENDING
        cursor = self.find({**base, field: bounds}, projection=projection)
        cursor = cursor.sort([(field, order), ("_id", order)])
        return list(cursor.limit(limit) if limit else cursor)

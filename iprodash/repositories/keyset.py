"""Keyset paging on ``(field, _id)`` without ``$or``.

``{$or: [{f: {$gt: v}}, {f: v, _id: {$gt: id}}]}`` is the textbook keyset
condition, but a top-level ``$or`` keeps the embedded server from using any
index (it scans the collection). The same page is two indexed queries: the
rows tied on ``f`` after ``id``, then the rows strictly after ``v``. Each has
equality fields plus one range field, the shape both the embedded server and
MongoDB serve from an index ``(company_id, <equality fields>, f, _id)``.
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING

from iprodash.repositories.base import TenantRepository


def keyset_page(repo: TenantRepository, base: dict[str, Any], *, field: str,
                after: tuple[Any, Any] | None, limit: int, descending: bool = False,
                bounds: dict[str, Any] | None = None, projection: dict | None = None) -> list[dict]:
    """One page of ``repo`` ordered by ``(field, _id)``.

    Args:
        repo: A tenant repository (adds ``company_id``).
        base: Equality filters.
        field: The ordering field.
        after: ``(value, _id)`` of the previous page's last row, or None.
        limit: Rows wanted.
        descending: Newest / largest first.
        bounds: Extra range operators on ``field`` (e.g. a date window).
        projection: Optional projection.

    Returns:
        Up to ``limit`` documents in order.
    """
    order = DESCENDING if descending else ASCENDING
    sort = [(field, order), ("_id", order)]
    past, beyond = ("$lt", "$lt") if descending else ("$gt", "$gt")
    rows: list[dict] = []
    if after is not None:
        value, last_id = after
        ties = {**base, field: value, "_id": {past: last_id}}
        rows = list(repo.find(ties, projection=projection).sort(sort).limit(limit))
    if len(rows) < limit:
        cond = dict(bounds or {})
        if after is not None:
            tighter = min if descending else max
            cond[beyond] = tighter(cond[beyond], after[0]) if beyond in cond else after[0]
        query = {**base, field: cond} if cond else dict(base)
        rows += list(repo.find(query, projection=projection).sort(sort).limit(limit - len(rows)))
    return rows

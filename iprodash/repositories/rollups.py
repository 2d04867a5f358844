"""Rollups: per-day money and count totals that the dashboard sums.

Two collections, both kept by :mod:`iprodash.services.rollups` with
``$inc`` upserts in one bulk write:

* ``rollups``: one document per (company, day, technician, source), the
  shape fixed in docs/DATA_MODEL.md;
* ``rollup_totals``: the same counters at coarser grains (``day``,
  ``day_tech``, ``day_source``, ``month_tech``, ``month_source``), so a
  year of dashboard reads a few hundred documents instead of one per
  (day, technician, source) combination. ``day`` documents also carry
  ``week`` (its Monday) for weekly charts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.errors import BulkWriteError

from iprodash.repositories.base import WRITE_BATCH, TenantRepository, insert_in_batches
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.event_cache import bump_stamp, company_result

ROLLUPS = "rollups"
ROLLUP_TOTALS = "rollup_totals"
STAMP = "rollups_stamp"  # on the company document: bumped after every rollup write
COUNTERS = ("created", "closed", "canceled", "created_closed")
MONEY_FIELDS = ("gross", "card", "cc_fee", "parts", "net", "tech_commission",
                "source_commission", "company_profit")
ALL_FIELDS = COUNTERS + MONEY_FIELDS
_DUPLICATE_KEY = 11000
# Keys have one fixed format per grain, so "< last + U+FFFF" means "<= last".
# The embedded server (secantusdb 0.7) drops documents equal to a ``$lte``
# bound on a compound-index field that has more fields after it.
_AFTER_ANY_SUFFIX = "\uffff"

INDEXES = {
    ROLLUPS: [
        IndexModel([("company_id", ASCENDING), ("day", ASCENDING),
                    ("technician_id", ASCENDING), ("lead_source_id", ASCENDING)], unique=True),
    ],
    ROLLUP_TOTALS: [
        IndexModel([("company_id", ASCENDING), ("grain", ASCENDING), ("key", ASCENDING),
                    ("technician_id", ASCENDING), ("lead_source_id", ASCENDING)], unique=True),
    ],
}


# The fields of the unique indexes above. An upsert filters on these alone:
# a further field derived from them (``week`` of a ``day`` total) goes in
# ``$setOnInsert``, because the embedded server answers a filter with a field
# outside the index by scanning the whole collection (270 ms at 3,000 jobs,
# against 1 ms), on every job created, closed or canceled.
_KEY_FIELDS = frozenset({"day", "grain", "key", "technician_id", "lead_source_id"})


def _upserts(company_id, increments: Iterable[tuple[dict, dict]]) -> list[UpdateOne]:
    """Upserts that create a document with every counter, then ``$inc`` some."""
    requests = []
    for key, inc in increments:
        on_insert = {name: 0 for name in ALL_FIELDS if name not in inc}
        on_insert.update({name: value for name, value in key.items() if name not in _KEY_FIELDS})
        update: dict[str, Any] = {"$inc": dict(inc)}
        if on_insert:
            update["$setOnInsert"] = on_insert
        found = {name: value for name, value in key.items() if name in _KEY_FIELDS}
        requests.append(UpdateOne({**found, "company_id": company_id}, update, upsert=True))
    return requests


def _only_duplicate_keys(exc: BulkWriteError) -> bool:
    errors = exc.details.get("writeErrors", [])
    return bool(errors) and all(error.get("code") == _DUPLICATE_KEY for error in errors)


def _upsert_batch(collection, requests: list[UpdateOne], session) -> None:
    try:
        collection.bulk_write(requests, ordered=False, session=session)
    except BulkWriteError as exc:
        if not _only_duplicate_keys(exc):
            raise
        failed = [error["index"] for error in exc.details["writeErrors"]]
        collection.bulk_write([requests[i] for i in failed], ordered=False, session=session)


class RollupRepository(TenantRepository):
    """The per-(day, technician, source) rollups of one company."""

    collection_name = ROLLUPS

    def _after_write(self) -> None:
        # Cached sums (event_cache.company_result) of every worker start again.
        bump_stamp(self.db, self.company_id, STAMP)

    @property
    def totals(self):
        """The ``rollup_totals`` collection (always filtered by this company)."""
        return self.db[ROLLUP_TOTALS]

    def apply(self, *, detail: list[tuple[dict, dict]], totals: list[tuple[dict, dict]],
              session=None) -> None:
        """``$inc`` each (key, increments) pair into its document, creating it.

        Two writers creating the same document at once make one upsert fail
        on the unique index; a second pass then finds the document and
        increments it, so no increment is lost or doubled.
        """
        for collection, pairs in ((self.collection, detail), (self.totals, totals)):
            requests = _upserts(self.company_id, pairs)
            for start in range(0, len(requests), WRITE_BATCH):
                _upsert_batch(collection, requests[start:start + WRITE_BATCH], session)
        self._after_write()

    def insert_built(self, *, detail: list[dict], totals: list[dict]) -> None:
        """Insert rollup documents built in bulk (for a company with none yet)."""
        if detail:
            self.insert_many(detail)
        if totals:
            rows = [{**doc, "company_id": self.company_id} for doc in totals]
            insert_in_batches(self.totals, rows)
            self._after_write()

    def jobs_for_rebuild(self, batch_size: int = 5000):
        """A cursor over this company's jobs with just the fields rollups need."""
        projection = {"created_at": 1, "closed_at": 1, "closed_day": 1, "status": 1,
                      "finance": 1, "technician_id": 1, "lead_source_id": 1}
        return self.db["jobs"].find({"company_id": self.company_id}, projection,
                                    batch_size=batch_size)

    def delete_all(self) -> None:
        """Drop every rollup of this company (before a rebuild)."""
        self.delete_many({})
        self.totals.delete_many({"company_id": self.company_id})
        self._after_write()

    def sum_totals(self, *, grain: str, first: str, last: str,
                   group_by: Mapping[str, Any] | str | None,
                   fields: Iterable[str] = ALL_FIELDS) -> list[dict]:
        """Sum ``rollup_totals`` of one grain whose key is in [first, last].

        Args:
            grain: ``day``, ``day_tech``, ``day_source``, ``month_tech`` or
                ``month_source``.
            first: First key (``YYYY-MM-DD`` or ``YYYY-MM``), inclusive.
            last: Last key, inclusive.
            group_by: ``$group`` ``_id`` expression, e.g. ``"$technician_id"``;
                None for one grand total.
            fields: Counter names to sum.

        Returns:
            One row per group, ``{"_id": group, field: sum, ...}``.
        """
        if first > last:
            return []
        fields = tuple(fields)
        group: dict[str, Any] = {"_id": group_by}
        group.update({name: {"$sum": f"${name}"} for name in fields})
        pipeline = [
            {"$match": {"company_id": self.company_id, "grain": grain,
                        "key": {"$gte": first, "$lt": last + _AFTER_ANY_SUFFIX}}},
            {"$group": group},
        ]

        def read() -> list[dict]:
            return list(self.totals.aggregate(pipeline))

        # The same sums are asked for on every dashboard load and period change;
        # they change only when a rollup is written (any worker bumps the stamp).
        company = CompanyRepository(self.db).by_id(self.company_id)  # once per event
        if company is None:
            return read()
        return company_result(company, STAMP, (ROLLUPS, ROLLUP_TOTALS),
                              ("sum_totals", grain, first, last, repr(group_by), fields), read)

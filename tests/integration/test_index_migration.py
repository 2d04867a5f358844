"""Start-up index migration: an index whose declaration changed is rebuilt; the closed_at
indexes are partial (closed jobs only) and still serve the reads that use them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bson import ObjectId
from pymongo import ASCENDING

from iprodash.repositories.indexes import all_index_specs, changed_indexes, ensure_indexes
from iprodash.repositories.jobs import CLOSED_ONLY

CLOSED_AT = "company_id_1_closed_at_1__id_1"
FILTER_CLOSED_AT = "company_id_1_filter_keys_1_closed_at_1__id_1"


def _index_names(plan) -> set[str]:
    """Every ``indexName`` anywhere in an explain document."""
    if isinstance(plan, dict):
        found = {plan["indexName"]} if "indexName" in plan else set()
        return found.union(*(_index_names(v) for v in plan.values()))
    if isinstance(plan, list):
        return set().union(*(_index_names(v) for v in plan))
    return set()


def test_an_old_full_closed_at_index_is_rebuilt_partial(db):
    db["jobs"].drop_index(CLOSED_AT)
    db["jobs"].create_index([("company_id", ASCENDING), ("closed_at", ASCENDING),
                             ("_id", ASCENDING)])  # the declaration before it was partial
    assert "partialFilterExpression" not in db["jobs"].index_information()[CLOSED_AT]
    assert CLOSED_AT in changed_indexes(db, "jobs", all_index_specs()["jobs"])

    ensure_indexes(db)

    info = db["jobs"].index_information()[CLOSED_AT]
    assert set(info["partialFilterExpression"]) == {"closed_at"}
    assert set(info["partialFilterExpression"]["closed_at"]) == set(CLOSED_ONLY["closed_at"])
    assert info["key"] == [("company_id", 1), ("closed_at", 1), ("_id", 1)]


def test_indexes_as_declared_are_left_alone(db):
    ensure_indexes(db)
    for collection, indexes in all_index_specs().items():
        assert changed_indexes(db, collection, indexes) == [], collection


def test_closed_at_reads_use_the_partial_indexes(db):
    company_id = ObjectId()
    start = datetime(2025, 6, 1, tzinfo=timezone.utc)
    db["jobs"].insert_many([
        {"company_id": company_id, "number": n, "filter_keys": ["s:closed"],
         "closed_at": start + timedelta(hours=n) if n % 2 else None} for n in range(40)])
    window = {"$gte": start, "$lt": start + timedelta(days=1)}
    sort = [("closed_at", ASCENDING), ("_id", ASCENDING)]
    by_date = db["jobs"].find({"company_id": company_id, "closed_at": window}).sort(sort)
    by_key = db["jobs"].find({"company_id": company_id, "filter_keys": "s:closed",
                              "closed_at": window}).sort(sort)
    assert CLOSED_AT in _index_names(by_date.explain())
    assert FILTER_CLOSED_AT in _index_names(by_key.explain())
    closed_that_day = [n for n in range(40) if n % 2 and n < 24]  # the open ones are not read
    assert len(list(by_date.clone())) == len(list(by_key.clone())) == len(closed_that_day)

"""The job list: keyset pages, filters, windows, search and counts."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from bson import ObjectId

from iprodash.domain.finance import Payment, Rates
from iprodash.repositories.counters import CounterRepository
from iprodash.repositories.jobs import JobRepository
from iprodash.services import job_queries
from iprodash.services.clients import client_fields
from iprodash.services.job_documents import build_job_document
from iprodash.services.job_queries import JobListFilters, parse_list_filters

NEW_YORK = ZoneInfo("America/New_York")
TODAY = date(2025, 6, 15)


def _bulk(shop, count: int, *, techs=(None,), statuses=("new",), seed=7) -> list[dict]:
    """``count`` jobs spread over June 2025 with many equal start times (ties)."""
    rng = random.Random(seed)
    first = CounterRepository(shop.db, shop.company["_id"]).reserve(count)
    client = {"_id": None, **client_fields(name="Ann Lee", phone="+12125550100", email="",
                                           address={"line": "12 Oak Ave", "city": "Albany"})}
    docs = []
    for number in range(first, first + count):
        start = datetime(2025, 6, 1, 13, tzinfo=timezone.utc) + timedelta(
            hours=rng.randrange(0, 29 * 24, 6))  # every 6 h: plenty of ties
        status = rng.choice(statuses)
        closing = dict(payments=[Payment("cash", 10000, "company")], rates=Rates(),
                       closed_at=start + timedelta(hours=3), zone=NEW_YORK)
        docs.append(build_job_document(
            number=number, client=client, address={"line": "12 Oak Ave", "city": "Albany"},
            job_type="Lockout", description="", notes="", scheduled_start=start,
            scheduled_end=start + timedelta(hours=2), technician_id=rng.choice(techs),
            lead_source_id=None, status=status, created_at=start, by_id=None, by_name="t",
            reason="", **(closing if status == "closed" else {})))
    JobRepository(shop.db, shop.company["_id"]).insert_many(docs)
    return docs


def _walk(shop, filters, page_size=7) -> list[job_queries.JobRow]:
    rows, after = [], ""
    for _ in range(500):
        page = job_queries.list_jobs(shop.db, actor=shop.user, filters=filters, after=after,
                                     page_size=page_size)
        rows += page.rows
        if not page.has_next:
            return rows
        after = page.rows[-1].cursor
    raise AssertionError("paging did not end")


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_keyset_pages_return_every_job_exactly_once_in_order(shop, order):
    docs = _bulk(shop, 90)
    filters = JobListFilters(start=date(2025, 5, 1), end=date(2025, 7, 31), order=order)
    rows = _walk(shop, filters)
    assert sorted(r.number for r in rows) == list(range(1, 91))
    by_number = {d["number"]: d for d in docs}
    keys = [(by_number[r.number]["scheduled_start"], by_number[r.number]["_id"]) for r in rows]
    assert keys == sorted(keys, reverse=order == "desc")
    assert job_queries.count_jobs(shop.db, actor=shop.user, filters=filters) == 90


def test_window_is_in_company_days(shop):
    _bulk(shop, 40)
    filters = JobListFilters(start=date(2025, 6, 10), end=date(2025, 6, 10))
    rows = _walk(shop, filters)
    starts = [shop.db["jobs"].find_one({"number": r.number})["scheduled_start"] for r in rows]
    assert all(s.astimezone(NEW_YORK).date() == date(2025, 6, 10) for s in starts)
    every = shop.db["jobs"].find({"company_id": shop.company["_id"]})
    expected = sum(1 for j in every if j["scheduled_start"].astimezone(NEW_YORK).date()
                   == date(2025, 6, 10))
    assert len(rows) == expected == job_queries.count_jobs(shop.db, actor=shop.user,
                                                           filters=filters)


def test_status_and_technician_filters_page_through_exactly_their_jobs(shop):
    tom, sam = shop.technician("Tom Tech"), shop.technician("Sam Smith")
    techs = (ObjectId(tom.id), ObjectId(sam.id), None)
    docs = _bulk(shop, 80, techs=techs, statuses=("new", "scheduled", "closed", "canceled"))
    window = dict(start=date(2025, 5, 1), end=date(2025, 7, 31))
    cases = [
        (JobListFilters(technician=tom.id, **window),
         lambda d: str(d["technician_id"]) == tom.id),
        (JobListFilters(status="open", technician=sam.id, **window),
         lambda d: str(d["technician_id"]) == sam.id and d["status"] in ("new", "scheduled")),
        (JobListFilters(technician="none", status="canceled", **window),
         lambda d: d["technician_id"] is None and d["status"] == "canceled"),
    ]
    for filters, wanted in cases:
        rows = _walk(shop, filters, page_size=5)
        assert sorted(r.number for r in rows) == sorted(d["number"] for d in docs if wanted(d))
        assert job_queries.count_jobs(shop.db, actor=shop.user, filters=filters) == len(rows)


def test_closed_date_window_and_unscheduled_view(shop):
    tech = shop.technician()
    closed = shop.closed_job(payments=[Payment("cash", 10000, "company")],
                             technician_id=tech.id)
    shop.job(date="", start_time="", end_time="", client_name="Zed Unscheduled")
    today = closed["closed_at"].astimezone(NEW_YORK).date()
    rows = _walk(shop, JobListFilters(date_field="closed", start=today, end=today))
    assert [r.number for r in rows] == [closed["number"]] and rows[0].price_text == "$100.00"
    unscheduled = _walk(shop, JobListFilters(date_field="unscheduled"))
    assert [r.client_name for r in unscheduled] == ["Zed Unscheduled"]
    assert unscheduled[0].when == "Not scheduled"


@pytest.mark.parametrize("typed", ["(212) 555-0100", "212.555.0100", "+1 212 555 0100",
                                   "2125550100", "555-0100"])
def test_search_by_phone_in_any_format(shop, typed):
    mine = shop.job()
    shop.job(client_name="Bob Brown", client_phone="(718) 555-0142", address_line="7 Elm St")
    page = job_queries.list_jobs(shop.db, actor=shop.user, filters=JobListFilters(search=typed))
    assert page.mode == "search" and [r.id for r in page.rows] == [str(mine["_id"])]


def test_search_by_number_name_and_address_prefix(shop):
    ann = shop.job()
    bob = shop.job(client_name="Bob Brown", client_phone="(718) 555-0142",
                   address_line="7 Elm St", date="", start_time="", end_time="")

    def found(text, **extra):
        filters = JobListFilters(search=text, **extra)
        return [r.number for r in job_queries.list_jobs(shop.db, actor=shop.user,
                                                         filters=filters).rows]

    assert found("#2") == [2] and found("2") == [2] and found("#99") == []
    assert found("#" + "9" * 30) == [] and found("#" + "9" * 5000) == []
    assert found("ann") == [1] and found("ANN LE") == [1] and found("bro") == [2]
    assert found("oak") == [1] and found("elm st") == [2]
    assert found("bob", status="open") == [2] and found("bob", status="closed") == []
    assert ann["number"] == 1 and bob["scheduled_start"] is None


def test_search_pages_cover_all_matches_once_including_unscheduled(shop):
    _bulk(shop, 45)
    for _ in range(4):
        shop.job(date="", start_time="", end_time="")
    rows = _walk(shop, JobListFilters(search="ann lee"), page_size=6)
    assert sorted(r.number for r in rows) == list(range(1, 50))
    assert job_queries.count_jobs(shop.db, actor=shop.user,
                                  filters=JobListFilters(search="ann")) == 49


def test_filters_round_trip_through_the_url():
    params = {"q": "ann", "status": "open", "technician": "none", "source": "bogus",
              "date_field": "closed", "from": "2025-06-01", "to": "2025-05-01",
              "order": "asc"}
    filters = parse_list_filters(params, today=TODAY)
    assert (filters.status, filters.technician, filters.lead_source) == ("open", "none", "")
    assert (filters.start, filters.end) == (date(2025, 5, 1), date(2025, 6, 1))
    assert parse_list_filters(filters.as_params(), today=TODAY) == filters
    default = parse_list_filters({}, today=TODAY)
    assert (default.start, default.end, default.date_field, default.order) == (
        date(2025, 5, 16), date(2025, 7, 15), "scheduled", "desc")
    assert default.as_params() == {"from": "2025-05-16", "to": "2025-07-15"}
    assert parse_list_filters({"status": "lost"}, today=TODAY).status == ""


def test_another_company_sees_none_of_the_jobs(shop, other_shop):
    _bulk(shop, 10)
    filters = JobListFilters(start=date(2025, 5, 1), end=date(2025, 7, 31))
    assert job_queries.list_jobs(other_shop.db, actor=other_shop.user, filters=filters).rows == ()
    assert job_queries.list_jobs(other_shop.db, actor=other_shop.user,
                                 filters=JobListFilters(search="ann")).rows == ()
    assert job_queries.count_jobs(other_shop.db, actor=other_shop.user, filters=filters) == 0


def test_counts_stop_past_the_cap(shop, monkeypatch):
    monkeypatch.setattr(job_queries, "COUNT_CAP", 20)
    _bulk(shop, 45)
    filters = JobListFilters(start=date(2025, 5, 1), end=date(2025, 7, 31))
    assert job_queries.count_jobs(shop.db, actor=shop.user, filters=filters) == 21
    assert job_queries.count_text(21) == "20+ jobs"
    assert job_queries.count_text(1) == "1 job" and job_queries.count_text(7) == "7 jobs"
    assert job_queries.count_jobs(shop.db, actor=shop.user,
                                  filters=JobListFilters(search="ann")) == 21

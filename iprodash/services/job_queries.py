"""The job list: filters from the URL, keyset pages, counts, search.

Three ways to read the list, each a narrow indexed read (DESIGN.md):

* a date window (scheduled or closed date, company-local days) paged on
  ``(date, _id)`` in slices that widen only until the page is full;
* unscheduled jobs, paged on ``_id``;
* a search (phone in any format, "#123" / "123", name or address prefix)
  over the exact ``search_keys``, newest job first, across all dates.

Status, technician and source filters are one exact ``filter_keys`` value.
Counting reads jobs too, so :func:`count_jobs` is separate from
:func:`list_jobs` (the page asks for it after showing the rows) and stops
past ``COUNT_CAP``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bson import ObjectId
from bson.errors import InvalidId
from pymongo.database import Database

from iprodash.domain.dates import read_day
from iprodash.domain.clock import company_today, days_bounds
from iprodash.domain.job_status import ALL_STATUSES
from iprodash.domain.search_keys import (normalize_query, query_terms, query_too_short,
                                         require_search_query)
from iprodash.domain.words import pluralize
from iprodash.repositories.event_cache import STAMP_FIELD, company_count, company_result
from iprodash.repositories.jobs import (CLOSED_AT, NONE, OPEN, SCHEDULED_START, JobRepository,
                                        filter_key)
from iprodash.services.actor import Actor, require_company_actor
from iprodash.services.job_records import company_of, zone_of
from iprodash.services.job_rows import JobRow, job_rows

PAGE_SIZE = 50
DEFAULT_BACK, DEFAULT_AHEAD = 30, 30
DATE_FIELDS = ("scheduled", "closed", "unscheduled")
_PROJECTION = {"number": 1, "status": 1, "client": 1, "address.line": 1, "address.city": 1,
               "scheduled_start": 1, "scheduled_end": 1, "closed_at": 1, "technician_id": 1,
               "lead_source_id": 1, "closing_price_cents": 1, "filter_keys": 1}
_SHORT_NUMBER_DIGITS = 7
COUNT_CAP = 1000
ALL_DAYS = 365 * 300
BROAD_PREFIX = 3


@dataclass(frozen=True)
class JobListFilters:
    """The list's filters; also the page's URL query (see :meth:`as_params`).

    Attributes:
        search: What was typed in the search box.
        status: "", "open" or a status.
        technician: "", "none" (unassigned) or a technician id.
        lead_source: "", "none" or a source id.
        date_field: "scheduled", "closed" or "unscheduled".
        start: First company-local day of the window (inclusive).
        end: Last company-local day of the window (inclusive).
        order: "desc" (latest first) or "asc".
    """

    search: str = ""
    status: str = ""
    technician: str = ""
    lead_source: str = ""
    date_field: str = "scheduled"
    start: date | None = None
    end: date | None = None
    order: str = "desc"

    def as_params(self) -> dict[str, str]:
        """The non-empty filters as URL query parameters (names the CSV export reads too)."""
        params = {"q": self.search, "status": self.status, "technician": self.technician,
                  "source": self.lead_source,
                  "date_field": "" if self.date_field == "scheduled" else self.date_field,
                  "from": self.start.isoformat() if self.start else "",
                  "to": self.end.isoformat() if self.end else "",
                  "order": "" if self.order == "desc" else self.order}
        return {k: v for k, v in params.items() if v}


@dataclass(frozen=True)
class JobPage:
    rows: tuple[JobRow, ...]
    has_next: bool
    mode: str  # "window", "unscheduled" or "search"


def _clean_id(text: str) -> str:
    text = (text or "").strip()
    if text in ("", NONE):
        return text
    try:
        return str(ObjectId(text))
    except (InvalidId, TypeError):
        return ""


def _clean_day(text: str) -> date | None:
    return read_day(text)


def parse_list_filters(params: Mapping[str, str], *, today: date) -> JobListFilters:
    """Filters from a URL query; unknown values fall back to the defaults.

    A missing window is the last 30 days and the next 30 (company-local days).
    """
    status = (params.get("status") or "").strip()
    date_field = (params.get("date_field") or "scheduled").strip()
    start, end = _clean_day(params.get("from", "")), _clean_day(params.get("to", ""))
    start = start or (end or today) - timedelta(days=DEFAULT_BACK)
    end = end or max(start, today) + timedelta(days=DEFAULT_AHEAD)
    if end < start:
        start, end = end, start
    return JobListFilters(
        search=(params.get("q") or "").strip()[:100],
        status=status if status == OPEN or status in ALL_STATUSES else "",
        technician=_clean_id(params.get("technician", "")),
        lead_source=_clean_id(params.get("source", "")),
        date_field=date_field if date_field in DATE_FIELDS else "scheduled",
        start=start, end=end, order="asc" if params.get("order") == "asc" else "desc")


def list_filters(db: Database, *, actor: Actor, params: Mapping[str, str],
                 now: datetime | None = None) -> JobListFilters:
    """Filters from a URL query, the default window around the company's today.

    ``now`` pins the clock (tests); the window's days are the company's, so
    at 23:59 and at 00:01 in New York the list shows different windows
    whatever the machine's date.
    """
    actor = require_company_actor(actor)
    return parse_list_filters(params, today=company_today(company_of(db, actor), now))


def _key(filters: JobListFilters) -> str:
    return filter_key(status=filters.status, technician=filters.technician,
                      lead_source=filters.lead_source)


def _window(filters: JobListFilters, zone) -> tuple[str, datetime, datetime]:
    field = CLOSED_AT if filters.date_field == "closed" else SCHEDULED_START
    return (field, *days_bounds(filters.start, filters.end, zone))


def _cursor(text: str) -> tuple[datetime | None, ObjectId | None]:
    """``"<iso>|<id>"`` or ``"<id>"`` from the previous page's last row."""
    moment, _, raw_id = (text or "").rpartition("|")
    try:
        return (datetime.fromisoformat(moment) if moment else None), ObjectId(raw_id)
    except (InvalidId, TypeError, ValueError):
        return None, None


def _number_query(query: str) -> int | None:
    """The job number a query names: "#123", or "123" (fewer than 7 digits)."""
    digits = query[1:] if query.startswith("#") else query
    if digits.isdigit() and (query.startswith("#") or len(digits) < _SHORT_NUMBER_DIGITS):
        return int(digits)
    return None


def _search_plan(text: str, key: str) -> dict:
    """How to read a search: which key drives the read and what is checked per row.

    Phone digits (7 or more) are a rare key: one read over all dates. A
    several-word query reads its longest word and checks the others on each
    row ("lee ann" and "ann lee" alike; there are no whole-text keys). A
    short word (3 letters or fewer) narrowed by a filter reads the filter's
    jobs and checks the word instead, since it can match most jobs.
    """
    query = normalize_query(text)
    if query.isdigit() and len(query) >= _SHORT_NUMBER_DIGITS:
        return {"search_key": query, "first_span": timedelta(days=ALL_DAYS)}
    if query.isdigit():  # "123": a job number (looked up apart) or an address number
        return {"search_key": query, "by_filter": bool(key) and len(query) <= BROAD_PREFIX}
    terms = query_terms(text)
    longest = max(terms, key=len)
    return {"search_key": longest, "also": [t for t in terms if t != longest],
            "by_filter": bool(key) and len(longest) <= BROAD_PREFIX}


def _search_page(repo: JobRepository, filters: JobListFilters,
                 after: tuple[datetime | None, ObjectId] | None, limit: int) -> list[dict]:
    """A page of search results; a job named by its number comes first."""
    query, key = normalize_query(filters.search), _key(filters)
    number = _number_query(query)
    named = (repo.find_one({"number": number}, projection=_PROJECTION)
             if number is not None else None)
    if named is not None and key and key not in named.get("filter_keys", []):
        named = None
    first = [named] if named is not None and after is None else []
    if query.startswith("#"):
        return first
    rows = repo.page_search(after=after, limit=limit, key=key, projection=_PROJECTION,
                            **_search_plan(filters.search, key))
    return first + [row for row in rows if named is None or row["_id"] != named["_id"]]


def _page_docs(repo: JobRepository, filters: JobListFilters, after: str, wanted: int,
               zone) -> tuple[list[dict], str]:
    """Up to ``wanted`` job documents after the cursor ``after``, and how they were read."""
    moment, last_id = _cursor(after)
    if normalize_query(filters.search):
        return _search_page(repo, filters, (moment, last_id) if last_id else None,
                            wanted), "search"
    if filters.date_field == "unscheduled":
        return repo.page_unscheduled(key=_key(filters), before_id=last_id, limit=wanted,
                                     projection=_PROJECTION), "unscheduled"
    field, start, end = _window(filters, zone)
    return repo.page_in_window(
        key=_key(filters), field=field, start=start, end=end,
        after=(moment, last_id) if moment and last_id else None, limit=wanted,
        descending=filters.order != "asc", projection=_PROJECTION,
        first_span=timedelta(days=1 if not _key(filters) else 7)), "window"


def list_jobs(db: Database, *, actor: Actor, filters: JobListFilters, after: str = "",
              page_size: int = PAGE_SIZE) -> JobPage:
    """One page of the job list (office staff).

    Args:
        filters: From :func:`parse_list_filters`.
        after: The ``cursor`` of the previous page's last row ("" for the first).
        page_size: Rows per page.
    """
    actor = require_company_actor(actor)
    require_search_query(filters.search, job_numbers=True)
    company = company_of(db, actor)  # before reading: its jobs stamp keys the cache
    zone = zone_of(company)

    def read() -> JobPage:
        docs, mode = _page_docs(JobRepository(db, actor.company_id), filters, after,
                                page_size + 1, zone)
        cursor_field = None if mode == "unscheduled" else (
            CLOSED_AT if mode == "window" and filters.date_field == "closed" else SCHEDULED_START)
        rows = job_rows(db, actor=actor, docs=docs[:page_size], zone=zone,
                        cursor_field=cursor_field)
        return JobPage(rows=tuple(rows), has_next=len(docs) > page_size, mode=mode)

    # The same page of the same filters is the same until a job is written (any
    # worker's write bumps the company's jobs stamp) or a technician or lead
    # source is (their names are in the rows: the roster stamp is in the key).
    # The page is kept as built: its rows are frozen, so every caller shares it.
    if not company:
        return read()
    key = ("list", filters, after, page_size, str(zone), company.get(STAMP_FIELD, 0))
    return company_result(company, "jobs_stamp", ("jobs", "technicians", "lead_sources"),
                          key, read, shared=True)


def jobs_version(db: Database, *, actor: Actor) -> int:
    """A number that changes whenever one of the company's jobs is written, by any
    worker: a count taken under it still holds while it is the same."""
    actor = require_company_actor(actor)
    return int(company_of(db, actor).get("jobs_stamp", 0))


def count_jobs(db: Database, *, actor: Actor, filters: JobListFilters) -> int:
    """How many jobs the list's filters match, up to ``COUNT_CAP`` + 1.

    Counting stops past ``COUNT_CAP`` (the page shows "1,000+"), so a busy
    company's two-month window costs a few slices, not every job in it.
    A search that :func:`list_jobs` refuses (1-character words) counts 0.
    """
    actor = require_company_actor(actor)
    if query_too_short(filters.search, job_numbers=True):
        return 0
    repo = JobRepository(db, actor.company_id)
    company = company_of(db, actor)  # before counting: its jobs stamp keys the cache
    zone = zone_of(company)

    def count() -> int:
        if normalize_query(filters.search):
            return len(_search_page(repo, filters, None, COUNT_CAP + 1))
        if filters.date_field == "unscheduled":
            return repo.count_unscheduled(key=_key(filters), cap=COUNT_CAP)
        field, start, end = _window(filters, zone)
        return repo.count_in_window(key=_key(filters), field=field, start=start, end=end,
                                    cap=COUNT_CAP)

    if not company:
        return count()
    # The same filters on the same company give the same count until a job is
    # written (any worker's write bumps the company's jobs stamp).
    key = (replace(filters, order="desc"), str(zone))  # the order changes no count
    return company_count(company, "jobs", key, count)


def count_text(total: int) -> str:
    """"1 job", "873 jobs", "1,000+ jobs"."""
    shown = f"{COUNT_CAP:,}+" if total > COUNT_CAP else f"{total:,}"
    return f"{shown} jobs" if total > COUNT_CAP else pluralize(total, "job")

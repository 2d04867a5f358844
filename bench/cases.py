"""The operations the benchmark times: the app's way and the naive way.

The app's way is the code the pages call (dashboard service over the
rollups; the jobs engineer's keyset window paging and exact search keys).
The naive way is what those replace: aggregating every closed job in Python,
``skip``/``limit`` over the whole company, regular expressions.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from pymongo import DESCENDING

from iprodash.domain.search_keys import normalize_query, search_terms
from iprodash.repositories.jobs import SCHEDULED_START, JobRepository
from iprodash.services.dashboard import load_dashboard

PAGE = 25
LIST_WINDOW = (timedelta(days=30), timedelta(days=30))  # the job list's default window
# The deep page walks a window of the whole seeded year (what a user sees after
# widening the dates), so 500 pages exist at 100,000 jobs as they do for skip.
DEEP_WINDOW = (timedelta(days=366), timedelta(days=30))


class Cases:
    """Operations on one company, bound to a database and an admin actor."""

    def __init__(self, db, actor, now: datetime):
        self.db, self.actor, self.now = db, actor, now
        self.jobs = JobRepository(db, actor.company_id)
        self.raw = db["jobs"]

    # -- dashboard ---------------------------------------------------------------------
    def dashboard(self, period: str, start: str = "", end: str = ""):
        return load_dashboard(db=self.db, actor=self.actor, period=period, start=start, end=end,
                              now=self.now)

    def naive_dashboard(self, first: datetime, end: datetime) -> dict:
        """Every closed job of the period into Python, summed there."""
        totals: dict = defaultdict(int)
        by_tech: dict = defaultdict(int)
        by_source: dict = defaultdict(int)
        cursor = self.raw.find({"company_id": self.actor.company_id, "status": "closed",
                                "closed_at": {"$gte": first, "$lt": end}},
                               {"finance": 1, "technician_id": 1, "lead_source_id": 1})
        for job in cursor:
            for name, cents in job["finance"].items():
                totals[name] += cents
            by_tech[job["technician_id"]] += job["finance"]["company_profit"]
            by_source[job["lead_source_id"]] += job["finance"]["company_profit"]
        return {"totals": totals, "by_tech": by_tech, "by_source": by_source}

    # -- job list ----------------------------------------------------------------------
    def _window(self, window=LIST_WINDOW) -> tuple[datetime, datetime]:
        return self.now - window[0], self.now + window[1]

    def list_page(self, after=None, window=LIST_WINDOW) -> list[dict]:
        start, end = self._window(window)
        return self.jobs.page_in_window(key="", field=SCHEDULED_START, start=start, end=end,
                                        after=after, limit=PAGE, descending=True)

    def cursor_at_page(self, pages: int):
        """``(n, cursor)``: the keyset cursor after ``n`` pages, ``n`` being ``pages`` or,
        with fewer jobs in the window, the last full page (walked once, not timed)."""
        after, walked = None, 0
        while walked < pages:
            rows = self.list_page(after, DEEP_WINDOW)
            if len(rows) < PAGE:
                break
            after, walked = (rows[-1][SCHEDULED_START], rows[-1]["_id"]), walked + 1
        return walked, after

    def naive_list_page(self, page: int) -> list[dict]:
        cursor = self.raw.find({"company_id": self.actor.company_id})
        cursor = cursor.sort([(SCHEDULED_START, DESCENDING), ("_id", DESCENDING)])
        return list(cursor.skip(page * PAGE).limit(PAGE))

    # -- search ------------------------------------------------------------------------
    def search(self, text: str) -> list[dict]:
        key = max(search_terms(text), key=len)  # one word (or the phone digits) read
        rows = self.jobs.iter_search(search_key=key, before_id=None)
        return list(itertools.islice(rows, PAGE))

    def naive_phone_search(self, text: str) -> list[dict]:
        digits = normalize_query(text)
        return list(self.raw.find({"company_id": self.actor.company_id,
                                   "client.phone": {"$regex": re.escape(digits)}}).limit(PAGE))

    def naive_name_search(self, text: str) -> list[dict]:
        return list(self.raw.find({"company_id": self.actor.company_id,
                                   "client.name": {"$regex": f"^{re.escape(text)}",
                                                   "$options": "i"}}).limit(PAGE))


def utc_day_start(day, zone) -> datetime:
    """Midnight of a company-local day, in UTC."""
    return datetime.combine(day, datetime.min.time(), zone).astimezone(timezone.utc)

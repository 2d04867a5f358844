"""The jobs list counts its matches again only when the filters or the jobs changed."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from iprodash.domain.clock import company_today
from state.jobs import JobsState
from state.session import SessionState
from tests.integration.tabs import call


def _load(tab, path: str = "/jobs"):
    call(tab.at(SessionState, path), "guard", ["company_admin", "user"])
    jobs = tab.at(JobsState, path)
    return jobs, call(jobs, "load")


def _count(jobs) -> None:
    """The background count the load asked for, as Reflex runs it."""
    class Proxy:  # ``async with self`` of a background event: the state itself here
        def __init__(self, state):
            self.__dict__["_state"] = state

        async def __aenter__(self):
            return self

        async def __aexit__(self, *exc):
            return False

        def __getattr__(self, name):
            return getattr(self._state, name)

        def __setattr__(self, name, value):
            setattr(self._state, name, value)

    asyncio.run(type(jobs).event_handlers["count_matches"].fn(Proxy(jobs)))


def test_the_count_is_taken_again_only_after_a_change(shop, office):
    _, admin = office
    today = company_today(shop.company)
    for n in range(3):
        shop.job(date=(today + timedelta(days=n)).isoformat(),
                 client_phone=f"(212) 555-01{n:02d}")
    jobs, answer = _load(admin)
    assert "count_matches" in repr(answer) and jobs.count_text == "Counting…"
    _count(jobs)
    assert jobs.count_text == "3 jobs"

    jobs, answer = _load(admin)  # back on the list: same filters, no job written
    assert answer is None and jobs.count_text == "3 jobs"

    shop.job(date=today.isoformat(), client_phone="(212) 555-0199")
    jobs, answer = _load(admin)
    assert "count_matches" in repr(answer) and jobs.count_text == "3 jobs"
    _count(jobs)
    assert jobs.count_text == "4 jobs"

    jobs, answer = _load(admin, "/jobs?status=canceled")  # other filters: counted again
    assert "count_matches" in repr(answer) and jobs.count_text == "Counting…"

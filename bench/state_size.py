"""The size of one tab's whole state, as the state manager keeps it (pickled).

A tab signed in as the demo admin runs the on_load handlers of the pages the
sessions bench visits (dashboard, jobs list and its next page, a job page),
in this process, against the bench's database; then every substate is
pickled the way Reflex's Redis state manager stores it (``_serialize``).
"""

from __future__ import annotations

import asyncio
import inspect
import os


def _run(result) -> None:
    if inspect.iscoroutine(result):
        asyncio.run(result)
    elif inspect.isasyncgen(result):
        async def drain():
            async for _ in result:
                pass
        asyncio.run(drain())
    elif inspect.isgenerator(result):
        for _ in result:
            pass


def largest_tab_state(mongo_uri: str, db_name: str) -> dict:
    """Pickled bytes of a tab's state tree after the mix's pages, and its largest states."""
    os.environ.update({"MONGODB_URI": mongo_uri, "MONGODB_DB": db_name})
    from iprodash import db as db_module
    from iprodash.settings import get_settings

    get_settings.cache_clear()
    db_module.get_client.cache_clear()
    import reflex as rx
    from reflex import constants
    from reflex.istate.data import RouterData

    import iprodash.iprodash  # noqa: F401 - registers every page state
    from iprodash.api.security import SESSION_COOKIE
    from iprodash.repositories.users import AccountLookup
    from iprodash.services import auth
    from state.conversations import UnreadState
    from state.dashboard import DashboardState
    from state.job_detail import JobDetailState
    from state.jobs import JobsState
    from state.session import SessionState

    db = db_module.get_db()
    user = AccountLookup(db).by_email("admin@demo.test")
    cookie = auth.issue_session(db, user=user, ip="127.0.0.1", user_agent="bench-state-size")
    root = rx.State(_reflex_internal_init=True)

    def at(cls, path: str):
        root.router = RouterData.from_router_data({
            constants.RouteVar.HEADERS: {"cookie": f"{SESSION_COOKIE}={cookie}",
                                         "origin": "http://localhost"},
            constants.RouteVar.ORIGIN: path, constants.RouteVar.CLIENT_IP: "127.0.0.1"})
        return root.get_substate(cls.get_full_name().split("."))

    def call(cls, path: str, name: str, *args):
        state = at(cls, path)
        _run(type(state).event_handlers[name].fn(state, *args))
        return state

    for path in ("/dashboard", "/jobs"):
        call(SessionState, path, "guard", ["company_admin", "user"])
    call(UnreadState, "/dashboard", "refresh")
    call(DashboardState, "/dashboard", "load")
    call(DashboardState, "/dashboard", "set_period", "last_12_months")
    jobs = call(JobsState, "/jobs", "load")
    call(JobsState, "/jobs", "count_matches")
    call(JobsState, "/jobs", "next_page")
    job_path = f"/jobs/{jobs.rows[0]['id']}"
    call(JobDetailState, job_path, "load")  # fills money, invoice, chip and thread too
    sizes = {}
    pending = [root]
    while pending:
        state = pending.pop()
        pending.extend(state.substates.values())
        sizes[state.get_full_name().rsplit(".", 1)[-1]] = len(state._serialize())
    largest = sorted(sizes.items(), key=lambda item: -item[1])[:4]
    return {"bytes": sum(sizes.values()), "states": len(sizes),
            "largest_states": {name: size for name, size in largest}}

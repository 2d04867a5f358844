"""Every public State event handler answers bad input with a sentence (issue 14).

Any public handler is callable from the browser with any arguments, so this
test finds them all in the app's registry (every state class defined in the
project's ``state.`` modules, found by walking ``rx.State``'s substates) and
calls each one that takes parameters with wrong-typed and out-of-range values,
one parameter at a time, as a signed-in company admin, office user,
operator and technician (signed in through their link) of a company with data built through the services. A handler added
later is fuzzed too, without editing this file.

Each handler runs on its page: the tab's URL is the route whose ``on_load``
names the handler's state (dynamic parts filled with the company's own ids),
and that ``on_load`` runs first, so handlers that act on a loaded page (a
job's lines, a selected ticket) get past their first ``if``.

What must hold: no exception escapes a handler (generators and coroutines
are run to completion; an escaping exception is what Reflex would log as
unhandled and show as "An error occurred"), and a wrong-typed value (one that
is not of the parameter's annotated type) changes none of the stored data
(all collections but sessions and usage logs, compared before and after).
Nothing may be logged at ERROR level either: Reflex logs one when a handler
stores a value of the wrong type in a state variable.

Skipped, by name: Reflex's own handlers (``setvar`` forwards to the
``set_<name>`` handlers that are fuzzed themselves; names starting with
``_``; hydrate and friends) and handlers without parameters (nothing to
fuzz). Background handlers are driven directly: on a plain state
``async with self`` is a no-op, so their whole body runs here as it would
under a ``StateProxy``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import typing

import pytest
import reflex as rx

from iprodash.iprodash import app
from iprodash.repositories.companies import CompanyRepository
from iprodash.services import auth, jobs
from iprodash.services.actor import COMPANY_ADMIN, OPERATOR, TECHNICIAN, USER
from iprodash.services.job_forms import JobForm
from iprodash.services.lead_sources import LeadSourceForm, create_lead_source
from iprodash.services.technician_access import create_technician_link, open_technician_link
from iprodash.services.technicians import TechnicianForm, create_technician
from tests.factories import actor_for, make_company, make_user
from tests.integration.tabs import Tab, call

# Reflex's own handlers, present on every state.
_REFLEX_HANDLERS = frozenset({"setvar", "hydrate", "set_is_hydrated", "update_vars_internal",
                              "on_load_internal", "hydrate_and_load"})

# Collections that change on every signed-in event (not the company's data).
_VOLATILE = frozenset({"sessions", "usage_log"})

BAD_VALUES = [None, 12345, -1, 10**20, "", "x" * 5000, "9999-12-31", "<script>",
              {"a": 1}, [1, 2], "FOREIGN_ID", "not-an-id"]


def _project_states():
    pending = list(rx.State.get_substates())
    while pending:
        cls = pending.pop(0)
        pending.extend(cls.get_substates())
        if cls.__module__.startswith("state."):
            yield cls


def _params(handler) -> list[inspect.Parameter]:
    return list(inspect.signature(handler.fn).parameters.values())[1:]


def _fuzzable():
    found = []
    for cls in _project_states():
        for name, handler in cls.event_handlers.items():
            if name.startswith("_") or name in _REFLEX_HANDLERS or not _params(handler):
                continue
            found.append(pytest.param(cls, name, id=f"{cls.__name__}.{name}"))
    return found


def _annotation(cls, name: str, param: inspect.Parameter):
    try:
        hints = typing.get_type_hints(cls.event_handlers[name].fn)
    except Exception:  # noqa: BLE001 - an unresolvable hint means "any"
        return typing.Any
    return hints.get(param.name, typing.Any)


def _is_of(value, annotation) -> bool:
    """Whether ``value`` has the parameter's annotated type (loosely)."""
    if annotation is typing.Any or annotation is inspect.Parameter.empty:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return any(_is_of(value, arg) for arg in typing.get_args(annotation))
    base = origin or annotation
    if not isinstance(base, type):
        return True
    if base is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if base is int and isinstance(value, bool):
        return False
    return isinstance(value, base)


def _neutral(annotation):
    """A harmless value of the annotated type for the parameters not fuzzed."""
    base = typing.get_origin(annotation) or annotation
    for kind, value in ((bool, False), (int, 0), (float, 0.0), (dict, {}), (list, [])):
        if isinstance(base, type) and issubclass(base, kind):
            return value
    return ""


def _route_of(cls) -> str | None:
    """The page route whose ``on_load`` runs one of ``cls``'s handlers."""
    for route, events in app._load_events.items():
        for event in events or []:
            handler = getattr(event, "handler", event)
            if getattr(handler, "state_full_name", None) == cls.get_full_name():
                return route
    return None


def run(result) -> None:
    """Run what a handler returned to completion (generators, coroutines)."""
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


class World:
    """A company with people, a technician, a lead source, a client and jobs, and a
    second company whose ids are the 'foreign' values."""

    def __init__(self, db):
        self.db = db
        self.company = make_company(db, name="Fuzz Locks")
        self.users = {role: make_user(db, company=self.company, role=role)
                      for role in (COMPANY_ADMIN, USER)}
        self.users[OPERATOR] = make_user(db, company=None, role=OPERATOR)
        admin = actor_for(self.users[COMPANY_ADMIN])
        self.tech = tech = create_technician(db, actor=admin, form=TechnicianForm(
            name="Tom Tech", nickname="Tom", phone="(212) 555-0111", commission_percent="40",
            job_fee="0"))
        source = create_lead_source(db, actor=admin, form=LeadSourceForm(
            name="Google Ads", kind="percent", rate_percent="10", fixed_amount="0"))
        self.job = jobs.create_job(db, actor=admin, form=JobForm(
            client_name="Ann Lee", client_phone="(212) 555-0100", address_line="12 Oak Ave",
            city="Springfield", state="NY", zip="10001", job_type="Lockout", date="2025-06-02",
            start_time="09:00", end_time="11:00", technician_id=tech.id,
            lead_source_id=source.id)).job
        self.optin_code = CompanyRepository(db).ensure_optin_code(self.company)
        other = make_company(db, name="Other Garage")
        other_admin = actor_for(make_user(db, company=other, role=COMPANY_ADMIN))
        self.foreign_job = jobs.create_job(db, actor=other_admin, form=JobForm(
            client_name="Zed Far", client_phone="(212) 555-0199", address_line="9 Elm St",
            city="Springfield", state="NY", zip="10001", job_type="Lockout", date="2025-06-02",
            start_time="09:00", end_time="11:00")).job

    def sign_in(self, role: str) -> str:
        """A live session cookie for ``role`` (a technician opens their link)."""
        if role == TECHNICIAN:
            admin = actor_for(self.users[COMPANY_ADMIN])
            path = create_technician_link(self.db, actor=admin, technician_id=self.tech.id)
            return open_technician_link(self.db, token=path.rsplit("/", 1)[-1], ip="127.0.0.1")
        return auth.issue_session(self.db, user=self.users[role], ip="127.0.0.1",
                                  user_agent="pytest")

    def path(self, route: str | None) -> str:
        if route is None:
            return "/"
        fills = {"[job_id]": str(self.job["_id"]), "[thread]": str(self.job["client_id"]),
                 "[optin_code]": self.optin_code, "[token]": "no-such-token"}
        for part, value in fills.items():
            route = route.replace(part, value)
        return "/" + route.lstrip("/")

    def value(self, bad):
        return str(self.foreign_job["_id"]) if bad == "FOREIGN_ID" else bad

    def snapshot(self) -> dict:
        return {name: sorted(self.db[name].find(), key=lambda doc: str(doc.get("_id")))
                for name in sorted(self.db.list_collection_names()) if name not in _VOLATILE}


@pytest.fixture(scope="module")
def world(mongo_uri):
    """One database for the module: every call below must leave it unchanged."""
    import uuid

    from iprodash import db as db_module
    from iprodash.repositories.indexes import ensure_indexes
    from iprodash.settings import get_settings

    name = f"t_fuzz_{uuid.uuid4().hex[:10]}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MONGODB_URI", mongo_uri)
        patch.setenv("MONGODB_DB", name)
        get_settings.cache_clear()
        db_module.get_client.cache_clear()
        database = db_module.get_db()
        ensure_indexes(database)
        yield World(database)
        db_module.get_client().drop_database(name)
    get_settings.cache_clear()
    db_module.get_client.cache_clear()


def _call(state, name: str, args: list) -> None:
    run(call(state, name, *args))


def test_discovery_finds_the_handlers_the_issue_names():
    """The walk reaches nested states and mixins' handlers (a broken walk would fuzz nothing)."""
    found = {f"{cls.__name__}.{name}" for cls, name in (p.values for p in _fuzzable())}
    assert len(found) >= 100
    assert {"AuditState.set_target_type", "BoardState.shift", "SettlementsState.ask_void",
            "ReportsState.set_kind", "PrivacyState.start_export", "UsersState.set_invite_email",
            "ClientsState.set_dialog_open", "SupportDeskState.select"} <= found
    names = {key.split(".", 1)[1] for key in found}
    assert not names & _REFLEX_HANDLERS and not any(n.startswith("_") for n in names)


@pytest.mark.parametrize(("cls", "name"), _fuzzable())
def test_handler_refuses_bad_arguments(world, caplog, cls, name):
    params = _params(cls.event_handlers[name])
    annotations = [_annotation(cls, name, p) for p in params]
    route = _route_of(cls)
    for role in (COMPANY_ADMIN, USER, OPERATOR, TECHNICIAN):
        tab = Tab(world.sign_in(role))
        assert auth.authenticate(world.db, token=tab.cookie, ip="127.0.0.1").role == role
        state = tab.at(cls, world.path(route))
        if "load" in cls.event_handlers and not _params(cls.event_handlers["load"]):
            _call(state, "load", [])
        wrong_typed = []
        for index in range(len(params)):
            for bad in BAD_VALUES:
                value = world.value(bad)
                args = [_neutral(a) for a in annotations]
                args[index] = value
                if not _is_of(value, annotations[index]):
                    wrong_typed.append(args)
                    continue
                try:
                    _call(state, name, args)
                except Exception as exc:  # noqa: BLE001 - reported with the value
                    pytest.fail(f"{cls.__name__}.{name}{tuple(args)!r:.200} as {role} raised "
                                f"{type(exc).__name__}: {exc!s:.300}")
        # Wrong-typed values on their own, so any change they make shows.
        after_typed = world.snapshot()
        for args in wrong_typed:
            try:
                _call(state, name, args)
            except Exception as exc:  # noqa: BLE001 - reported with the value
                pytest.fail(f"{cls.__name__}.{name}{tuple(args)!r:.200} as {role} raised "
                            f"{type(exc).__name__}: {exc!s:.300}")
        after = world.snapshot()
        logged = [r.getMessage()[:200] for r in caplog.records if r.levelno >= logging.ERROR]
        assert not logged, f"{cls.__name__}.{name} as {role} logged errors: {logged[:3]}"
        changed = [c for c in set(after) | set(after_typed)
                   if after.get(c) != after_typed.get(c)]
        assert not changed, (f"{cls.__name__}.{name} as {role} changed {changed} "
                             f"with wrong-typed arguments")

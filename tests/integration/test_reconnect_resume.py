"""A tab whose socket reconnects (a network blip, or its app worker died and another
took it over) keeps the page of the list it showed; a new page load starts at page 1.

The app's middleware answers the hydrate as for the browser: Reflex's frontend sends
the compiled state's hashes only on a page load's first connect, never on a reconnect.
Then the page's loaders run as ``on_load`` runs them: the guard, then the list's load.
"""

from __future__ import annotations

import asyncio

import pytest
import reflex as rx
from reflex_base.event import Event
from reflex_base.event.context import EventContext

from iprodash.iprodash import app
from iprodash.services import clients as client_service
from state.clients import ClientsState
from state.session import SessionState
from tests.integration.test_session_boundary import Tab, _company_with_clients, call


def _hydrate(tab: Tab, url: str, *, reconnect: bool) -> None:
    tab._route(url)

    async def ignore(*_args, **_kwargs):
        return None

    context = EventContext(token="tab-token", state_manager=None, enqueue_impl=ignore,
                           emit_delta_impl=ignore, emit_event_impl=ignore)
    reset = EventContext.set(context)
    payload = {} if reconnect else {"hashes": ["0123456789abcdef"]}
    try:
        event = Event(name=f"{rx.State.get_full_name()}.hydrate_and_load", payload=payload)
        assert asyncio.run(app._preprocess(tab.root, event)) is None
    finally:
        EventContext.reset(reset)


def _on_load(tab: Tab, url: str) -> ClientsState:
    call(tab.at(SessionState, url), "guard", [])
    page = tab.at(ClientsState, url)
    call(page, "load")
    return page


@pytest.fixture
def tab_on_page_3(db, monkeypatch):
    monkeypatch.setattr(client_service, "PAGE_SIZE", 1)
    admin = _company_with_clients(db, "Demo Locksmith", ["Ann Lee", "Bob Stone", "Cara West",
                                                         "Dan Moss"])
    tab = Tab()
    tab.sign_in(db, admin)
    _hydrate(tab, "/clients", reconnect=False)
    page = _on_load(tab, "/clients")
    assert [row["name"] for row in page.rows] == ["Ann Lee"]
    call(page, "next_page")
    call(page, "next_page")
    assert [row["name"] for row in page.rows] == ["Cara West"]
    return tab


def test_a_reconnect_on_the_same_page_keeps_the_page_of_the_list(tab_on_page_3):
    _hydrate(tab_on_page_3, "/clients", reconnect=True)
    page = _on_load(tab_on_page_3, "/clients")
    assert [row["name"] for row in page.rows] == ["Cara West"]
    assert len(page.cursor_stack) == 2
    call(page, "previous_page")
    assert [row["name"] for row in page.rows] == ["Bob Stone"]


def test_a_new_page_load_starts_the_list_over(tab_on_page_3):
    _hydrate(tab_on_page_3, "/clients", reconnect=False)
    page = _on_load(tab_on_page_3, "/clients")
    assert [row["name"] for row in page.rows] == ["Ann Lee"]


def test_a_navigation_after_a_reconnect_starts_the_list_over(tab_on_page_3):
    _hydrate(tab_on_page_3, "/clients", reconnect=True)
    page = _on_load(tab_on_page_3, "/clients")
    assert [row["name"] for row in page.rows] == ["Cara West"]
    # Later the person opens the list again from the menu: no hydrate, only on_load.
    page = _on_load(tab_on_page_3, "/clients")
    assert [row["name"] for row in page.rows] == ["Ann Lee"]


def test_a_reconnect_on_another_page_does_not_resume_this_list(tab_on_page_3):
    _hydrate(tab_on_page_3, "/jobs", reconnect=True)
    page = _on_load(tab_on_page_3, "/clients")
    assert [row["name"] for row in page.rows] == ["Ann Lee"]
